package org.carillon.dht;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * A node of the routing table as status output shows it (dhtnode's {@code ll}).
 *
 * @param state good (answered within 2 hours and heard within 10 minutes), dubious (not good,
 *     not yet given up on) or expired (stopped answering)
 * @param incoming a good node that last reached us rather than answered us (OpenDHT's {@code
 *     isIncoming}): it found us, so we are reachable
 * @param sinceReply how long ago it last answered, empty when it never did
 */
public record RoutingEntry(
        InfoHash id, InetSocketAddress address, State state, boolean incoming, Optional<Duration> sinceReply) {
    public enum State {
        GOOD,
        DUBIOUS,
        EXPIRED
    }
}
