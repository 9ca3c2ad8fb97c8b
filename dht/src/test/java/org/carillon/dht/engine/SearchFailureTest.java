package org.carillon.dht.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.sim.SimulationSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Operations end, and say they failed, when no node can be reached: they never hang. */
class SearchFailureTest {
    @RegisterExtension
    static final SimulationSeed SEED = new SimulationSeed(404);

    /** The longest a get or put may take to fail when every node it knows is unreachable. */
    static final long FAIL_WITHIN = 30_000;

    private record Outcome(boolean ok, long after) {}

    @Test
    void aLoneNodeFailsGetsAndPutsAtOnce() {
        SimulatedDht dht = new SimulatedDht(SEED.get(), 10, 50, 0.0);
        NodeCore lone = dht.add();
        dht.clock.runFor(60_000);
        InfoHash key = InfoHash.fromUserKey("nobody");

        assertThat(get(dht, lone, key)).isEqualTo(new Outcome(false, 0));
        assertThat(put(dht, lone, key, false)).isEqualTo(new Outcome(false, 0));
        assertThat(put(dht, lone, key, true))
                .as("a permanent put reports the failure too (and waits for a network)")
                .isEqualTo(new Outcome(false, 0));
        assertThat(lone.metrics().packetsOut().values().stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .as("datagrams sent by a node that knows nobody")
                .isZero();
    }

    /**
     * Every node this one knows goes down at once; its routing table still holds them as good.
     * Each request is tried three times (1 s, 2 s, 4 s apart, plus jitter), at most four nodes
     * are waited on at a time and a node is skipped after its first silence, so the search goes
     * through its candidates in a few seconds each and fails when none is left.
     */
    @Test
    void whenEveryKnownNodeIsGoneGetsAndPutsFailWithinABound() {
        SimulatedDht dht = new SimulatedDht(SEED.get(), 10, 100, 0.05).grow(60);
        NodeCore survivor = dht.nodes.get(17);
        for (int i = 0; i < dht.nodes.size(); i++) {
            if (i != 17) {
                dht.kill(i);
            }
        }
        InfoHash key = InfoHash.fromUserKey("gone");
        AtomicReference<Outcome> getting = startGet(dht, survivor, key);
        AtomicReference<Outcome> putting = startPut(dht, survivor, key, false);
        AtomicReference<Outcome> putting2 = startPut(dht, survivor, InfoHash.fromUserKey("gone too"), true);
        Outcome get = await(dht, getting);
        Outcome put = await(dht, putting);
        Outcome permanent = await(dht, putting2);
        assertThat(get.ok).as("get").isFalse();
        assertThat(put.ok).as("put").isFalse();
        assertThat(permanent.ok).as("permanent put").isFalse();
        assertThat(get.after).as("get failed after (ms)").isLessThan(FAIL_WITHIN);
        assertThat(put.after).as("put failed after (ms)").isLessThan(FAIL_WITHIN);
        assertThat(permanent.after).as("permanent put failed after (ms)").isLessThan(FAIL_WITHIN);

        // Afterwards nothing is left waiting, and the node sends only its slow maintenance.
        dht.clock.runFor(FAIL_WITHIN);
        assertThat(survivor.boundedStateSizes()).containsEntry("pending-requests", 0);
        System.out.printf(
                "with every known node gone: get failed after %d ms, put after %d ms, permanent put after %d ms%n",
                get.after, put.after, permanent.after);
    }

    /**
     * A partition leaves a few nodes that still reach each other: their operations end within
     * the same bound, answered by the nodes on their side; a node cut off alone fails them.
     */
    @Test
    void onBothSidesOfAPartitionOperationsEndWithinABound() {
        SimulatedDht dht = new SimulatedDht(SEED.get(), 10, 100, 0.05).grow(60);
        InfoHash key = InfoHash.fromUserKey("before the split");
        NodeCore writer = dht.nodes.get(0);
        assertThat(put(dht, writer, key, false).ok).isTrue();

        dht.isolate(List.of(3, 4, 5, 6, 7));
        NodeCore islander = dht.nodes.get(5);
        Outcome islandGet = get(dht, islander, key);
        Outcome islandPut = put(dht, islander, InfoHash.fromUserKey("on the island"), false);
        assertThat(islandGet.after).as("island get ended after (ms)").isLessThan(FAIL_WITHIN);
        assertThat(islandPut.after).as("island put ended after (ms)").isLessThan(FAIL_WITHIN);
        assertThat(islandPut.ok).as("put stored by the island's own nodes").isTrue();

        Outcome mainlandGet = get(dht, dht.nodes.get(40), key);
        assertThat(mainlandGet.ok).as("the rest of the network still answers").isTrue();

        dht.isolate(List.of(9));
        NodeCore alone = dht.nodes.get(9);
        AtomicReference<Outcome> getting = startGet(dht, alone, key);
        AtomicReference<Outcome> putting = startPut(dht, alone, InfoHash.fromUserKey("alone"), false);
        Outcome aloneGet = await(dht, getting);
        Outcome alonePut = await(dht, putting);
        assertThat(aloneGet).extracting(Outcome::ok).isEqualTo(false);
        assertThat(alonePut).extracting(Outcome::ok).isEqualTo(false);
        assertThat(aloneGet.after)
                .as("get of a node cut off alone failed after (ms)")
                .isLessThan(FAIL_WITHIN);
        assertThat(alonePut.after)
                .as("put of a node cut off alone failed after (ms)")
                .isLessThan(FAIL_WITHIN);
        System.out.printf(
                "partition: island get ended after %d ms (%s), island put after %d ms;"
                        + " a node cut off alone failed a get after %d ms, a put after %d ms%n",
                islandGet.after, islandGet.ok, islandPut.after, aloneGet.after, alonePut.after);
    }

    private static Outcome get(SimulatedDht dht, NodeCore node, InfoHash key) {
        return await(dht, startGet(dht, node, key));
    }

    private static Outcome put(SimulatedDht dht, NodeCore node, InfoHash key, boolean permanent) {
        return await(dht, startPut(dht, node, key, permanent));
    }

    private static AtomicReference<Outcome> startGet(SimulatedDht dht, NodeCore node, InfoHash key) {
        long start = dht.clock.now();
        AtomicReference<Outcome> outcome = new AtomicReference<>();
        node.get(key, Query.ALL, values -> {}, ok -> outcome.set(new Outcome(ok, dht.clock.now() - start)));
        return outcome;
    }

    private static AtomicReference<Outcome> startPut(SimulatedDht dht, NodeCore node, InfoHash key, boolean permanent) {
        long start = dht.clock.now();
        AtomicReference<Outcome> outcome = new AtomicReference<>();
        node.put(
                key,
                Value.of(0, 0, "x".getBytes(StandardCharsets.UTF_8)),
                permanent,
                ok -> outcome.set(new Outcome(ok, dht.clock.now() - start)));
        return outcome;
    }

    /** Runs until the operation ended (ten times the bound at most), and returns how. */
    private static Outcome await(SimulatedDht dht, AtomicReference<Outcome> outcome) {
        dht.clock.runUntil(() -> outcome.get() != null, 10 * FAIL_WITHIN);
        assertThat(outcome.get()).as("operation ended").isNotNull();
        return outcome.get();
    }
}
