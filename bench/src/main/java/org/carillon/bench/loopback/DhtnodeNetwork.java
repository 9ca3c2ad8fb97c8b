package org.carillon.bench.loopback;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.carillon.dht.interop.DhtnodeConsole.NodeStats;
import org.carillon.dht.interop.DhtnodeProcess;

/**
 * Real dhtnode 2.4.12 processes on loopback, without {@code -v} (logging would cost them CPU):
 * the first bootstraps nowhere, each other from the first (a star), or from {@code bootstrap}
 * when given. Stopped by PID.
 */
final class DhtnodeNetwork implements AutoCloseable {
    private final List<DhtnodeProcess> nodes = Collections.synchronizedList(new ArrayList<>());

    /** Starts {@code count} dhtnodes; the first bootstraps from {@code bootstrapPort} if not 0. */
    static DhtnodeNetwork start(int count, int bootstrapPort) {
        DhtnodeNetwork net = new DhtnodeNetwork();
        try {
            DhtnodeProcess.Options first =
                    DhtnodeProcess.options().name("bench-D0").verbose(false);
            if (bootstrapPort != 0) {
                first.bootstrap(org.carillon.dht.interop.Loopback.ipv4(bootstrapPort));
            }
            DhtnodeProcess d0 = DhtnodeProcess.start(first);
            net.nodes.add(d0);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<DhtnodeProcess>> started = new ArrayList<>();
                for (int i = 1; i < count; i++) {
                    DhtnodeProcess.Options o = DhtnodeProcess.options()
                            .name("bench-D" + i)
                            .verbose(false)
                            .bootstrap(d0);
                    started.add(pool.submit(() -> DhtnodeProcess.start(o)));
                }
                for (Future<DhtnodeProcess> f : started) {
                    net.nodes.add(f.get(60, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
            return net;
        } catch (Exception | Error e) {
            net.close();
            throw new IllegalStateException("dhtnodes did not start: " + e.getMessage(), e);
        }
    }

    List<DhtnodeProcess> nodes() {
        return List.copyOf(nodes);
    }

    List<Integer> ports() {
        return nodes().stream().map(DhtnodeProcess::port).toList();
    }

    List<Long> pids() {
        return nodes().stream().map(DhtnodeProcess::pid).toList();
    }

    /** Good + dubious IPv4 nodes known by each dhtnode (console {@code ll}). */
    List<Integer> knownNodes() {
        List<Integer> known = new ArrayList<>();
        for (DhtnodeProcess d : nodes()) {
            NodeStats s = d.nodeStats();
            known.add(s.goodIpv4() + s.dubiousIpv4());
        }
        return known;
    }

    /** Stops every dhtnode, a few at a time (one may need its full grace period and a SIGKILL). */
    @Override
    public void close() {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (DhtnodeProcess d : nodes()) {
                done.add(pool.submit(d::close));
            }
            for (Future<?> f : done) {
                try {
                    f.get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    System.err.println("[bench] a dhtnode did not stop: " + e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
