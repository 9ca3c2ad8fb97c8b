package org.carillon.dht.sim;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;
import org.carillon.dht.engine.Transport;
import org.carillon.dht.wire.Family;

/**
 * An in-memory datagram network in virtual time: each datagram is delivered after a latency
 * drawn uniformly from {@code [minLatency, maxLatency]} ms, or lost with probability {@code
 * loss}. Deterministic for a given seed.
 */
public final class SimulatedNetwork {
    private final VirtualScheduler scheduler;
    private final RandomGenerator random;
    private final Map<InetSocketAddress, BiConsumer<byte[], InetSocketAddress>> endpoints = new HashMap<>();
    private long minLatency = 10;
    private long maxLatency = 50;
    private double loss;
    private long delivered;
    private long lost;

    public SimulatedNetwork(VirtualScheduler scheduler, RandomGenerator random) {
        this.scheduler = scheduler;
        this.random = random;
    }

    public SimulatedNetwork latency(long minMillis, long maxMillis) {
        this.minLatency = minMillis;
        this.maxLatency = maxMillis;
        return this;
    }

    public SimulatedNetwork loss(double probability) {
        this.loss = probability;
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
    }

    /** Sends a datagram from an address that has no node, as an attacker or raw client would. */
    public void inject(byte[] datagram, InetSocketAddress from, InetSocketAddress to) {
        deliver(datagram.clone(), from, to);
    }

    public long delivered() {
        return delivered;
    }

    public long lost() {
        return lost;
    }

    private void deliver(byte[] datagram, InetSocketAddress from, InetSocketAddress to) {
        if (loss > 0 && random.nextDouble() < loss) {
            lost++;
            return;
        }
        long latency = minLatency + (maxLatency > minLatency ? random.nextLong(maxLatency - minLatency + 1) : 0);
        scheduler.schedule(latency, () -> {
            BiConsumer<byte[], InetSocketAddress> receiver = endpoints.get(to);
            if (receiver != null) {
                delivered++;
                receiver.accept(datagram, from);
            } else {
                lost++;
            }
        });
    }
}
