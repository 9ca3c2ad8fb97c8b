package org.carillon.cli;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.carillon.core.account.AccountId;
import org.carillon.core.contact.Contact;

/**
 * The {@code <contact>} of the message commands: an account id (40 hex digits, or a {@code
 * jami:} URI), or the first 4 or more hex digits of a contact's. Refuses, saying why, whatever
 * is not an active, unblocked contact of the account.
 */
final class ContactArgument {
    private ContactArgument() {}

    /** A contact to write to: active and not blocked. */
    static AccountId resolve(String text, List<Contact> contacts, AccountId self) {
        return usable(find(text, contacts, self));
    }

    /** A conversation to read: any contact the account has had, removed or blocked ones too. */
    static AccountId conversation(String text, List<Contact> contacts, AccountId self) {
        return find(text, contacts, self).id();
    }

    private static Contact find(String text, List<Contact> contacts, AccountId self) {
        String given = text == null ? "" : text.strip();
        String hex = given.toLowerCase(Locale.ROOT).replaceFirst("^(jami|ring):", "");
        if (hex.matches("[0-9a-f]{40}")) {
            AccountId id = AccountId.parse(hex);
            if (id.equals(self)) {
                throw new CommandError("that is this account's own id");
            }
            Contact c = contacts.stream()
                    .filter(x -> x.id().equals(id))
                    .findFirst()
                    .orElseThrow(() -> new CommandError(
                            id + " is not a contact of this account (send it a request: carillon contact add " + id
                                    + ")"));
            return c;
        }
        if (!hex.matches("[0-9a-f]{4,39}")) {
            throw new CommandError("unknown contact '" + given
                    + "': give its account id (40 hexadecimal digits) or the first 4 or more of them");
        }
        List<Contact> matches =
                contacts.stream().filter(c -> c.id().hex().startsWith(hex)).toList();
        if (matches.isEmpty()) {
            throw new CommandError(
                    "unknown contact '" + given + "': no contact's id starts with it" + " (see carillon contact list)");
        }
        List<Contact> active = matches.stream().filter(Contact::isActive).toList();
        if (active.size() > 1) {
            throw new CommandError("'" + given + "' matches " + active.size() + " contacts: give more of the id");
        }
        if (active.isEmpty() && matches.size() > 1) {
            throw new CommandError(
                    "'" + given + "' matches " + matches.size() + " former contacts: give more of the id");
        }
        return active.isEmpty() ? matches.get(0) : active.get(0);
    }

    private static AccountId usable(Contact c) {
        if (c.banned()) {
            throw new CommandError(c.id() + " is blocked (carillon contact unblock " + c.id() + " first)");
        }
        if (!c.isActive()) {
            throw new CommandError(c.id() + " is not a contact any more: it was removed");
        }
        return c.id();
    }

    /** A line for standard error when the peer has not accepted yet: its devices drop our messages until it does. */
    static Optional<String> warning(List<Contact> contacts, AccountId peer) {
        return contacts.stream()
                .filter(c -> c.id().equals(peer) && !c.confirmed())
                .findFirst()
                .map(c -> peer + " has not accepted the trust request yet: messages wait until it does");
    }
}
