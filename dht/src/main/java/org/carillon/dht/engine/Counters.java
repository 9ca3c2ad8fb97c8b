package org.carillon.dht.engine;

import java.util.Map;
import java.util.TreeMap;

/** Named counters, touched only on the node's thread and copied out for metrics. */
final class Counters {
    private final Map<String, long[]> counts = new TreeMap<>();

    void add(String name) {
        counts.computeIfAbsent(name, k -> new long[1])[0]++;
    }

    Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v[0]));
        return m;
    }
}
