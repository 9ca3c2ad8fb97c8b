package org.carillon.dht.sim;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.carillon.dht.InfoHash;
import org.carillon.dht.engine.NodeCore;
import org.carillon.dht.routing.RemoteNode;
import org.carillon.dht.storage.ValueTypes;
import org.carillon.dht.wire.Family;

/**
 * A network of Carillon nodes in virtual time: real {@link NodeCore}s on a {@link
 * SimulatedNetwork}, driven by one {@link VirtualScheduler}. Everything random comes from the
 * seed, so the same seed and the same calls replay the same run, event for event.
 *
 * <p>Nodes are numbered in the order they were added and keep their number, id and address for
 * the whole run; a stopped node can come back, with the routing table it had (as a node that
 * saved its state) or with nothing but a bootstrap address. Node {@code i} lives at {@code
 * 10.i.i.i:4222} (the index's three bytes).
 */
public final class Simulation {
    /** Virtual time at which every simulation starts (Nov 2023), so runs do not depend on the wall clock. */
    public static final long EPOCH = 1_700_000_000_000L;

    private static final NodeCore.Options OPTIONS = new NodeCore.Options(0, true, 1 << 24, "RNG1");

    private final class Slot {
        final InfoHash id;
        final InetSocketAddress address;
        NodeCore node;
        /** The good nodes of its table when it last went down. */
        List<RemoteNode> savedTable = List.of();

        Slot(InfoHash id, InetSocketAddress address) {
            this.id = id;
            this.address = address;
        }
    }

    private final long seed;
    private final SplittableRandom random;
    private final VirtualScheduler clock = new VirtualScheduler(EPOCH);
    private final SimulatedNetwork network;
    private final List<Slot> slots = new ArrayList<>();
    private final List<Integer> live = new ArrayList<>();
    private final Set<Integer> natted = new HashSet<>();

    public Simulation(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.network = new SimulatedNetwork(clock, random.split());
    }

    public long seed() {
        return seed;
    }

    /** The simulation's own random source, for workloads that must replay with the seed. */
    public SplittableRandom random() {
        return random;
    }

    public VirtualScheduler clock() {
        return clock;
    }

    public SimulatedNetwork network() {
        return network;
    }

    /** Adds a node that bootstraps from a random reachable running node (or from nothing, for the first). */
    public int add() {
        return add(bootstrapAddress());
    }

    public int add(List<InetSocketAddress> bootstrap) {
        return add(InfoHash.random(random), bootstrap);
    }

    /** Adds a node with a chosen id, as a test placing a node next to a key does. */
    public int add(InfoHash id, List<InetSocketAddress> bootstrap) {
        int index = slots.size();
        Slot slot = new Slot(id, addressOf(index));
        slots.add(slot);
        boot(index, bootstrap);
        return index;
    }

    /**
     * Adds {@code count} nodes {@code spacingMillis} apart, then runs until every running node has
     * a good node and for {@code settleMillis} more, so maintenance fills the tables.
     */
    public Simulation grow(int count, long spacingMillis, long settleMillis) {
        for (int i = 0; i < count; i++) {
            add();
            clock.runFor(spacingMillis);
        }
        if (!runUntilConnected(120)) {
            throw new IllegalStateException("a network of " + live.size() + " nodes did not connect within 120 s"
                    + " of virtual time (seed " + seed + ")");
        }
        clock.runFor(settleMillis);
        return this;
    }

    /**
     * Runs until every running node has a good node, checking once a virtual second (checking
     * after every event would cost more than the simulation itself at 10 000 nodes).
     */
    public boolean runUntilConnected(int maxSeconds) {
        for (int second = 0; second < maxSeconds; second++) {
            if (allConnected()) {
                return true;
            }
            clock.runFor(1_000);
        }
        return allConnected();
    }

    /** Takes a node off the network, as when its host goes down; it remembers its good nodes. */
    public void stop(int index) {
        Slot slot = slots.get(index);
        if (slot.node == null) {
            return;
        }
        long now = clock.now();
        slot.savedTable = slot.node.routingNodes(Family.IPV4).stream()
                .filter(n -> n.isGood(now))
                .toList();
        NodeCore leaving = slot.node;
        slot.node = null;
        live.remove(Integer.valueOf(index));
        network.detach(slot.address);
        leaving.stop(); // fails what it had in flight: callbacks already see it stopped
    }

