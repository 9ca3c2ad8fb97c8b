package org.carillon.dht.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.sim.SimulationSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A simulation is a function of its seed: a failure seen once can be replayed exactly. */
class SearchDeterminismTest {
    @RegisterExtension
    static final SimulationSeed SEED = new SimulationSeed(77);

    @Test
    void theSameSeedGivesTheSameSearchesAndTheSameTraffic() {
        List<String> first = run(SEED.get());
        assertThat(first).as("events of the workload").hasSizeGreaterThan(100);
        assertThat(run(SEED.get())).isEqualTo(first);
        assertThat(run(SEED.get() + 1)).as("another seed, another run").isNotEqualTo(first);
    }

    /** Puts, gets and a listen with loss; every callback with its virtual time, then every node's counters. */
    private static List<String> run(long seed) {
        SimulatedDht dht = new SimulatedDht(seed, 10, 100, 0.05).grow(40);
        List<String> trace = new ArrayList<>();
        InfoHash listened = InfoHash.fromUserKey("listened");
        dht.nodes
                .get(1)
                .listen(
                        listened,
                        Query.ALL,
                        (values, expired) ->
                                trace.add(dht.clock.now() + " heard " + ids(values) + (expired ? " expired" : "")));
        List<InfoHash> keys = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            InfoHash key = i == 0 ? listened : InfoHash.random(dht.random);
            keys.add(key);
            int putter = dht.random.nextInt(40);
            byte[] data = ("v" + i).getBytes(StandardCharsets.UTF_8);
            long id = dht.nodes
                    .get(putter)
                    .put(
                            key,
                            Value.of(0, i == 0 ? 5 : 0, data),
                            i == 1,
                            ok -> trace.add(dht.clock.now() + " put by " + putter + " " + ok));
            trace.add(dht.clock.now() + " put id " + Long.toHexString(id));
        }
        dht.clock.runFor(10_000);
        for (int n = 0; n < 40; n++) {
            int asker = n;
            for (InfoHash key : keys) {
                List<Value> found = new ArrayList<>();
                dht.nodes
                        .get(n)
                        .get(
                                key,
                                Query.ALL,
                                found::addAll,
                                ok -> trace.add(dht.clock.now() + " get by " + asker + " " + ok + " " + ids(found)));
            }
        }
        dht.clock.runFor(2 * 60_000);
        for (NodeCore n : dht.nodes) {
            trace.add(n.id() + " in " + n.metrics().packetsIn() + " out "
                    + n.metrics().packetsOut());
        }
        trace.add("delivered " + dht.net.delivered() + " lost " + dht.net.lost());
        return trace;
    }

    private static List<String> ids(List<Value> values) {
        return values.stream().map(v -> Long.toHexString(v.id())).sorted().toList();
    }
}
