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

/** Values outliving the nodes that store them. */
class SearchChurnTest {
    @RegisterExtension
    static final SimulationSeed SEED = new SimulationSeed(8080);

    static final int NODES = 80;
    static final int ICE_CANDIDATES = 5; // lives one minute unless refreshed
    static final long KILL_INTERVAL = 30_000;
    /**
     * Long enough for any copy not refreshed to be gone: storage nodes drop a value when its
     * lifetime ends (2.4.12 also on a pass every 2 to 6 min, so wait that long as well).
     */
    static final long STALE_COPIES_GONE = 60_000 + 6 * 60_000 + 10_000;

    /**
     * Every node that stored a permanent value goes down, one every 30 s, so the last of them
     * is gone four lifetimes after the put: the value stays gettable because its announcer
     * puts it on the nodes that become closest and refreshes it there. Long after, when any
     * copy that was not refreshed would have been expired by the storage nodes, it is still
     * there.
     */
    @Test
    void aPermanentPutSurvivesTheDeathOfEveryNodeThatStoredIt() {
        SimulatedDht dht = new SimulatedDht(SEED.get(), 10, 100, 0.05).grow(NODES);
        InfoHash key = InfoHash.fromUserKey("permanent");
        NodeCore announcer = dht.closestTo(key).get(NODES - 1);
        AtomicReference<Boolean> put = new AtomicReference<>();
        long id = announcer.put(key, Value.of(0, ICE_CANDIDATES, bytes("still here")), true, put::set);
        Value expected = Value.of(id, ICE_CANDIDATES, bytes("still here"));
        assertThat(dht.clock.runUntil(() -> put.get() != null, 60_000)).isTrue();
        assertThat(put.get()).as("permanent put acknowledged").isTrue();

        List<Integer> holders = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            if (dht.nodes.get(i).storedValues().containsKey(key)) {
                holders.add(i);
            }
        }
        assertThat(holders).as("nodes that stored the value").hasSizeGreaterThanOrEqualTo(8);
        List<Integer> alive = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            if (!holders.contains(i) && dht.nodes.get(i) != announcer) {
                alive.add(i);
            }
        }
        for (int holder : holders) {
            dht.kill(holder);
            dht.clock.runFor(KILL_INTERVAL);
            NodeCore asker = dht.nodes.get(alive.get(dht.random.nextInt(alive.size())));
            assertThat(get(dht, asker, key))
                    .as("got after killing holder %d of %d", holders.indexOf(holder) + 1, holders.size())
                    .containsExactly(expected);
        }

        dht.clock.runFor(STALE_COPIES_GONE);
        for (int i = 0; i < 10; i++) {
            NodeCore asker = dht.nodes.get(alive.get(dht.random.nextInt(alive.size())));
            assertThat(get(dht, asker, key))
                    .as("got %d s after the last original holder died", STALE_COPIES_GONE / 1000)
                    .containsExactly(expected);
        }
        long copies = alive.stream()
                .filter(i -> dht.nodes.get(i).storedValues().containsKey(key))
                .count();
        assertThat(copies).as("live nodes storing the value").isGreaterThanOrEqualTo(4);
        System.out.printf(
                "permanent value survived %d holders killed over %d s; %d live copies %d s later%n",
                holders.size(), holders.size() * KILL_INTERVAL / 1000, copies, STALE_COPIES_GONE / 1000);
    }

    /** The values a get finds (failing the test if the get fails or hangs). */
    static List<Value> get(SimulatedDht dht, NodeCore asker, InfoHash key) {
        List<Value> found = new ArrayList<>();
        AtomicReference<Boolean> done = new AtomicReference<>();
        asker.get(key, Query.ALL, found::addAll, done::set);
        assertThat(dht.clock.runUntil(() -> done.get() != null, 60_000))
                .as("get finished")
                .isTrue();
        assertThat(done.get()).as("get succeeded").isTrue();
        return found;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
