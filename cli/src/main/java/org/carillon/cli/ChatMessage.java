package org.carillon.cli;

import org.carillon.api.model.MessageView;
import org.carillon.core.message.Message;
import org.carillon.core.message.MessageStatus;

/**
 * A message as {@code carillon chat} shows it, whether it came from this process's own session
 * (a core {@link Message}) or from the daemon's API (a {@link MessageView}).
 *
 * @param id the message id, an unsigned 64-bit number held in a {@code long}
 * @param outgoing whether our account wrote it
 * @param body the text; empty once deleted
 * @param sentMillis when its author sent it
 * @param status where it stands
 * @param editedMillis when it was last edited or deleted, 0 if never
 * @param deleted whether its author deleted it
 */
record ChatMessage(
        long id,
        boolean outgoing,
        String body,
        long sentMillis,
        MessageStatus status,
        long editedMillis,
        boolean deleted) {
    static ChatMessage of(Message m) {
        return new ChatMessage(
                m.id(), m.outgoing(), m.body(), m.sentMillis(), m.status(), m.editedMillis(), m.deleted());
    }

    /** From the daemon's form; a view the daemon would not send (a bad id or status) is refused, naming what. */
    static ChatMessage of(MessageView v) {
        return new ChatMessage(
                DaemonViews.messageId(v.id()),
                v.outgoing(),
                v.text() == null ? "" : v.text(),
                v.sent(),
                DaemonViews.status(v.status()),
                v.edited(),
                v.deleted());
    }

    ChatMessage withStatus(MessageStatus next) {
        return new ChatMessage(id, outgoing, body, sentMillis, next, editedMillis, deleted);
    }

    String idHex() {
        return Long.toUnsignedString(id, 16);
    }
}
