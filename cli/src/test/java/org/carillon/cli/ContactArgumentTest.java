package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.carillon.core.account.AccountId;
import org.carillon.core.contact.Contact;
import org.junit.jupiter.api.Test;

class ContactArgumentTest {
    private static final AccountId SELF = AccountId.parse("5e1f5e1f5e1f5e1f5e1f5e1f5e1f5e1f5e1f5e1f");
    private static final AccountId BOB = AccountId.parse("b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0");
    private static final AccountId BOBBY = AccountId.parse("b0b0ffffffffffffffffffffffffffffffffffff");
    private static final AccountId CAROL = AccountId.parse("ca201ca201ca201ca201ca201ca201ca201ca201");
    private static final AccountId EVE = AccountId.parse("eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee");
    private static final AccountId GONE = AccountId.parse("6060606060606060606060606060606060606060");

    private static final List<Contact> CONTACTS = List.of(
            new Contact(BOB, 10, 0, true, false, ""),
            new Contact(BOBBY, 10, 0, false, false, ""),
            new Contact(CAROL, 10, 0, false, false, ""),
            new Contact(EVE, 10, 0, true, true, ""),
            new Contact(GONE, 10, 20, true, false, ""));

    @Test
    void aContactIsNamedByItsIdItsUriOrAUniquePrefix() {
        assertThat(ContactArgument.resolve(BOB.hex(), CONTACTS, SELF)).isEqualTo(BOB);
        assertThat(ContactArgument.resolve("jami:" + BOB.hex().toUpperCase(), CONTACTS, SELF))
                .isEqualTo(BOB);
        assertThat(ContactArgument.resolve("ca20", CONTACTS, SELF)).isEqualTo(CAROL);
        assertThat(ContactArgument.resolve("b0b0b", CONTACTS, SELF)).isEqualTo(BOB);
    }

    @Test
    void whatIsNotAUsableContactIsRefusedWithTheReason() {
        String stranger = "0123456789abcdef0123456789abcdef01234567";
        assertThatThrownBy(() -> ContactArgument.resolve(stranger, CONTACTS, SELF))
                .hasMessage(stranger + " is not a contact of this account (send it a request: carillon contact add "
                        + stranger + ")");
        assertThatThrownBy(() -> ContactArgument.resolve("b0b0", CONTACTS, SELF))
                .hasMessage("'b0b0' matches 2 contacts: give more of the id");
        assertThatThrownBy(() -> ContactArgument.resolve("ffff", CONTACTS, SELF))
                .hasMessageStartingWith("unknown contact 'ffff': no contact's id starts with it");
        assertThatThrownBy(() -> ContactArgument.resolve("bob", CONTACTS, SELF))
                .hasMessageStartingWith("unknown contact 'bob': give its account id");
        assertThatThrownBy(() -> ContactArgument.resolve("", CONTACTS, SELF))
                .hasMessageStartingWith("unknown contact '': give its account id");
        assertThatThrownBy(() -> ContactArgument.resolve(EVE.hex(), CONTACTS, SELF))
                .hasMessageContaining("is blocked");
        assertThatThrownBy(() -> ContactArgument.resolve("6060", CONTACTS, SELF))
                .hasMessageContaining("is not a contact any more");
        assertThatThrownBy(() -> ContactArgument.resolve(SELF.hex(), CONTACTS, SELF))
                .hasMessage("that is this account's own id");
    }

    @Test
    void aConversationWithARemovedOrBlockedContactCanStillBeRead() {
        assertThat(ContactArgument.conversation("6060", CONTACTS, SELF)).isEqualTo(GONE);
        assertThat(ContactArgument.conversation(EVE.hex(), CONTACTS, SELF)).isEqualTo(EVE);
        assertThatThrownBy(
                        () -> ContactArgument.conversation("0123456789abcdef0123456789abcdef01234567", CONTACTS, SELF))
                .hasMessageContaining("is not a contact of this account");
    }

    @Test
    void aContactThatHasNotAcceptedGetsAWarning() {
        assertThat(ContactArgument.warning(CONTACTS, CAROL))
                .hasValueSatisfying(w -> assertThat(w).contains("has not accepted"));
        assertThat(ContactArgument.warning(CONTACTS, BOB)).isEmpty();
    }
}
