package org.carillon.dht.sim;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;
import org.carillon.dht.engine.Transport;
import org.carillon.dht.wire.Family;

/**
 * An in-memory datagram network in virtual time, with the faults of a real one.
 *
 * <ul>
 *   <li><b>Latency</b>: each link draws a base one-way latency from a {@link LatencyModel} (the
 *       same for both directions and for the whole run), each datagram adds jitter drawn from
 *       {@code [0, jitter]} ms, so datagrams sent close together can overtake each other.
 *   <li><b>Reordering</b> beyond jitter: with probability {@code reorder} a datagram is held back
 *       by up to {@code reorderDelay} ms more.
 *   <li><b>Loss</b> and <b>duplication</b>, each with its own probability per datagram.
 *   <li><b>Partitions</b>: endpoints in different groups cannot reach each other.
 *   <li><b>NATs</b>: an endpoint behind a NAT only receives datagrams from addresses it sent
 *       to in the last {@code natTimeout} ms, as a listen-only peer behind a home router.
 * </ul>
 *
 * <p>Deterministic: the same seed and the same calls give the same run, datagram for datagram.
 * A {@link Tap} sees every datagram's fate, for traces and message counts.
 */
public final class SimulatedNetwork {
    /** What happened to a datagram. */
    public enum Fate {
        DELIVERED,
        LOST,
        PARTITIONED,
        NAT_FILTERED,
        NO_ENDPOINT
    }

    /** Observes datagrams as they are delivered or dropped (at their arrival time); must not change them. */
    @FunctionalInterface
    public interface Tap {
        void datagram(InetSocketAddress from, InetSocketAddress to, byte[] datagram, Fate fate);
    }

    private static final Tap NO_TAP = (from, to, datagram, fate) -> {};

    private final VirtualScheduler scheduler;
    private final RandomGenerator random;
    private final long linkSeed;
    private final Map<InetSocketAddress, BiConsumer<byte[], InetSocketAddress>> endpoints = new HashMap<>();
    private final Map<InetSocketAddress, Integer> groups = new HashMap<>();
    /** For each endpoint behind a NAT: when it last sent to each peer. */
    private final Map<InetSocketAddress, Map<InetSocketAddress, Long>> natMappings = new HashMap<>();

    private LatencyModel latency = LatencyModel.uniform(10, 50);
    private long jitter;
    private double loss;
    private double duplicate;
    private double reorder;
    private long reorderDelay = 100;
    private long natTimeout = 30_000;
    private Tap tap = NO_TAP;
    private long sent;
    private long delivered;
    private long lost;

    public SimulatedNetwork(VirtualScheduler scheduler, RandomGenerator random) {
        this.scheduler = scheduler;
        this.random = random;
        this.linkSeed = random.nextLong();
    }

    /** Links take between {@code minMillis} and {@code maxMillis} one way, uniformly. */
    public SimulatedNetwork latency(long minMillis, long maxMillis) {
        return latency(LatencyModel.uniform(minMillis, maxMillis));
    }

    public SimulatedNetwork latency(LatencyModel model) {
        this.latency = model;
        return this;
    }

    /** Each datagram takes up to {@code millis} more than its link's base latency. */
    public SimulatedNetwork jitter(long millis) {
        this.jitter = millis;
        return this;
    }

    public SimulatedNetwork loss(double probability) {
        this.loss = probability;
        return this;
    }

    public SimulatedNetwork duplicate(double probability) {
        this.duplicate = probability;
        return this;
    }

    /** With {@code probability}, a datagram is held back by up to {@code maxDelayMillis} more. */
    public SimulatedNetwork reorder(double probability, long maxDelayMillis) {
        this.reorder = probability;
        this.reorderDelay = maxDelayMillis;
        return this;
    }

    /** How long a NAT keeps a mapping open after the endpoint behind it last sent to a peer. */
    public SimulatedNetwork natTimeout(long millis) {
        this.natTimeout = millis;
        return this;
    }

    public SimulatedNetwork tap(Tap tap) {
        this.tap = tap == null ? NO_TAP : tap;
        return this;
    }

