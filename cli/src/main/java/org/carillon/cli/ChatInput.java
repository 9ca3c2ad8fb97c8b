package org.carillon.cli;

import java.util.Locale;

/**
 * One line typed in {@code carillon chat}: a message to send, or a command ({@code /edit N
 * text}, {@code /delete N}, {@code /quit}, {@code /help}). {@code N} is the number the chat
 * shows in brackets before each message. A line that starts with {@code //} sends its text
 * without the first slash, so a message may start with one.
 */
sealed interface ChatInput {
    String HELP = String.join(
            "\n",
            "  TEXT            send TEXT (start it with // to send a text that starts with /)",
            "  /edit N TEXT    replace the text of your message [N] for everyone",
            "  /delete N       delete your message [N] for everyone",
            "  /help           show this",
            "  /quit           leave the chat (Ctrl-D too); messages not delivered yet are sent later",
            "                  by any command of this account that goes online");

    /** Nothing to do: an empty line. */
    record Nothing() implements ChatInput {}

    record Send(String text) implements ChatInput {}

    record Edit(int number, String text) implements ChatInput {}

    record Delete(int number) implements ChatInput {}

    record Quit() implements ChatInput {}

    record Help() implements ChatInput {}

    /** A command typed wrong: {@code reason} says what, for the user to type it again. */
    record Invalid(String reason) implements ChatInput {}

    static ChatInput parse(String line) {
        if (line == null || line.isBlank()) {
            return new Nothing();
        }
        String typed = line.stripLeading();
        if (typed.startsWith("//")) {
            return new Send(typed.substring(1));
        }
        if (!typed.startsWith("/")) {
            return new Send(line);
        }
        String[] parts = line.strip().split("\\s+", 3);
        String command = parts[0].toLowerCase(Locale.ROOT);
        switch (command) {
            case "/quit", "/exit", "/q" -> {
                return parts.length == 1 ? new Quit() : new Invalid(command + " takes nothing after it");
            }
            case "/help", "/?" -> {
                return new Help();
            }
            case "/edit" -> {
                if (parts.length < 3) {
                    return new Invalid("/edit needs a message number and the new text: /edit N TEXT");
                }
                Integer n = number(parts[1]);
                if (n == null) {
                    return new Invalid(badNumber(parts[1]));
                }
                // the new text as typed after the number, inner spaces kept
                String rest = line.strip().substring(command.length()).strip().substring(parts[1].length());
                return new Edit(n, rest.strip());
            }
            case "/delete", "/del" -> {
                if (parts.length != 2) {
                    return new Invalid("/delete needs one message number: /delete N");
                }
                Integer n = number(parts[1]);
                return n == null ? new Invalid(badNumber(parts[1])) : new Delete(n);
            }
            default -> {
                return new Invalid("unknown command " + command + " (type /help; start with // to send a text"
                        + " that starts with /)");
            }
        }
    }

    private static Integer number(String text) {
        String digits = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (!digits.matches("[0-9]{1,9}") || Integer.parseInt(digits) == 0) {
            return null;
        }
        return Integer.parseInt(digits);
    }

    private static String badNumber(String text) {
        return "'" + text + "' is not a message number: use the number shown in brackets, as in /edit 3 TEXT";
    }
}
