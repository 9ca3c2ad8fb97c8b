package org.carillon.api.model;

import org.carillon.core.message.Message;

/** A message (ids as hex strings: a uint64 does not fit a JSON number; times in Unix milliseconds; status lower-case). */
public record MessageView(
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
    public static MessageView of(String account, Message m) {
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
