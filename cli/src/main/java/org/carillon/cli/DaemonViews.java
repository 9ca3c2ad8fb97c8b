package org.carillon.cli;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.carillon.api.client.CarillonClient;
import org.carillon.api.model.ContactView;
import org.carillon.api.model.MessageView;
import org.carillon.core.account.AccountId;
import org.carillon.core.contact.Contact;
import org.carillon.core.message.Message;
import org.carillon.core.message.MessageStatus;
import org.carillon.dht.InfoHash;

/**
 * The daemon's answers as the core's values, so that a command prints, and checks its
 * arguments, the same way with a daemon and without: one formatting, two sources.
 */
final class DaemonViews {
    private DaemonViews() {}

    /** Every contact the account has had, as a command reads them without a daemon: the removed ones too. */
    static List<Contact> contacts(CarillonClient daemon, String account) throws IOException {
        return daemon.contacts(account, true).stream().map(DaemonViews::contact).toList();
    }

    static Contact contact(ContactView v) {
        return new Contact(
                AccountId.parse(v.id()),
                v.added(),
                v.removed(),
                v.confirmed(),
                v.banned(),
                v.conversation() == null ? "" : v.conversation());
    }

    /**
     * The sequence number is not in the view: it only orders messages sent in the same
     * millisecond, and the daemon has already put them in order.
     */
    static Message message(MessageView v) {
        return new Message(
                AccountId.parse(v.contact()),
                messageId(v.id()),
                v.outgoing(),
                InfoHash.fromHex(v.author()),
                v.type(),
                v.text(),
                v.sent(),
                0,
                v.received(),
                status(v.status()),
                v.edited(),
                v.deleted());
    }

    /** A message id as the API writes it (hex); one the daemon would not send is refused, naming it. */
    static long messageId(String hex) {
        if (hex == null || !hex.matches("[0-9a-fA-F]{1,16}")) {
            throw new IllegalArgumentException("not a message id: '" + hex + "'");
        }
        return Long.parseUnsignedLong(hex, 16);
    }

    /** A status as the API writes it (lower case); one the daemon would not send is refused, naming it. */
    static MessageStatus status(String name) {
        try {
            return MessageStatus.valueOf(String.valueOf(name).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a message status: '" + name + "'");
        }
    }
}
