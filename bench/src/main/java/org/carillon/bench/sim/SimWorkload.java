package org.carillon.bench.sim;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.carillon.bench.report.Progress;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;
import org.carillon.dht.SearchStatus;
import org.carillon.dht.Value;
import org.carillon.dht.engine.NodeCore;
import org.carillon.dht.sim.Churn;
import org.carillon.dht.sim.LatencyModel;
import org.carillon.dht.sim.SimulatedNetwork;
import org.carillon.dht.sim.Simulation;

/**
 * One configuration of the scale-and-churn experiment: grows a simulated network, starts churn,
 * and issues a Poisson stream of puts, gets of values put earlier, and listens (a listen on a
 * fresh key, then a put to it from another node), each from a random running node that has no
 * other operation in flight, so the datagrams to and from it while the operation runs are the
 * operation's messages.
 */
final class SimWorkload {
    /** An operation whose origin left the network before it finished is not counted. */
    enum Kind {
        PUT,
        GET,
        LISTEN
    }

    record Op(Kind kind, boolean ok, double latencyMillis, long messages, int hops) {}

    record Settings(
            int nodes,
            double churnPerMinute,
            boolean savedTables,
            int ops,
            double opsPerSecond,
            double medianLatency,
            double sigma,
            double loss,
            long settleMillis,
            long seed) {}

    /**
     * @param steadySpeedup virtual over wall time while the formed network ran without workload
     * @param workloadSpeedup the same while the workload ran
     */
    record Outcome(
            Settings settings,
            List<Op> ops,
            int aborted,
            double steadySpeedup,
            double workloadSpeedup,
            long heapPerNode,
            double rttMillis) {}

    private static final long OP_TIMEOUT = 120_000;
    private static final long LISTEN_LEAD = 3_000;

    private final Settings settings;
    private final Simulation sim;
    private final Map<InetSocketAddress, long[]> datagrams = new HashMap<>();
    private final Set<Integer> busy = new HashSet<>();
    private final List<Op> done = new ArrayList<>();
    /** Keys whose put succeeded, with the value put, for later gets. */
    private final List<InfoHash> storedKeys = new ArrayList<>();

    private final Map<InfoHash, Value> storedValues = new HashMap<>();
    private int aborted;
    private int finished;

    SimWorkload(Settings settings) {
        this.settings = settings;
        this.sim = new Simulation(settings.seed());
        sim.network()
                .latency(LatencyModel.logNormal(settings.medianLatency(), settings.sigma()))
                .jitter(Math.round(settings.medianLatency() / 10))
                .loss(settings.loss())
                .tap(this::count);
    }

    Outcome run(Progress progress) {
        Runtime rt = Runtime.getRuntime();
        long heapBefore = usedHeapAfterGc(rt);
        long spacing = Math.max(5, 200_000 / settings.nodes()); // the whole network joins within ~200 s
        sim.grow(settings.nodes(), spacing, 0);
        long settleStart = System.nanoTime();
        sim.clock().runFor(settings.settleMillis());
        double steadySpeedup = settings.settleMillis() / ((System.nanoTime() - settleStart) / 1e6);
        long heapPerNode = (usedHeapAfterGc(rt) - heapBefore) / settings.nodes();

        Churn churn = Churn.start(sim, settings.churnPerMinute() / 100.0, 60_000, settings.savedTables());
        sim.clock().runFor(60_000);

        long wallStart = System.nanoTime();
        long virtualStart = sim.clock().now();
        long gap = 0;
        for (int i = 0; i < settings.ops(); i++) {
            gap += Math.round(-Math.log(1 - sim.random().nextDouble()) * 1000 / settings.opsPerSecond());
            sim.clock().schedule(gap, this::startOne);
        }
        long lastFinished = 0;
        long deadline = gap + OP_TIMEOUT + LISTEN_LEAD + 60_000;
        while (finished + aborted < settings.ops() && sim.clock().now() - virtualStart < deadline) {
            sim.clock().runFor(1_000);
            progress.step(finished + aborted - lastFinished);
            lastFinished = finished + aborted;
        }
        double speedup = (sim.clock().now() - virtualStart) / ((System.nanoTime() - wallStart) / 1e6);
        churn.stop();
        return new Outcome(
                settings,
                List.copyOf(done),
                aborted,
                steadySpeedup,
                speedup,
                heapPerNode,
                2 * settings.medianLatency());
    }

