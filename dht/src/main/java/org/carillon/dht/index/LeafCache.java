package org.carillon.dht.index;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The leaves an index met lately (OpenDHT's {@code Pht::Cache}), so the next search on a nearby
 * key starts at the depth the trie is known to reach instead of the middle of the key. Leaves are
 * forgotten after 5 minutes; at most 1024 are kept, the oldest going first. Thread-safe.
 */
final class LeafCache {
    static final Duration LIFETIME = Duration.ofMinutes(5);
    static final int CAPACITY = 1024;

    private final InstantSource clock;
    /** Leaf → last use, oldest first. */
    private final LinkedHashMap<Prefix, Instant> leaves = new LinkedHashMap<>();

    LeafCache(InstantSource clock) {
        this.clock = clock;
    }

    synchronized void insert(Prefix leaf) {
        Instant now = clock.instant();
        forgetExpired(now);
        leaves.remove(leaf);
        leaves.put(leaf, now);
        while (leaves.size() > CAPACITY) {
            Iterator<Map.Entry<Prefix, Instant>> oldest = leaves.entrySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /**
     * How deep the known trie goes along {@code key}'s bits: the longest run of leading bits some
     * cached leaf shares with it (at most the leaf's size), or -1 when nothing is cached. The node
     * reached counts as used now.
     */
    synchronized int depth(Prefix key) {
        Instant now = clock.instant();
        forgetExpired(now);
        if (leaves.isEmpty()) {
            return -1;
        }
        int deepest = 0;
        for (Prefix leaf : leaves.keySet()) {
            deepest = Math.max(deepest, Math.min(leaf.size(), sharedBits(leaf, key)));
        }
        deepest = Math.min(deepest, key.contentBits() - 1);
        Prefix reached = key.truncate(deepest);
        leaves.remove(reached);
        leaves.put(reached, now);
        return deepest;
    }

    synchronized int size() {
        return leaves.size();
    }

    private static int sharedBits(Prefix a, Prefix b) {
        int limit = Math.min(a.size(), b.contentBits());
        for (int i = 0; i < limit; i++) {
            if (a.bit(i) != b.bit(i)) {
                return i;
            }
        }
        return limit;
    }

    private void forgetExpired(Instant now) {
        Iterator<Map.Entry<Prefix, Instant>> it = leaves.entrySet().iterator();
        while (it.hasNext()) {
            if (it.next().getValue().plus(LIFETIME).isBefore(now)) {
                it.remove();
            } else {
                break; // oldest first: the rest are younger
            }
        }
    }
}
