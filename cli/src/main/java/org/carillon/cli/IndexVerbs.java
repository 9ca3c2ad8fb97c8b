package org.carillon.cli;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.carillon.cli.Verb.Section;
import org.carillon.dht.InfoHash;
import org.carillon.dht.ListenHandle;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.index.IndexConsole;
import org.carillon.dht.index.IndexStorage;

/**
 * dhtnode's prefix-hash-tree index verbs, {@code ii} and {@code il}, run by {@link IndexConsole}
 * on the session's node: one index console per verb table, so per session, made at first use.
 */
final class IndexVerbs {
    private IndexVerbs() {}

    static void register(VerbTable table) {
        IndexConsole[] console = new IndexConsole[1];
        Consumer<Invocation> run = call -> {
            synchronized (console) {
                if (console[0] == null) {
                    console[0] = new IndexConsole(storageOf(call.node()));
                }
            }
            String line = call.verb().name() + " " + call.rawFrom(0);
            call.session()
                    .track(
                            call,
                            console[0]
                                    .execute(line)
                                    .thenAccept(lines ->
                                            lines.forEach(l -> call.out().info(call, l))));
        };
        table.register(Verb.of(
                        "il",
                        Section.INDEX,
                        "il <name> <key> [exact match]",
                        "Lookup the index named <name> with the key <key>.\n"
                                + "Set [exact match] to 'false' for inexact match lookup.",
                        2,
                        3,
                        run::accept))
                .register(Verb.of(
                        "ii",
                        Section.INDEX,
                        "ii <name> <key> <value>",
                        "Inserts the value <value> under the key <key> in the index named <name>.",
                        3,
                        3,
                        run::accept));
    }

    /** The index's three operations on the console's node (index values are built-in type 0). */
    static IndexStorage storageOf(DhtNode node) {
        return new IndexStorage() {
            @Override
            public CompletableFuture<List<Value>> get(InfoHash key) {
                return node.get(key, Query.ALL, values -> {});
            }

            @Override
            public CompletableFuture<Long> put(InfoHash key, Value value) {
                return node.put(key, value, false);
            }

            @Override
            public ListenHandle listen(InfoHash key, Consumer<List<Value>> onValues) {
                return node.listen(key, Query.ALL, (values, expired) -> {
                    if (!expired) {
                        onValues.accept(values);
                    }
                });
            }
        };
    }
}
