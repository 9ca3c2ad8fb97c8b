package org.carillon.dht.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.junit.jupiter.api.Test;

/**
 * A put of a value whose id the caller chose asks each target node whether it holds the value
 * already ({@code SELECT id,seq WHERE
 * id=…}, which OpenDHT 2.4.12 sends for permanent puts only) and does not send a plain value to
 * a node that has it: storage nodes take a put of a value they hold as a refresh, so the value
 * would outlive its type's lifetime.
 */
class AnnounceProbeTest {
    static final int ICE = 5; // one-minute lifetime

    @Test
    void aPlainPutIsNotSentToNodesThatHoldTheValueAlready() {
        SimulatedDht dht = new SimulatedDht(11, 10, 60, 0.0).grow(30);
        InfoHash key = InfoHash.fromUserKey("ice-again");
        Value ice = Value.of(0x1ce, ICE, "candidate".getBytes(StandardCharsets.UTF_8));
        assertThat(put(dht, 3, key, ice)).isTrue();
        dht.clock.runFor(10_000);
        List<NodeCore> holders = dht.nodes.stream()
                .filter(n -> n.storedValues().containsKey(key))
                .toList();
        assertThat(holders).hasSizeGreaterThanOrEqualTo(Search.TARGET_NODES);
        List<Long> putsBefore =
                holders.stream().map(AnnounceProbeTest::putsReceived).toList();
        List<Long> getsBefore =
                holders.stream().map(AnnounceProbeTest::getsReceived).toList();

        assertThat(put(dht, 17, key, ice)).as("the second put succeeds").isTrue();

        for (int i = 0; i < holders.size(); i++) {
            assertThat(putsReceived(holders.get(i)))
                    .as("puts received by holder %s (seed %d)", holders.get(i).id(), dht.seed)
                    .isEqualTo(putsBefore.get(i));
        }
        long probes = 0;
        for (int i = 0; i < holders.size(); i++) {
            probes += getsReceived(holders.get(i)) - getsBefore.get(i);
        }
        assertThat(probes).as("the holders were asked instead").isPositive();
    }

    @Test
    void aValueWithAFreshIdIsPutWithoutAskingFirst() {
        SimulatedDht dht = new SimulatedDht(13, 10, 60, 0.0).grow(30);
        InfoHash key = InfoHash.fromUserKey("fresh");
        long getsBefore =
                dht.nodes.stream().mapToLong(AnnounceProbeTest::getsReceived).sum();
        long putsBefore =
                dht.nodes.stream().mapToLong(AnnounceProbeTest::putsReceived).sum();
        long findsBefore = dht.nodes.stream()
                .mapToLong(n -> n.metrics().packetsIn().getOrDefault("find", 0L))
                .sum();

        assertThat(put(dht, 3, key, Value.of(0, ICE, "new".getBytes(StandardCharsets.UTF_8))))
                .isTrue();

        long gets =
                dht.nodes.stream().mapToLong(AnnounceProbeTest::getsReceived).sum() - getsBefore;
        long puts =
                dht.nodes.stream().mapToLong(AnnounceProbeTest::putsReceived).sum() - putsBefore;
        long finds = dht.nodes.stream()
                        .mapToLong(n -> n.metrics().packetsIn().getOrDefault("find", 0L))
                        .sum()
                - findsBefore;
        assertThat(gets).as("probes (seed %d)", dht.seed).isZero();
        assertThat(puts).isEqualTo(Search.TARGET_NODES);
        assertThat(finds).as("the lookup itself").isPositive();
    }

    private static long putsReceived(NodeCore n) {
        return n.metrics().packetsIn().getOrDefault("put", 0L);
    }

    private static long getsReceived(NodeCore n) {
        return n.metrics().packetsIn().getOrDefault("get", 0L);
    }

    @Test
    void aPermanentPutStillRefreshesTheNodesThatHoldIt() {
        SimulatedDht dht = new SimulatedDht(12, 10, 60, 0.0).grow(30);
        InfoHash key = InfoHash.fromUserKey("ice-kept");
        Value ice = Value.of(0x1ce, ICE, "candidate".getBytes(StandardCharsets.UTF_8));
        AtomicReference<Boolean> done = new AtomicReference<>();
        dht.nodes.get(3).put(key, ice, true, done::set);
        assertThat(dht.clock.runUntil(() -> done.get() != null, 60_000)).isTrue();
        dht.clock.runFor(150_000);
        assertThat(get(dht, 20, key)).extracting(Value::id).containsExactly(ice.id());
    }

    private static boolean put(SimulatedDht dht, int node, InfoHash key, Value v) {
        AtomicReference<Boolean> done = new AtomicReference<>();
        dht.nodes.get(node).put(key, v, false, done::set);
        assertThat(dht.clock.runUntil(() -> done.get() != null, 30_000)).isTrue();
        return done.get();
    }

    private static List<Value> get(SimulatedDht dht, int node, InfoHash key) {
        List<Value> found = new ArrayList<>();
        AtomicReference<Boolean> done = new AtomicReference<>();
        dht.nodes.get(node).get(key, Query.ALL, found::addAll, done::set);
        assertThat(dht.clock.runUntil(() -> done.get() != null, 30_000)).isTrue();
        return found;
    }
}
