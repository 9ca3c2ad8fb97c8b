package org.carillon.dht.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.carillon.dht.Value;

/**
 * Reads one trie node: gets the values at its key and sorts out what belongs to this index. A
 * canary makes the key a node of the trie; values with the entry user type are decoded, and the
 * ones that are no entry of this index are counted and left out.
 */
final class NodeReader {
    /**
     * @param isNode a canary of this index is there
     * @param entries the well-formed entries of this index
     * @param nonCanaryValues values with the entry user type, well-formed or not (what OpenDHT
     *     counts to decide whether a node is full)
     */
    record NodeContents(boolean isNode, List<IndexEntry> entries, int nonCanaryValues) {
        static final NodeContents ABSENT = new NodeContents(false, List.of(), 0);
    }

    private final IndexStorage storage;
    private final IndexNames names;
    private final int entryLength;
    private final IndexCounters counters;

    NodeReader(IndexStorage storage, IndexNames names, int entryLength, IndexCounters counters) {
        this.storage = storage;
        this.names = names;
        this.entryLength = entryLength;
        this.counters = counters;
    }

    CompletableFuture<NodeContents> read(Prefix node) {
        return storage.get(node.key()).thenApply(this::classify);
    }

    NodeContents classify(List<Value> values) {
        boolean isNode = false;
        int own = 0;
        List<IndexEntry> entries = new ArrayList<>();
        for (Value v : values) {
            if (names.isCanary(v)) {
                isNode = true;
            } else if (names.isEntry(v)) {
                own++;
                Optional<IndexEntry> entry = IndexEntryCodec.decode(v.data());
                if (entry.isEmpty()) {
                    counters.increment(IndexCounters.MALFORMED_ENTRY);
                } else if (entry.get().prefix().length != entryLength) {
                    counters.increment(IndexCounters.WRONG_LENGTH_ENTRY);
                } else {
                    entries.add(entry.get());
                }
            }
        }
        return new NodeContents(isNode, List.copyOf(entries), own);
    }
}
