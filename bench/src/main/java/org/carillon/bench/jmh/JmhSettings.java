package org.carillon.bench.jmh;

import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Forks, iterations and iteration length of a JMH run; the same settings time the reference, so
 * both sides are measured for as long.
 */
public record JmhSettings(int forks, int warmupIterations, int measurementIterations, TimeValue iterationTime) {
    public JmhSettings {
        if (forks < 0 || warmupIterations < 0 || measurementIterations < 1) {
            throw new IllegalArgumentException("forks and warmup must be >= 0 and iterations >= 1: " + forks + ", "
                    + warmupIterations + ", " + measurementIterations);
        }
    }

    /** Iterations JMH runs per benchmark, warmup included, over all forks (for the progress bar). */
    public int iterationsPerBenchmark() {
        return Math.max(1, forks) * (warmupIterations + measurementIterations);
    }

    public long iterationNanos() {
        return iterationTime.convertTo(java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** As recorded in latest.json's parameters. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("forks", forks);
        m.put("warmup_iterations", warmupIterations);
        m.put("measurement_iterations", measurementIterations);
        m.put("iteration_ms", iterationNanos() / 1_000_000);
        return m;
    }
}