    /**
     * Brings a stopped node back with the same id and address: with its saved routing table when
     * {@code withSavedTable} (as a node with a state file), otherwise bootstrapping from one
     * random running node.
     */
    public void restart(int index, boolean withSavedTable) {
        Slot slot = slots.get(index);
        if (slot.node != null) {
            throw new IllegalStateException("node " + index + " is running");
        }
        if (withSavedTable && !slot.savedTable.isEmpty()) {
            boot(index, List.of());
            slot.savedTable.forEach(n -> slot.node.insertNode(n.id(), n.address()));
        } else {
            boot(index, bootstrapAddress());
        }
    }

    /** Puts a node behind a NAT: it can reach out, but nobody can reach it first (nor bootstrap from it). */
    public void behindNat(int index) {
        network.behindNat(address(index));
        natted.add(index);
    }

    /** Node {@code index}, or null while it is stopped. */
    /**
     * The {@link org.carillon.dht.Dht} API of node {@code index}, for layers above the DHT; it
     * follows the node through restarts. Futures complete while the clock runs.
     */
    public org.carillon.dht.Dht dht(int index) {
        return new SimulatedNodeDht(() -> node(index));
    }

    public NodeCore node(int index) {
        return slots.get(index).node;
    }

    public InfoHash id(int index) {
        return slots.get(index).id;
    }

    public InetSocketAddress address(int index) {
        return slots.get(index).address;
    }

    public boolean isRunning(int index) {
        return slots.get(index).node != null;
    }

    /** Nodes ever added, running or not. */
    public int size() {
        return slots.size();
    }

    /** Indexes of the running nodes, in the order they (re)started. */
    public List<Integer> running() {
        return List.copyOf(live);
    }

    public int runningCount() {
        return live.size();
    }

    /** A running node chosen with the simulation's random source. */
    public int randomLive() {
        if (live.isEmpty()) {
            throw new IllegalStateException("no node is running");
        }
        return live.get(random.nextInt(live.size()));
    }

    /** Running nodes, closest to {@code key} first. */
    public List<Integer> closestRunning(InfoHash key) {
        List<Integer> sorted = new ArrayList<>(live);
        sorted.sort((a, b) -> key.xorCompare(id(a), id(b)));
        return sorted;
    }

    public boolean allConnected() {
        return live.stream().allMatch(i -> slots.get(i).node.isConnected(Family.IPV4));
    }

    /** One running node that is not behind a NAT, as a bootstrap node must be; none for the first node. */
    private List<InetSocketAddress> bootstrapAddress() {
        for (int attempt = 0; attempt < 64 && !live.isEmpty(); attempt++) {
            int candidate = randomLive();
            if (!natted.contains(candidate)) {
                return List.of(address(candidate));
            }
        }
        return live.stream()
                .filter(i -> !natted.contains(i))
                .findFirst()
                .map(i -> List.of(address(i)))
                .orElse(List.of());
    }

    private void boot(int index, List<InetSocketAddress> bootstrap) {
        Slot slot = slots.get(index);
        NodeCore[] holder = new NodeCore[1];
        holder[0] = new NodeCore(
                slot.id,
                OPTIONS,
                clock,
                network.attach(slot.address, (datagram, from) -> holder[0].onDatagram(datagram, from)),
                ValueTypes.builtIn(),
                random.split());
        slot.node = holder[0];
        live.add(index);
        holder[0].start(bootstrap);
    }

    static InetSocketAddress addressOf(int index) {
        return addressOf(10, index);
    }

    /** An address in {@code first.0.0.0/8} for the {@code index}-th endpoint (scripted peers use other prefixes). */
    public static InetSocketAddress addressOf(int first, int index) {
        if (index < 0 || index >= 1 << 24) {
            throw new IllegalArgumentException("endpoint index " + index);
        }
        try {
            return new InetSocketAddress(
                    InetAddress.getByAddress(
                            new byte[] {(byte) first, (byte) (index >> 16), (byte) (index >> 8), (byte) index}),
                    4222);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
