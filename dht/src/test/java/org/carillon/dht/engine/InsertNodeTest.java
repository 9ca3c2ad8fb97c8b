package org.carillon.dht.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.SplittableRandom;
import org.carillon.dht.InfoHash;
import org.carillon.dht.routing.RemoteNode;
import org.carillon.dht.sim.SimulatedNetwork;
import org.carillon.dht.sim.VirtualScheduler;
import org.carillon.dht.storage.ValueTypes;
import org.carillon.dht.wire.Family;
import org.junit.jupiter.api.Test;

/** {@link NodeCore#insertNode}: how saved and discovered nodes enter the routing table. */
class InsertNodeTest {
    private final SplittableRandom random = new SplittableRandom(77);
    private final VirtualScheduler clock = new VirtualScheduler(1_700_000_000_000L);
    private final SimulatedNetwork net = new SimulatedNetwork(clock, random.split()).latency(5, 30);

    @Test
    void aNodeInsertedByIdAndAddressIsJoinedWithoutBootstrap() throws Exception {
        InetSocketAddress aAddress = address("127.0.1.1");
        InetSocketAddress bAddress = address("127.0.1.2");
        NodeCore a = startNode(aAddress);
        NodeCore b = startNode(bAddress);

        b.insertNode(a.id(), aAddress);

        assertThat(clock.runUntil(() -> b.isConnected(Family.IPV4), 10_000)).isTrue();
        assertThat(a.routingNodes(Family.IPV4)).extracting(RemoteNode::id).containsExactly(b.id());
    }

    @Test
    void ownZeroAndMartianEntriesAreIgnoredAndNothingIsSent() throws Exception {
        NodeCore b = startNode(address("127.0.1.2"));

        b.insertNode(b.id(), address("127.0.1.9"));
        b.insertNode(InfoHash.ZERO, address("127.0.1.9"));
        b.insertNode(InfoHash.random(random), new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 4222));
        b.insertNode(InfoHash.random(random), new InetSocketAddress(InetAddress.getByName("239.192.0.1"), 4222));
        clock.runFor(60_000);

        assertThat(b.routingNodes(Family.IPV4)).isEmpty();
        assertThat(b.metrics().packetsOut()).isEmpty();
    }

    @Test
    void anInsertedNodeThatNeverAnswersIsNotRetriedLikeABootstrapNode() throws Exception {
        NodeCore b = startNode(address("127.0.1.2"));

        b.insertNode(InfoHash.random(random), address("127.0.1.66")); // nobody there
        clock.runFor(3600_000);

        // One ping and its two retries; a bootstrap node would be pinged again every 10 s, 20 s, 40 s…
        assertThat(b.metrics().packetsOut()).containsEntry("ping", 3L);
        assertThat(b.isConnected(Family.IPV4)).isFalse();
    }

    private static InetSocketAddress address(String ip) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), 4222);
    }

    private NodeCore startNode(InetSocketAddress address) {
        NodeCore[] holder = new NodeCore[1];
        NodeCore n = new NodeCore(
                InfoHash.random(random),
                new NodeCore.Options(0, true, 1 << 20, "RNG1"),
                clock,
                net.attach(address, (d, from) -> holder[0].onDatagram(d, from)),
                ValueTypes.builtIn(),
                random.split());
        holder[0] = n;
        n.start(List.of());
        return n;
    }
}
