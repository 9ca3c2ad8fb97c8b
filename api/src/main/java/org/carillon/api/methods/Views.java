package org.carillon.api.methods;

import java.nio.charset.StandardCharsets;
import org.carillon.core.contact.Contact;
import org.carillon.core.contact.TrustRequest;
import org.carillon.core.message.Message;
import org.carillon.core.store.LocalAccount;

/** The JSON shapes of the API's results and events (ids as hex strings: a uint64 does not fit a JSON number). */
final class Views {
    private Views() {}

    record AccountView(String id, String alias, String device, boolean online) {
        static AccountView of(LocalAccount a, boolean online) {
            return new AccountView(a.id().hex(), a.alias(), a.deviceName(), online);
        }
    }

    record ContactView(String id, boolean confirmed, boolean banned, long added, long removed, String conversation) {
        static ContactView of(Contact c) {
            return new ContactView(
                    c.id().hex(), c.confirmed(), c.banned(), c.addedSeconds(), c.removedSeconds(), c.conversationId());
        }
    }

    record RequestView(String from, String device, String conversation, String vcard, long received) {
        static RequestView of(TrustRequest r) {
            return new RequestView(
                    r.from().hex(),
                    r.fromDevice().toString(),
                    r.conversationId(),
                    new String(r.vcard(), StandardCharsets.UTF_8),
                    r.receivedSeconds());
        }
    }

    record MessageView(
            String account,
            String contact,
            String id,
            boolean outgoing,
            String author,
            String type,
            String text,
            long sent,
            long received,
            String status,
            long edited,
            boolean deleted) {
        static MessageView of(String account, Message m) {
            return new MessageView(
                    account,
                    m.peer().hex(),
                    m.idHex(),
                    m.outgoing(),
                    m.authorDevice().toString(),
                    m.datatype(),
                    m.body(),
                    m.sentMillis(),
                    m.receivedMillis(),
                    m.status().name().toLowerCase(java.util.Locale.ROOT),
                    m.editedMillis(),
                    m.deleted());
        }
    }
}
