package org.carillon.dht;

import java.util.Map;

/**
 * What a node has done: packets by message kind, drops by reason, storage and routing sizes.
 *
 * @param packetsIn received datagrams by kind ({@code ping}, {@code reply}, {@code part}, ...)
 * @param packetsOut sent datagrams by kind
 * @param drops dropped datagrams by reason ({@code malformed}, {@code rate-limited}, ...)
 * @param storedKeys keys with at least one stored value
 * @param storedValues values stored for others
 * @param storedBytes bytes counted against the storage limit
 * @param routingNodes4 nodes in the IPv4 routing table
 * @param routingNodes6 nodes in the IPv6 routing table
 * @param remoteListeners listeners other nodes registered here
 */
public record NodeMetrics(
        Map<String, Long> packetsIn,
        Map<String, Long> packetsOut,
        Map<String, Long> drops,
        long storedKeys,
        long storedValues,
        long storedBytes,
        int routingNodes4,
        int routingNodes6,
        int remoteListeners) {
    public NodeMetrics {
        packetsIn = Map.copyOf(packetsIn);
        packetsOut = Map.copyOf(packetsOut);
        drops = Map.copyOf(drops);
    }

    public long dropped(String reason) {
        return drops.getOrDefault(reason, 0L);
    }

    public long totalDrops() {
        return drops.values().stream().mapToLong(Long::longValue).sum();
    }
}
