package org.carillon.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The console's verbs, in help order. Features add their verbs here ({@link DhtnodeVerbs},
 * {@link IndexVerbs}); registering a name again replaces the earlier verb in place, so a
 * feature can swap a placeholder for the real thing without touching the others.
 */
final class VerbTable {
    private final List<Verb> verbs = new ArrayList<>();

    /** The standard table: dhtnode's verbs and the index placeholders. */
    static VerbTable standard() {
        VerbTable table = new VerbTable();
        DhtnodeVerbs.register(table);
        IndexVerbs.register(table);
        return table;
    }

    synchronized VerbTable register(Verb verb) {
        for (int i = 0; i < verbs.size(); i++) {
            if (verbs.get(i).name().equals(verb.name())) {
                verbs.set(i, verb);
                return this;
            }
        }
        for (String word : verb.aliases()) {
            find(word).ifPresent(clash -> {
                throw new IllegalArgumentException(
                        "alias '" + word + "' of " + verb.name() + " is taken by " + clash.name());
            });
        }
        verbs.add(verb);
        return this;
    }

    synchronized Optional<Verb> find(String word) {
        return verbs.stream().filter(v -> v.answersTo(word)).findFirst();
    }

    synchronized List<Verb> all() {
        return List.copyOf(verbs);
    }
}
