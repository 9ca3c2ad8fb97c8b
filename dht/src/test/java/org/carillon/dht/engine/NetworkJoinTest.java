package org.carillon.dht.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.carillon.dht.InfoHash;
import org.carillon.dht.sim.SimulatedNetwork;
import org.carillon.dht.sim.VirtualScheduler;
import org.carillon.dht.storage.ValueTypes;
import org.carillon.dht.wire.Family;
import org.junit.jupiter.api.Test;

/** Many nodes join through one bootstrap node and fill their routing tables by maintenance alone. */
class NetworkJoinTest {
    static final long SEED = 1234;

    @Test
    void fiftyNodesJoinThroughOneAndLearnOfEachOther() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED);
        VirtualScheduler clock = new VirtualScheduler(1_700_000_000_000L);
        SimulatedNetwork net =
                new SimulatedNetwork(clock, random.split()).latency(20, 80).loss(0.02);
        List<NodeCore> nodes = new ArrayList<>();
        InetSocketAddress first = null;
        for (int i = 0; i < 50; i++) {
            InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("127.0.1." + (i + 1)), 4222);
            NodeCore n = startNode(a, first, clock, net, random);
            nodes.add(n);
            first = first == null ? a : first;
            clock.runFor(1_000);
        }
        assertThat(clock.runUntil(() -> nodes.stream().allMatch(n -> n.isConnected(Family.IPV4)), 60_000))
                .as("every node connected (seed %d)", SEED)
                .isTrue();
        // Ten quiet minutes later, bucket maintenance has kept the tables filled.
        clock.runFor(10 * 60_000);
        for (NodeCore n : nodes) {
            assertThat(n.routingNodes(Family.IPV4))
                    .as("table of %s (seed %d)", n.id(), SEED)
                    .hasSizeGreaterThanOrEqualTo(8);
        }
    }

    @Test
    void theSameSeedGivesTheSameRun() throws Exception {
        assertThat(run(99)).isEqualTo(run(99));
    }

    private List<Integer> run(long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        VirtualScheduler clock = new VirtualScheduler(0);
        SimulatedNetwork net =
                new SimulatedNetwork(clock, random.split()).latency(10, 90).loss(0.05);
        List<NodeCore> nodes = new ArrayList<>();
        InetSocketAddress first = null;
        for (int i = 0; i < 20; i++) {
            InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("127.0.2." + (i + 1)), 4222);
            NodeCore n = startNode(a, first, clock, net, random);
            nodes.add(n);
            first = first == null ? a : first;
        }
        clock.runFor(5 * 60_000);
        List<Integer> sizes = new ArrayList<>();
        nodes.forEach(n -> sizes.add(n.routingNodes(Family.IPV4).size()));
        sizes.add((int) net.delivered());
        return sizes;
    }

    /** A node at {@code address}, bootstrapping from {@code bootstrap} unless it is the first. */
    private static NodeCore startNode(
            InetSocketAddress address,
            InetSocketAddress bootstrap,
            VirtualScheduler clock,
            SimulatedNetwork net,
            SplittableRandom random) {
        NodeCore[] holder = new NodeCore[1];
        NodeCore n = new NodeCore(
                InfoHash.random(random),
                new NodeCore.Options(0, true, 1 << 20, "RNG1"),
                clock,
                net.attach(address, (d, from) -> holder[0].onDatagram(d, from)),
                ValueTypes.builtIn(),
                random.split());
        holder[0] = n;
        n.start(bootstrap == null ? List.of() : List.of(bootstrap));
        return n;
    }
}
