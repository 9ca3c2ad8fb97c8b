package org.carillon.cli;

import java.nio.charset.StandardCharsets;

/** The text of a message as the user gave it, checked before anything goes online. */
final class MessageText {
    private MessageText() {}

    /** The text itself; throws {@link CommandError} when it is empty or larger than {@code maxBytes} UTF-8 bytes. */
    static String check(String text, int maxBytes) {
        if (text == null || text.isBlank()) {
            throw new CommandError("empty message: there is nothing to send");
        }
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxBytes) {
            throw new CommandError("the message is too large: " + bytes + " bytes of UTF-8 text, at most " + maxBytes);
        }
        return text;
    }
}
