package org.carillon.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.carillon.core.account.AccountId;
import org.carillon.core.contact.Contact;
import org.carillon.core.contact.TrustRequest;
import org.carillon.dht.InfoHash;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteAccountStateTest {
    private static final AccountId ME = AccountId.parse("a11ce00000000000000000000000000000000001");
    private static final AccountId OTHER_ACCOUNT = AccountId.parse("0e0e000000000000000000000000000000000009");
    private static final AccountId BOB = AccountId.parse("b0b0000000000000000000000000000000000002");
    private static final AccountId CAROL = AccountId.parse("ca20100000000000000000000000000000000003");
    private static final InfoHash BOB_PHONE = InfoHash.fromHex("b0bf0000000000000000000000000000000000f1");
    private static final String CONVERSATION = "c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0";

    @TempDir
    Path tmp;

    private Path file;
    private Database db;
    private SqliteAccountState state;
    private SqliteAccountState otherState;

    @BeforeEach
    void open() throws Exception {
        file = tmp.resolve("carillon.db");
        db = Database.open(file);
        AccountRecords records = new AccountRecords(db);
        records.add(new LocalAccount(ME, "me", "", 1));
        records.add(new LocalAccount(OTHER_ACCOUNT, "other", "", 1));
        state = new SqliteAccountState(db, ME, Clock.fixed(Instant.ofEpochSecond(1000), ZoneOffset.UTC));
        otherState = new SqliteAccountState(db, OTHER_ACCOUNT);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void contactsAreSavedReplacedAndFound() {
        Contact bob = new Contact(BOB, 100, 0, false, false, CONVERSATION);
        Contact carol = new Contact(CAROL, 50, 60, true, true, "");
        state.saveContact(carol);
        state.saveContact(bob);
        assertThat(state.contacts()).containsExactly(bob, carol); // by id
        assertThat(state.contact(BOB)).contains(bob);
        assertThat(state.contact(ME)).isEmpty();

        Contact confirmed = new Contact(BOB, 100, 0, true, false, CONVERSATION);
        state.saveContact(confirmed);
        assertThat(state.contact(BOB)).contains(confirmed);
        assertThat(state.contacts()).hasSize(2);
        assertThat(otherState.contacts()).isEmpty();
    }

    @Test
    void requestsAreSavedReplacedFoundAndRemoved() {
        TrustRequest fromBob = new TrustRequest(BOB, BOB_PHONE, CONVERSATION, vcard("Bob"), 300);
        TrustRequest fromCarol = new TrustRequest(
                CAROL, InfoHash.fromHex("ca201f0000000000000000000000000000000001"), "", new byte[0], 200);
        state.saveRequest(fromBob);
        state.saveRequest(fromCarol);
        assertThat(state.requests())
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(fromCarol, fromBob); // oldest first
        assertThat(state.request(BOB)).get().usingRecursiveComparison().isEqualTo(fromBob);

        TrustRequest again = new TrustRequest(BOB, BOB_PHONE, CONVERSATION, vcard("Bob, new photo"), 400);
        state.saveRequest(again);
        assertThat(state.request(BOB)).get().usingRecursiveComparison().isEqualTo(again);
        assertThat(state.requests()).hasSize(2);
        assertThat(otherState.requests()).isEmpty();

        state.removeRequest(BOB);
        state.removeRequest(BOB); // absent: nothing to do
        assertThat(state.request(BOB)).isEmpty();
        assertThat(state.requests()).hasSize(1);
    }

    @Test
    void aLargestAllowedVcardFitsWhole() {
        byte[] big = new byte[TrustRequest.MAX_VCARD];
        new java.util.Random(7).nextBytes(big);
        state.saveRequest(new TrustRequest(BOB, BOB_PHONE, "", big, 1));
        assertThat(state.request(BOB).orElseThrow().vcard()).isEqualTo(big);
    }

    @Test
    void aValueIsHandledOnlyOncePerAccount() {
        assertThat(state.markHandled(42)).isTrue();
        assertThat(state.markHandled(42)).isFalse();
        assertThat(state.markHandled(-1L)).isTrue(); // OpenDHT's ids are unsigned 64-bit
        assertThat(state.markHandled(-1L)).isFalse();
        assertThat(otherState.markHandled(42)).isTrue();
    }

    @Test
    void oldHandledValuesCanBeForgotten() {
        state.markHandled(1); // at 1000 s by the fixed clock
        assertThat(state.forgetHandledBefore(1000)).isZero();
        assertThat(state.forgetHandledBefore(1001)).isEqualTo(1);
        assertThat(state.markHandled(1)).isTrue();
    }

    @Test
    void everythingSurvivesAReopen() throws Exception {
        Contact bob = new Contact(BOB, 100, 0, true, false, CONVERSATION);
        TrustRequest fromCarol = new TrustRequest(CAROL, BOB_PHONE, "", vcard("Carol"), 200);
        state.saveContact(bob);
        state.saveRequest(fromCarol);
        state.markHandled(7);
        db.close();

        db = Database.open(file);
        SqliteAccountState reopened = new SqliteAccountState(db, ME);
        assertThat(reopened.contacts()).containsExactly(bob);
        assertThat(reopened.requests())
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(fromCarol);
        assertThat(reopened.markHandled(7)).isFalse();
    }

    @Test
    void changesInOneTransactionAreMadeTogetherOrNotAtAll() {
        assertThatThrownBy(() -> db.inTransaction(c -> {
                    state.saveContact(new Contact(BOB, 100, 0, true, false, CONVERSATION));
                    state.removeRequest(BOB);
                    throw new IllegalStateException("crash in the middle");
                }))
                .hasMessage("crash in the middle");
        assertThat(state.contacts()).isEmpty();
    }

    @Test
    void anAccountThatIsNotInTheDatabaseIsRefused() {
        assertThatThrownBy(() -> new SqliteAccountState(db, BOB))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(BOB.hex());
    }

    private static byte[] vcard(String name) {
        return ("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:" + name + "\r\nEND:VCARD\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
