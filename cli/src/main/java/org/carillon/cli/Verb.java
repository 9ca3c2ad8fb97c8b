package org.carillon.cli;

import java.util.List;
import java.util.Objects;

/**
 * A console command: its name (and aliases), the arguments it takes, the line {@code h} shows,
 * and what it does.
 *
 * @param syntax the usage shown in help and in errors, e.g. {@code p <key> <str>}
 * @param minArgs arguments required after the name
 * @param maxArgs arguments allowed after the name; {@link #FREE_TEXT} when the rest of the line
 *     is free text (a query)
 * @param listed whether {@code h} shows it; unlisted verbs still run (dhtnode's proxy
 *     verbs, which only explain that they are not available)
 */
record Verb(
        String name,
        List<String> aliases,
        Section section,
        String syntax,
        String description,
        int minArgs,
        int maxArgs,
        boolean listed,
        Handler handler) {

    static final int FREE_TEXT = Integer.MAX_VALUE;

    /** The groups of {@code h}, in dhtnode's order and with its headings. */
    enum Section {
        GENERAL("Possible commands:"),
        NODE_INFORMATION("Node information:"),
        DHT("Operations on the DHT:"),
        INDEX("Indexation operations on the DHT:");

        final String heading;

        Section(String heading) {
            this.heading = heading;
        }
    }

    @FunctionalInterface
    interface Handler {
        /** Runs the verb; throws {@link CommandError} when the arguments are wrong. */
        void run(Invocation call);
    }

    Verb {
        Objects.requireNonNull(name);
        aliases = List.copyOf(aliases);
        if (minArgs < 0 || maxArgs < minArgs) {
            throw new IllegalArgumentException("bad arity " + minArgs + ".." + maxArgs + " for " + name);
        }
    }

    /** A listed verb. */
    static Verb of(
            String name,
            Section section,
            String syntax,
            String description,
            int minArgs,
            int maxArgs,
            Handler handler) {
        return new Verb(name, List.of(), section, syntax, description, minArgs, maxArgs, true, handler);
    }

    Verb withAliases(String... names) {
        return new Verb(name, List.of(names), section, syntax, description, minArgs, maxArgs, listed, handler);
    }

    Verb unlisted() {
        return new Verb(name, aliases, section, syntax, description, minArgs, maxArgs, false, handler);
    }

    boolean answersTo(String word) {
        return name.equals(word) || aliases.contains(word);
    }
}
