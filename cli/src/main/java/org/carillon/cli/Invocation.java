package org.carillon.cli;

import java.time.Duration;
import java.util.Optional;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;

/**
 * One run of a verb: the words typed, the command's number in the session, and the session it
 * runs in. Handlers read their arguments through it, so that every verb reports bad keys and
 * queries the same way.
 */
record Invocation(int number, Verb verb, ConsoleLine line, ConsoleSession session) {
    /** Keys longer than this are refused: no one types them, and echoing them floods the console. */
    static final int MAX_KEY_LENGTH = 1024;

    String arg(int index) {
        return line.args().get(index);
    }

    /** The raw text from argument {@code index} to the end of the line, for free-text queries. */
    String rawFrom(int index) {
        return line.rawFrom(index);
    }

    ConsoleOutput out() {
        return session.output();
    }

    DhtNode node() {
        return session.node();
    }

    Duration since(long startNanos) {
        return session.since(startNanos);
    }

    /**
     * Argument {@code index} as a key, as dhtnode reads one: 40 hex digits as they are, any
     * other text hashed with SHA-1, which the console then reports ({@code Using h(text) = …}).
     */
    InfoHash key(int index) {
        String typed = arg(index);
        if (typed.isEmpty()) {
            throw new CommandError("invalid key: the key is empty");
        }
        if (typed.length() > MAX_KEY_LENGTH) {
            throw new CommandError(
                    "invalid key: " + typed.length() + " characters, at most " + MAX_KEY_LENGTH + " allowed");
        }
        if (typed.chars().anyMatch(Character::isISOControl)) {
            throw new CommandError("invalid key \"" + DhtnodeFormat.printable(typed) + "\": control characters");
        }
        InfoHash key = InfoHash.fromUserKey(typed);
        if (!InfoHash.isLiteralKey(typed)) {
            out().hashedKey(this, typed, key);
        }
        return key;
    }

    /** Argument {@code index} as a key when it is there. */
    Optional<InfoHash> optionalKey(int index) {
        return index < line.args().size() ? Optional.of(key(index)) : Optional.empty();
    }

    /** The text from argument {@code index} on as a query; blank text is the empty query. */
    Query query(int index) {
        try {
            return Query.parse(rawFrom(index));
        } catch (IllegalArgumentException e) {
            throw new CommandError(e.getMessage());
        }
    }

    /** An error about the arguments, with the verb's syntax. */
    CommandError usage(String problem) {
        return new CommandError(problem + ". Syntax: " + verb.syntax());
    }
}
