package org.carillon.dht.index;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Event counts of one index, by name; safe to bump from any thread. */
final class IndexCounters {
    /** A value with the index's entry user type whose data is no index entry. */
    static final String MALFORMED_ENTRY = "malformed-entry";
    /** An entry whose key has another length than this index's keys (another key spec, or forged). */
    static final String WRONG_LENGTH_ENTRY = "wrong-length-entry";
    /** A listen for a node split could not be started. */
    static final String LISTEN_FAILED = "split-listen-failed";
    /** An entry inserted again because the node it was put at split. */
    static final String REINSERTED = "reinserted-after-split";
    /** A split-watch dropped because too many were open. */
    static final String WATCH_EVICTED = "split-watch-evicted";

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    void increment(String name) {
        counts.computeIfAbsent(name, n -> new LongAdder()).increment();
    }

    Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((name, adder) -> copy.put(name, adder.sum()));
        return Map.copyOf(copy);
    }
}
