package org.carillon.core.message;

import org.carillon.core.account.AccountId;
import org.carillon.dht.InfoHash;

/**
 * One message of a one-to-one conversation as this device keeps it.
 *
 * @param peer the contact the conversation is with (for an outgoing message, its recipient)
 * @param id the message id, an unsigned 64-bit number held in a {@code long} (the wire's {@code id})
 * @param outgoing whether our account wrote it (on this device or, copied to us, on another of ours)
 * @param authorDevice the short id of the device that wrote it
 * @param datatype its MIME type, {@code text/plain} for text
 * @param body the text; empty once deleted
 * @param sentMillis when the author sent it (the author's clock)
 * @param seq the author device's sequence number, ordering messages sent in the same millisecond
 * @param receivedMillis when this device stored it
 * @param status where it stands
 * @param editedMillis when it was last edited or deleted, 0 if never
 * @param deleted whether its author deleted it for everyone
 */
public record Message(
        AccountId peer,
        long id,
        boolean outgoing,
        InfoHash authorDevice,
        String datatype,
        String body,
        long sentMillis,
        long seq,
        long receivedMillis,
        MessageStatus status,
        long editedMillis,
        boolean deleted) {
    public Message {
        if (peer == null || authorDevice == null || datatype == null || body == null || status == null) {
            throw new IllegalArgumentException("a message needs its peer, author device, datatype, body and status");
        }
    }

    public Message withStatus(MessageStatus next) {
        return new Message(
                peer,
                id,
                outgoing,
                authorDevice,
                datatype,
                body,
                sentMillis,
                seq,
                receivedMillis,
                next,
                editedMillis,
                deleted);
    }

    public Message edited(String newBody, long atMillis, boolean delete) {
        return new Message(
                peer,
                id,
                outgoing,
                authorDevice,
                datatype,
                delete ? "" : newBody,
                sentMillis,
                seq,
                receivedMillis,
                status,
                atMillis,
                delete);
    }

    /** The id in lower-case hex without leading zeros (jamid prints 16 digits; it reads either form). */
    public String idHex() {
        return Long.toUnsignedString(id, 16);
    }
}
