package org.carillon.cli;

import org.carillon.core.message.MessageStatus;
import org.jline.utils.AttributedStyle;

/** The mark after a message that tells where it stands, as messengers show it. */
final class StatusMarks {
    private StatusMarks() {}

    /** {@code …} sending, {@code ✓} on the DHT, {@code ✓✓} delivered, {@code ✓✓ read}, {@code !} failed; nothing for an incoming message. */
    static String mark(MessageStatus status) {
        return switch (status) {
            case SENDING -> "…";
            case SENT -> "✓";
            case DELIVERED -> "✓✓";
            case READ -> "✓✓ read";
            case FAILED -> "!";
            case RECEIVED -> "";
        };
    }

    /** The word for a status change, as {@code message send} prints it. */
    static String word(MessageStatus status) {
        return switch (status) {
            case SENDING -> "sending";
            case SENT -> "sent";
            case DELIVERED -> "delivered";
            case READ -> "read";
            case FAILED -> "failed";
            case RECEIVED -> "received";
        };
    }

    /** Read in blue, failed in red, the rest faint: the eye finds what needs attention. */
    static AttributedStyle style(MessageStatus status) {
        return switch (status) {
            case READ ->
                AttributedStyle.DEFAULT.foreground(AttributedStyle.BLUE).bold();
            case FAILED ->
                AttributedStyle.DEFAULT.foreground(AttributedStyle.RED).bold();
            case DELIVERED -> AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
            default -> AttributedStyle.DEFAULT.faint();
        };
    }
}
