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

/** Gets, puts and listens across a simulated network in virtual time. */
class SearchTest {

    @Test
    void aValuePutByOneNodeIsFoundByAnother() {
        SimulatedDht dht = new SimulatedDht(7, 10, 60, 0.0).grow(30);
        InfoHash key = InfoHash.fromUserKey("hello");
        AtomicReference<Boolean> put = new AtomicReference<>();
        long id = dht.nodes.get(3).put(key, Value.of(0, 0, bytes("world")), false, put::set);
        assertThat(dht.clock.runUntil(() -> put.get() != null, 60_000)).isTrue();
        assertThat(put.get()).as("put acknowledged (seed %d)", dht.seed).isTrue();
        assertThat(id).isNotZero();

        List<Value> found = new ArrayList<>();
        AtomicReference<Boolean> done = new AtomicReference<>();
        dht.nodes.get(17).get(key, Query.ALL, found::addAll, done::set);
        assertThat(dht.clock.runUntil(() -> done.get() != null, 60_000)).isTrue();
        assertThat(done.get()).isTrue();
        assertThat(found).extracting(Value::id).containsExactly(id);
        assertThat(new String(found.get(0).data(), StandardCharsets.UTF_8)).isEqualTo("world");
    }

    @Test
    void aNodeWhoseBootstrapNeverAnswersFailsItsOperationsAfterTheJoinWait() {
        SimulatedDht dht = new SimulatedDht(11, 10, 60, 0.0);
        NodeCore lonely = dht.add(); // bootstraps from nobody: the first node
        NodeCore stranded = dht.add(); // bootstraps from the first…
        dht.kill(0); // …which is gone before it answers
        AtomicReference<Boolean> done = new AtomicReference<>();
        long start = dht.clock.now();
        stranded.get(InfoHash.fromUserKey("x"), Query.ALL, v -> {}, done::set);
        assertThat(dht.clock.runUntil(() -> done.get() != null, 120_000)).isTrue();
        assertThat(done.get()).isFalse();
        assertThat(dht.clock.now() - start)
                .as("held while joining, failed after the join wait")
                .isBetween(Searches.JOIN_WAIT - 6_000, Searches.JOIN_WAIT + 6_000);
        assertThat(lonely).isNotNull();
    }

    @Test
    void aSearchCountsTheLookupStepsToTheClosestNode() {
        SimulatedDht dht = new SimulatedDht(7, 10, 60, 0.0).grow(150);
        NodeCore origin = dht.nodes.get(5);
        // a node the origin's table knows is reached in one step
        InfoHash known =
                origin.routingNodes(org.carillon.dht.wire.Family.IPV4).get(0).id();
        assertThat(hopsOfGet(dht, origin, known)).isEqualTo(1);
        // random keys in a network of 150 mostly need more
        List<Integer> hops = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            hops.add(hopsOfGet(dht, origin, InfoHash.random(dht.random)));
        }
        assertThat(hops).allMatch(h -> h >= 1 && h <= 6).anyMatch(h -> h >= 2);
    }

    private static int hopsOfGet(SimulatedDht dht, NodeCore origin, InfoHash key) {
        AtomicReference<Boolean> done = new AtomicReference<>();
        origin.get(key, Query.ALL, v -> {}, done::set);
        assertThat(dht.clock.runUntil(() -> done.get() != null, 60_000)).isTrue();
        return origin.searches().stream()
                .filter(s -> s.key().equals(key))
                .mapToInt(org.carillon.dht.SearchStatus::closestHops)
                .max()
                .orElseThrow();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
