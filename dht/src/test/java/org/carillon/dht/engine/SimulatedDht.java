package org.carillon.dht.engine;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.carillon.dht.InfoHash;
import org.carillon.dht.sim.SimulatedNetwork;
import org.carillon.dht.sim.VirtualScheduler;
import org.carillon.dht.storage.ValueTypes;
import org.carillon.dht.wire.Family;

/** A network of nodes in virtual time, for tests: built from a seed, so every run is the same. */
final class SimulatedDht {
    final long seed;
    final SplittableRandom random;
    final VirtualScheduler clock = new VirtualScheduler(1_700_000_000_000L);
    final SimulatedNetwork net;
    final List<NodeCore> nodes = new ArrayList<>();
    final List<InetSocketAddress> addresses = new ArrayList<>();
    /** Nodes cut off from the rest: datagrams between them and the others are lost. */
    private final Set<InetSocketAddress> island = new HashSet<>();

    private int fakes;

    SimulatedDht(long seed, long minLatency, long maxLatency, double loss) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.net = new SimulatedNetwork(clock, random.split())
                .latency(minLatency, maxLatency)
                .loss(loss);
    }

    /** Starts {@code count} nodes, each bootstrapping from the first, and waits until all are connected. */
    SimulatedDht grow(int count) {
        for (int i = 0; i < count; i++) {
            add();
            clock.runFor(200);
        }
        boolean connected = clock.runUntil(() -> nodes.stream().allMatch(n -> n.isConnected(Family.IPV4)), 120_000);
        if (!connected) {
            throw new AssertionError("network of " + nodes.size() + " did not connect (seed " + seed + ")");
        }
        clock.runFor(60_000); // let maintenance fill the tables
        return this;
    }

    NodeCore add() {
        return add(InfoHash.random(random));
    }

    /** Starts a node with the given id, bootstrapping from the first node. */
    NodeCore add(InfoHash id) {
        int i = addresses.size();
        InetSocketAddress address = address(i);
        NodeCore[] holder = new NodeCore[1];
        NodeCore n = new NodeCore(
                id,
                new NodeCore.Options(0, true, 1 << 24, "RNG1"),
                clock,
                net.attach(address, (d, from) -> {
                    if (island.contains(from) == island.contains(address)) {
                        holder[0].onDatagram(d, from);
                    }
                }),
                ValueTypes.builtIn(),
                random.split());
        holder[0] = n;
        n.start(addresses.isEmpty() ? List.of() : List.of(addresses.get(0)));
        nodes.add(n);
        addresses.add(address);
        return n;
    }

    /** Takes a node off the network, as when its host goes down. */
    void kill(int index) {
        nodes.get(index).stop();
        net.detach(addresses.get(index));
    }

    /** Cuts these nodes off from all others (they still reach each other), as a network partition does. */
    void isolate(Collection<Integer> indexes) {
        island.clear();
        indexes.forEach(i -> island.add(addresses.get(i)));
    }

    void heal() {
        island.clear();
    }

    /** A scripted node at an address of its own (outside the range of real nodes). */
    FakeNode fake(InfoHash id) {
        return new FakeNode(net, id, fakeAddress(fakes++));
    }

    /** Real nodes, closest to {@code key} first. */
    List<NodeCore> closestTo(InfoHash key) {
        List<NodeCore> sorted = new ArrayList<>(nodes);
        sorted.sort((a, b) -> key.xorCompare(a.id(), b.id()));
        return sorted;
    }

    static InetSocketAddress address(int i) {
        return address(10, i);
    }

    static InetSocketAddress fakeAddress(int i) {
        return address(11, i);
    }

    private static InetSocketAddress address(int first, int i) {
        try {
            return new InetSocketAddress(
                    InetAddress.getByAddress(new byte[] {(byte) first, (byte) (i >> 16), (byte) (i >> 8), (byte) i}),
                    4222);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
