package org.carillon.bench.loopback;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** Waits for a network to form: every node knowing enough others. */
final class Formation {
    private Formation() {}

    /**
     * How many nodes each of {@code total} nodes must know before the workload starts: a third
     * of the others, at most 4. Not more: OpenDHT learns of nodes only from the traffic it sees,
     * so in a freshly started star most dhtnodes know two or three others for a while (Carillon
     * nodes joining through a dhtnode likewise); the warm-up workload and the settle period do
     * the rest.
     */
    static int needed(int total) {
        return Math.min(4, Math.max(1, (total - 1) / 3));
    }

    /**
     * Polls {@code known} (routing-table size of each node) every 500 ms until each is at least
     * {@code needed}; returns the seconds since {@code startNanos}, or NaN when the network had
     * not formed after {@code timeout} (the run goes on and says so).
     */
    static double await(String network, long startNanos, Supplier<List<Integer>> known, int needed, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Integer> last = List.of();
        while (System.nanoTime() < deadline) {
            last = known.get();
            if (last.stream().allMatch(k -> k >= needed)) {
                return (System.nanoTime() - startNanos) / 1e9;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        System.err.println("[bench] " + network + " not formed after " + timeout.toSeconds() + " s (wanted " + needed
                + " known nodes each, have " + last + "); going on");
        return Double.NaN;
    }
}
