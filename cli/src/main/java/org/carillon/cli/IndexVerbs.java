package org.carillon.cli;

import org.carillon.cli.Verb.Section;

/**
 * dhtnode's prefix-hash-tree index verbs, {@code ii} and {@code il}. They are placeholders until
 * {@code org.carillon.dht.index} exists: registering verbs with the same names into the {@link
 * VerbTable} replaces these, in place, with the real ones.
 */
final class IndexVerbs {
    static final String NOT_AVAILABLE = "the index (PHT) is not available yet";

    private IndexVerbs() {}

    static void register(VerbTable table) {
        table.register(Verb.of(
                        "il",
                        Section.INDEX,
                        "il <name> <key> [exact match]",
                        "Lookup the index named <name> with the key <key>.\n"
                                + "Set [exact match] to 'false' for inexact match lookup.",
                        2,
                        3,
                        IndexVerbs::notAvailable))
                .register(Verb.of(
                        "ii",
                        Section.INDEX,
                        "ii <name> <key> <value>",
                        "Inserts the value <value> under the key <key> in the index named <name>.",
                        3,
                        3,
                        IndexVerbs::notAvailable));
    }

    private static void notAvailable(Invocation call) {
        throw new CommandError(NOT_AVAILABLE);
    }
}
