package org.carillon.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.carillon.core.message.Message;
import org.carillon.core.message.MessageStatus;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * How a message looks on one line: in {@code carillon chat} ({@code [3] 14:02 me: hello ✓✓})
 * and in {@code carillon message list} (time, id, direction, status, text). A peer's text never
 * reaches the terminal raw: control characters (escape sequences) and bidirectional overrides
 * are replaced, and a line break shows as {@code ↵}.
 */
final class MessageLines {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm");

    private final ZoneId zone;

    MessageLines(ZoneId zone) {
        this.zone = zone;
    }

    /** {@code [N] HH:mm me: text ✓✓}, or {@code [N] HH:mm PEER: text} for an incoming message. */
    AttributedString chatLine(int number, ChatMessage m, String peerName) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        b.style(AttributedStyle.DEFAULT.faint())
                .append("[" + number + "] ")
                .append(CLOCK.format(Instant.ofEpochMilli(m.sentMillis()).atZone(zone)))
                .append(" ");
        b.style(AttributedStyle.BOLD.foreground(m.outgoing() ? AttributedStyle.CYAN : AttributedStyle.MAGENTA))
                .append(m.outgoing() ? "me" : printable(peerName))
                .append(":");
        b.style(AttributedStyle.DEFAULT).append(" ");
        appendBody(b, m.body(), m.editedMillis(), m.deleted());
        if (m.outgoing()) {
            b.append(" ").style(StatusMarks.style(m.status())).append(StatusMarks.mark(m.status()));
        }
        return b.toAttributedString();
    }

    /** {@code [N] ✓✓ delivered}: a message shown earlier changed state. */
    AttributedString statusLine(int number, MessageStatus status) {
        return new AttributedStringBuilder()
                .style(AttributedStyle.DEFAULT.faint())
                .append("[" + number + "] ")
                .style(StatusMarks.style(status))
                .append(StatusMarks.mark(status))
                .style(AttributedStyle.DEFAULT.faint())
                .append(" " + StatusMarks.word(status))
                .toAttributedString();
    }

    /**
     * {@code 2026-12-06T08:01:02Z  1f0e…  me    ✓✓  text}: the UTC send time, the id (for
     * {@code --before}), who wrote it, the status mark, the text. Plain text, for scripts too.
     */
    static String listLine(Message m) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        appendBody(b, m.body(), m.editedMillis(), m.deleted());
        String mark = StatusMarks.mark(m.status());
        return Instant.ofEpochMilli(m.sentMillis()).truncatedTo(ChronoUnit.SECONDS) + "  "
                + String.format("%16s", m.idHex()) + "  "
                + (m.outgoing() ? "me  " : "them") + "  "
                + String.format("%-7s", mark.isEmpty() ? "-" : mark) + "  "
                + b.toAttributedString();
    }

    private static void appendBody(AttributedStringBuilder b, String body, long editedMillis, boolean deleted) {
        if (deleted) {
            b.style(AttributedStyle.DEFAULT.italic().faint())
                    .append("(deleted)")
                    .style(AttributedStyle.DEFAULT);
            return;
        }
        b.append(printable(body));
        if (editedMillis != 0) {
            b.style(AttributedStyle.DEFAULT.faint()).append(" (edited)").style(AttributedStyle.DEFAULT);
        }
    }

    /** The text with what a terminal would interpret replaced: it is shown, never obeyed. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c == '\n') {
                out.append('↵');
            } else if (c == '\t') {
                out.append(' ');
            } else if (Character.getType(c) == Character.CONTROL
                    || (c >= 0x202A && c <= 0x202E)
                    || (c >= 0x2066 && c <= 0x2069)) {
                out.append('\uFFFD');
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
