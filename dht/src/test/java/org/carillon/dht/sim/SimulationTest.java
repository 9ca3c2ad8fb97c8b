package org.carillon.dht.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.wire.Family;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Whole networks in the simulator: determinism, NATed peers, churn with and without saved tables. */
class SimulationTest {
    @RegisterExtension
    static final SimulationSeed SEED = new SimulationSeed(77);

    /** A hash of every datagram's time, endpoints, size and fate. */
    private static long trace(long seed) {
        Simulation sim = new Simulation(seed);
        AtomicLong hash = new AtomicLong(17);
        sim.network()
                .latency(LatencyModel.logNormal(40, 0.5))
                .jitter(10)
                .loss(0.03)
                .duplicate(0.02)
                .reorder(0.05, 200)
                .tap((from, to, datagram, fate) -> hash.set(hash.get() * 31
                        + (sim.clock().now() * 7 + from.hashCode()) * 31
                        + to.hashCode() * 13L
                        + datagram.length
                        + fate.ordinal()));
        sim.grow(30, 100, 20_000);
        Churn.start(sim, 0.1, 10_000, false);
        for (int i = 0; i < 10; i++) {
            InfoHash key = InfoHash.random(sim.random());
            sim.node(sim.randomLive()).put(key, Value.of(0, 0, new byte[] {(byte) i}), false, ok -> {});
            sim.clock().runFor(2_000);
            sim.node(sim.randomLive()).get(key, Query.ALL, v -> {}, ok -> {});
            sim.clock().runFor(2_000);
        }
        sim.clock().runFor(60_000);
        return hash.get() ^ sim.network().sent();
    }

    @Test
    void theSameSeedReplaysTheSameRunDatagramForDatagram() {
        long seed = SEED.get();
        assertThat(trace(seed)).isEqualTo(trace(seed));
        assertThat(trace(seed)).isNotEqualTo(trace(seed + 1));
    }

    @Test
    void peersBehindNatsCanStillPutAndGet() {
        Simulation sim = new Simulation(SEED.get());
        sim.network().latency(LatencyModel.logNormal(40, 0.4));
        sim.grow(40, 100, 30_000);
        List<Integer> natted = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int n = sim.add();
            sim.behindNat(n);
            natted.add(n);
        }
        sim.clock().runFor(60_000);

        AtomicInteger found = new AtomicInteger();
        AtomicInteger puts = new AtomicInteger();
        for (int n : natted) {
            InfoHash key = InfoHash.random(sim.random());
            byte[] data = ("from " + n).getBytes(StandardCharsets.UTF_8);
            sim.node(n).put(key, Value.of(0, 0, data), false, ok -> puts.addAndGet(ok ? 1 : 0));
            sim.clock().runFor(5_000);
            int reader = natted.get((natted.indexOf(n) + 1) % natted.size()); // another NATed peer
            sim.node(reader).get(key, Query.ALL, values -> found.addAndGet(values.size()), ok -> {});
            sim.clock().runFor(5_000);
        }
        assertThat(puts).hasValue(natted.size());
        assertThat(found).hasValue(natted.size());
        assertThat(sim.network().sent()).isPositive();
        // nobody can reach a NATed peer first, so few others count it as a good node
        long now = sim.clock().now();
        long goodNattedEntries = sim.running().stream()
                .filter(i -> !natted.contains(i))
                .flatMap(i -> sim.node(i).routingNodes(Family.IPV4).stream())
                .filter(r -> r.isGood(now))
                .filter(r -> natted.stream().anyMatch(n -> sim.address(n).equals(r.address())))
                .count();
        long allGoodEntries = sim.running().stream()
                .flatMap(i -> sim.node(i).routingNodes(Family.IPV4).stream())
                .filter(r -> r.isGood(now))
                .count();
        double perNattedPeer = goodNattedEntries / (double) natted.size();
        double perPublicPeer = (allGoodEntries - goodNattedEntries) / (double) (sim.runningCount() - natted.size());
        assertThat(perNattedPeer)
                .as("routing tables holding a NATed peer as good (only while its mappings are open)")
                .isLessThan(perPublicPeer / 2);
    }

    @Test
    void churnKeepsTheNetworkSizeAndNodesWithSavedTablesRejoinWithoutBootstrap() {
        Simulation sim = new Simulation(SEED.get());
        sim.grow(60, 100, 30_000);
        Churn churn = Churn.start(sim, 0.1, 30_000, true);
        sim.clock().runFor(5 * 60_000);
        churn.stop();
        // 10 % of 60 per minute for 5 minutes: about 30 departures
        assertThat(churn.departures()).isBetween(15L, 50L);
        assertThat(sim.size()).as("the same nodes come back").isEqualTo(60);
        sim.clock().runFor(60_000);
        assertThat(sim.runningCount()).isEqualTo(60);
        assertThat(sim.allConnected()).isTrue();

        // without saved tables, departed nodes are replaced by new ones
        Churn fresh = Churn.start(sim, 0.1, 30_000, false);
        sim.clock().runFor(3 * 60_000);
        fresh.stop();
        sim.clock().runFor(60_000);
        assertThat(sim.size()).isEqualTo(60 + fresh.departures());
        assertThat(sim.runningCount()).isEqualTo(60);
        assertThat(sim.allConnected()).isTrue();
    }

    @Test
    void aRestartedNodeWithItsSavedTableReconnectsAlone() {
        Simulation sim = new Simulation(SEED.get());
        sim.grow(30, 100, 30_000);
        int node = 17;
        sim.stop(node);
        sim.clock().runFor(60_000);
        sim.restart(node, true);
        assertThat(sim.clock().runUntil(() -> sim.node(node).isConnected(Family.IPV4), 10_000))
                .isTrue();
    }
}
