package org.carillon.bench.loopback;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** Waits for a network to form: every node knowing enough others. */
final class Formation {
    private Formation() {}

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
