package org.carillon.dht.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.sim.SimulationSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node joining a network looks its own id up (OpenDHT's {@code confirmNodes}), and the nodes
 * it lands next to look theirs up again as soon as it appears among their nearest: within
 * seconds they have asked it something, so it is good in their tables and their find replies
 * (good nodes only) lead searches to it. Without that, a put of a key beside the newcomer
 * landed on other nodes (every seed of 1 to 12).
 */
class JoiningNodeTest {
    @RegisterExtension
    static final SimulationSeed SEED = new SimulationSeed(5);

    @Test
    void aPutFiveSecondsAfterANodeJoinedBesideItsKeyReachesThatNodeAndTheGetsFindIt() {
        SimulatedDht dht = new SimulatedDht(SEED.get(), 10, 60, 0.0).grow(40);
        InfoHash key = InfoHash.random(dht.random);
        NodeCore newcomer = dht.add(key.withBit(159, !key.bit(159))); // the node closest to the key
        dht.clock.runFor(5_000);

        List<NodeCore> byDistance = dht.closestTo(key);
        NodeCore putter = byDistance.get(byDistance.size() - 1);
        AtomicReference<Boolean> put = new AtomicReference<>();
        long id = putter.put(
                key, Value.of(0, 0, "beside the newcomer".getBytes(StandardCharsets.UTF_8)), false, put::set);
        assertThat(dht.clock.runUntil(() -> put.get() != null, 30_000)).isTrue();
        assertThat(put.get()).isTrue();
        assertThat(newcomer.storedValues()).as("the newcomer's storage").containsKey(key);
        assertThat(byDistance.subList(0, 8))
                .as("the key's 8 closest nodes store the value")
                .allSatisfy(n -> assertThat(n.storedValues()).containsKey(key));

        NodeCore getter = byDistance.get(byDistance.size() - 2);
        List<Value> found = new ArrayList<>();
        AtomicReference<Boolean> done = new AtomicReference<>();
        getter.get(key, Query.ALL, found::addAll, done::set);
        assertThat(dht.clock.runUntil(() -> done.get() != null, 30_000)).isTrue();
        assertThat(found).extracting(Value::id).containsExactly(id);
    }
}