    private void startOne() {
        int origin = idleNode();
        double r = sim.random().nextDouble();
        if (r < 0.4 || storedKeys.isEmpty()) {
            put(origin);
        } else if (r < 0.8) {
            get(origin);
        } else {
            listen(origin);
        }
    }

    private int idleNode() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int n = sim.randomLive();
            if (!busy.contains(n)) {
                return n;
            }
        }
        return sim.randomLive();
    }

    private void put(int origin) {
        InfoHash key = InfoHash.random(sim.random());
        Value value = Value.of(0, 0, ("v" + key).getBytes(StandardCharsets.UTF_8));
        Tracker t = new Tracker(Kind.PUT, origin);
        long id = sim.node(origin).put(key, value, false, ok -> {
            if (t.finish(ok, 0) && ok) {
                storedKeys.add(key);
            }
        });
        storedValues.put(key, Value.of(id, 0, value.data()));
    }

    private void get(int origin) {
        InfoHash key = storedKeys.get(sim.random().nextInt(storedKeys.size()));
        Value expected = storedValues.get(key);
        Tracker t = new Tracker(Kind.GET, origin);
        boolean[] found = new boolean[1];
        NodeCore node = sim.node(origin);
        node.get(
                key,
                Query.ALL,
                values -> found[0] |= values.stream().anyMatch(v -> v.id() == expected.id()),
                ok -> t.finish(found[0], hops(node, key)));
    }

    /** A listen on a fresh key, then a put to it from another node: the latency is the put-to-delivery delay. */
    private void listen(int origin) {
        InfoHash key = InfoHash.random(sim.random());
        Tracker t = new Tracker(Kind.LISTEN, origin);
        NodeCore node = sim.node(origin);
        long[] putAt = {-1};
        long[] token = {0};
        token[0] = node.listen(key, Query.ALL, (values, expired) -> {
            if (!expired && putAt[0] >= 0 && t.finishAt(true, 0, sim.clock().now() - putAt[0])) {
                sim.clock().schedule(0, () -> node.cancelListen(key, token[0]));
            }
        });
        sim.clock().schedule(LISTEN_LEAD, () -> {
            int putter = sim.randomLive();
            putAt[0] = sim.clock().now();
            sim.node(putter).put(key, Value.of(0, 0, new byte[] {1}), false, ok -> {});
        });
        sim.clock().schedule(LISTEN_LEAD + OP_TIMEOUT, () -> {
            if (t.finish(false, 0)) {
                node.cancelListen(key, token[0]);
            }
        });
    }

    private static int hops(NodeCore node, InfoHash key) {
        return node.searches().stream()
                .filter(s -> s.key().equals(key))
                .mapToInt(SearchStatus::closestHops)
                .max()
                .orElse(0);
    }

    private void count(InetSocketAddress from, InetSocketAddress to, byte[] datagram, SimulatedNetwork.Fate fate) {
        datagrams.computeIfAbsent(from, a -> new long[1])[0]++;
        if (fate == SimulatedNetwork.Fate.DELIVERED) {
            datagrams.computeIfAbsent(to, a -> new long[1])[0]++;
        }
    }

    private long datagramsOf(int node) {
        long[] c = datagrams.get(sim.address(node));
        return c == null ? 0 : c[0];
    }

    /** One operation in flight: its start, and the origin's datagram count then. */
    private final class Tracker {
        final Kind kind;
        final int origin;
        final long startedAt = sim.clock().now();
        final long datagramsAtStart;
        boolean over;

        Tracker(Kind kind, int origin) {
            this.kind = kind;
            this.origin = origin;
            this.datagramsAtStart = datagramsOf(origin);
            busy.add(origin);
        }

        boolean finish(boolean ok, int hops) {
            return finishAt(ok, hops, sim.clock().now() - startedAt);
        }

        boolean finishAt(boolean ok, int hops, long latency) {
            if (over) {
                return false;
            }
            over = true;
            busy.remove(origin);
            if (!sim.isRunning(origin)) {
                aborted++;
                return false;
            }
            done.add(new Op(kind, ok, latency, datagramsOf(origin) - datagramsAtStart, hops));
            finished++;
            return true;
        }
    }

    private static long usedHeapAfterGc(Runtime rt) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
