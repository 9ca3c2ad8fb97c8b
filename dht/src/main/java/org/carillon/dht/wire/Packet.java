package org.carillon.dht.wire;

/**
 * One datagram: the transaction id, the envelope fields every message carries and the body.
 *
 * @param tid transaction id ({@code t}), an unsigned 32-bit number
 * @param network network id ({@code n}), 0 (absent on the wire) for the public network
 * @param agent user agent ({@code v}), null when absent
 * @param client the {@code s} flag of nodes running as clients
 */
public record Packet(long tid, long network, String agent, boolean client, Message message) {
    /** What 2.4.12 sends as {@code v}; peers never check it. */
    public static final String DEFAULT_AGENT = "RNG1";
}
