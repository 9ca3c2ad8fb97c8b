package org.carillon.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * One console command split into words, as dhtnode splits it (on white space), plus double
 * quotes so that a value can hold spaces: {@code p key "hello world"}. Inside quotes {@code \"}
 * and {@code \\} escape. Each word remembers where it started, so verbs that take free text
 * (the query of {@code g}, {@code l}, {@code q}) read the rest of the line untouched.
 */
record ConsoleLine(String text, List<Word> words) {

    /** A word and the index in {@link #text} where it (or its opening quote) starts. */
    record Word(String value, int start) {}

    ConsoleLine {
        words = List.copyOf(words);
    }

    /** Splits {@code text}; throws {@link CommandError} on an unterminated quote. */
    static ConsoleLine parse(String text) {
        List<Word> words = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (true) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return new ConsoleLine(text, words);
            }
            int start = i;
            StringBuilder word = new StringBuilder();
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                char c = text.charAt(i++);
                if (c != '"') {
                    word.append(c);
                    continue;
                }
                boolean closed = false;
                while (i < n) {
                    c = text.charAt(i++);
                    if (c == '"') {
                        closed = true;
                        break;
                    }
                    if (c == '\\' && i < n) {
                        c = text.charAt(i++);
                    }
                    word.append(c);
                }
                if (!closed) {
                    throw new CommandError("unterminated quote starting at column " + (start + 1));
                }
            }
            words.add(new Word(word.toString(), start));
        }
    }

    boolean isEmpty() {
        return words.isEmpty();
    }

    /** The first word, the verb; empty for a blank line. */
    String verb() {
        return words.isEmpty() ? "" : words.get(0).value();
    }

    /** The arguments after the verb. */
    List<String> args() {
        return words.stream().skip(1).map(Word::value).toList();
    }

    /** The raw text from argument {@code index} (0 = first after the verb) to the end, trimmed; "" if absent. */
    String rawFrom(int index) {
        int word = index + 1;
        return word < words.size() ? text.substring(words.get(word).start()).strip() : "";
    }
}
