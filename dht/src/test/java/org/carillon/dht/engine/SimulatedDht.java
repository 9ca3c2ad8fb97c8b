package org.carillon.dht.engine;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SplittableRandom;
import org.carillon.dht.InfoHash;
import org.carillon.dht.sim.SimulatedNetwork;
import org.carillon.dht.sim.Simulation;
import org.carillon.dht.sim.VirtualScheduler;

/**
 * The engine tests' view of a {@link Simulation}: nodes by number, every node bootstrapping from
 * node 0, plus scripted {@link FakeNode}s. Built from a seed, so every run is the same.
 */
final class SimulatedDht {
    final long seed;
    final Simulation sim;
    final SplittableRandom random;
    final VirtualScheduler clock;
    final SimulatedNetwork net;
    /** Every node ever added, by number; a killed node stays (stopped). */
    final List<NodeCore> nodes = new ArrayList<>();

    final List<InetSocketAddress> addresses = new ArrayList<>();

    private int fakes;

    SimulatedDht(long seed, long minLatency, long maxLatency, double loss) {
        this.seed = seed;
        this.sim = new Simulation(seed);
        this.random = sim.random();
        this.clock = sim.clock();
        this.net = sim.network().latency(minLatency, maxLatency).loss(loss);
    }

    /** Starts {@code count} nodes, each bootstrapping from the first, and waits until all are connected. */
    SimulatedDht grow(int count) {
        for (int i = 0; i < count; i++) {
            add();
            clock.runFor(200);
        }
        if (!sim.runUntilConnected(120)) {
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
        int i = sim.add(id, nodes.isEmpty() ? List.of() : List.of(address(0)));
        nodes.add(sim.node(i));
        addresses.add(sim.address(i));
        return sim.node(i);
    }

    /** Takes a node off the network, as when its host goes down. */
    void kill(int index) {
        sim.stop(index);
    }

    /** Cuts these nodes off from all others (they still reach each other), as a network partition does. */
    void isolate(Collection<Integer> indexes) {
        net.heal();
        indexes.forEach(i -> net.partition(addresses.get(i), 1));
    }

    void heal() {
        net.heal();
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
        return Simulation.addressOf(10, i);
    }

    static InetSocketAddress fakeAddress(int i) {
        return Simulation.addressOf(11, i);
    }
}