    /** Attaches a receiver at {@code address}; returns the transport it sends with. */
    public Transport attach(InetSocketAddress address, BiConsumer<byte[], InetSocketAddress> receiver) {
        endpoints.put(address, receiver);
        return new Transport() {
            @Override
            public void send(byte[] datagram, InetSocketAddress to) {
                deliver(datagram.clone(), address, to);
            }

            @Override
            public boolean supports(Family family) {
                return family == Family.of(address.getAddress());
            }
        };
    }

    /** Removes the endpoint: datagrams to it vanish, as when a host goes down. */
    public void detach(InetSocketAddress address) {
        endpoints.remove(address);
        natMappings.remove(address);
    }

    /** Puts {@code address} behind a NAT that drops unsolicited inbound datagrams. */
    public void behindNat(InetSocketAddress address) {
        natMappings.putIfAbsent(address, new HashMap<>());
    }

    /** Moves {@code address} to partition {@code group}; endpoints of different groups cannot talk. */
    public void partition(InetSocketAddress address, int group) {
        if (group == 0) {
            groups.remove(address);
        } else {
            groups.put(address, group);
        }
    }

    /** Ends every partition. */
    public void heal() {
        groups.clear();
    }

    /** Sends a datagram from an address that has no node, as an attacker or raw client would. */
    public void inject(byte[] datagram, InetSocketAddress from, InetSocketAddress to) {
        deliver(datagram.clone(), from, to);
    }

    /** Datagrams handed to the network, duplicates not counted. */
    public long sent() {
        return sent;
    }

    public long delivered() {
        return delivered;
    }

    /** Datagrams that did not arrive, whatever the cause. */
    public long lost() {
        return lost;
    }

    private void deliver(byte[] datagram, InetSocketAddress from, InetSocketAddress to) {
        sent++;
        Map<InetSocketAddress, Long> mappings = natMappings.get(from);
        if (mappings != null) {
            mappings.put(to, scheduler.now());
        }
        if (loss > 0 && random.nextDouble() < loss) {
            schedule(datagram, from, to, Fate.LOST);
            return;
        }
        schedule(datagram, from, to, null);
        if (duplicate > 0 && random.nextDouble() < duplicate) {
            schedule(datagram, from, to, null);
        }
    }

    private void schedule(byte[] datagram, InetSocketAddress from, InetSocketAddress to, Fate decided) {
        long delay = linkLatency(from, to);
        if (jitter > 0) {
            delay += random.nextLong(jitter + 1);
        }
        if (reorder > 0 && random.nextDouble() < reorder) {
            delay += 1 + random.nextLong(Math.max(1, reorderDelay));
        }
        scheduler.schedule(delay, () -> arrive(datagram, from, to, decided));
    }

    private void arrive(byte[] datagram, InetSocketAddress from, InetSocketAddress to, Fate decided) {
        Fate fate = decided != null ? decided : fateAtArrival(from, to);
        tap.datagram(from, to, datagram, fate);
        if (fate != Fate.DELIVERED) {
            lost++;
            return;
        }
        delivered++;
        endpoints.get(to).accept(datagram, from);
    }

    private Fate fateAtArrival(InetSocketAddress from, InetSocketAddress to) {
        BiConsumer<byte[], InetSocketAddress> receiver = endpoints.get(to);
        if (receiver == null) {
            return Fate.NO_ENDPOINT;
        }
        if (!groups.getOrDefault(from, 0).equals(groups.getOrDefault(to, 0))) {
            return Fate.PARTITIONED;
        }
        Map<InetSocketAddress, Long> mappings = natMappings.get(to);
        if (mappings != null) {
            Long lastSent = mappings.get(from);
            if (lastSent == null || scheduler.now() - lastSent > natTimeout) {
                return Fate.NAT_FILTERED;
            }
        }
        return Fate.DELIVERED;
    }

    /** The link's base latency: drawn from the model by a generator seeded with the link, so no table is kept. */
    private long linkLatency(InetSocketAddress a, InetSocketAddress b) {
        int ha = a.hashCode();
        int hb = b.hashCode();
        long link = ha < hb ? ((long) ha << 32) ^ (hb & 0xffffffffL) : ((long) hb << 32) ^ (ha & 0xffffffffL);
        return latency.sample(new SplittableRandom(linkSeed ^ (link * 0x9E3779B97F4A7C15L)));
    }
}
