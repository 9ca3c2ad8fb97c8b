package org.carillon.dht.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.sim.SimulationSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Puts and gets across a network of a few hundred nodes with latency and loss, in virtual time. */
class SearchAtScaleTest {
    @RegisterExtension
    static final SimulationSeed SEED = new SimulationSeed(2026);

    static final int NODES = 200;
    static final int PUTS = 15;

    @Test
    void everyPutIsRetrievableByEveryOtherNodeDespiteLatencyAndLoss() {
        long wallStart = System.nanoTime();
        long cpuStart = cpuNanos();
        SimulatedDht dht = new SimulatedDht(SEED.get(), 10, 100, 0.05).grow(NODES);
        long grown = System.nanoTime();

        List<InfoHash> keys = new ArrayList<>();
        List<Value> values = new ArrayList<>();
        List<Integer> putters = new ArrayList<>();
        AtomicInteger acked = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        for (int i = 0; i < PUTS; i++) {
            InfoHash key = InfoHash.random(dht.random);
            int putter = dht.random.nextInt(NODES);
            byte[] data = ("value " + i).getBytes(StandardCharsets.UTF_8);
            long id = dht.nodes.get(putter).put(key, Value.of(0, 0, data), false, ok -> {
                if (ok) {
                    acked.incrementAndGet();
                } else {
                    refused.incrementAndGet();
                }
            });
            keys.add(key);
            values.add(Value.of(id, 0, data));
            putters.add(putter);
        }
        assertThat(dht.clock.runUntil(() -> acked.get() + refused.get() == PUTS, 60_000))
                .as("every put finished")
                .isTrue();
        assertThat(refused).as("puts that failed").hasValue(0);

        // One key at a time, every other node gets it at once.
        long virtualStart = dht.clock.now();
        long delivered = dht.net.delivered();
        List<String> misses = new ArrayList<>();
        int gets = 0;
        for (int k = 0; k < PUTS; k++) {
            InfoHash key = keys.get(k);
            Value expected = values.get(k);
            AtomicInteger done = new AtomicInteger();
            int asked = 0;
            for (int i = 0; i < NODES; i++) {
                if (i == putters.get(k)) {
                    continue;
                }
                asked++;
                int node = i;
                List<Value> found = new ArrayList<>();
                dht.nodes.get(i).get(key, Query.ALL, found::addAll, ok -> {
                    done.incrementAndGet();
                    if (!ok || !found.equals(List.of(expected))) {
                        misses.add("node " + node + " key " + key + ": ok=" + ok + " found " + found);
                    }
                });
            }
            int wave = asked;
            assertThat(dht.clock.runUntil(() -> done.get() == wave, 60_000))
                    .as("every get of key %d finished", k)
                    .isTrue();
            gets += asked;
        }
        assertThat(misses).as("gets that did not find exactly the value put").isEmpty();

        long wallEnd = System.nanoTime();
        System.out.printf(
                "%d nodes, 5 %% loss: %.1f s wall (%.1f s CPU) in all; grown in %.1f s wall; %d gets of %d values"
                        + " in %.1f s virtual, %.1f s wall, %d datagrams (%.0f per get)%n",
                NODES,
                (wallEnd - wallStart) / 1e9,
                (cpuNanos() - cpuStart) / 1e9,
                (grown - wallStart) / 1e9,
                gets,
                PUTS,
                (dht.clock.now() - virtualStart) / 1e3,
                (wallEnd - grown) / 1e9,
                dht.net.delivered() - delivered,
                (double) (dht.net.delivered() - delivered) / gets);
    }

    private static long cpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
}
