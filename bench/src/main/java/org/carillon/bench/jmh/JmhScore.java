package org.carillon.bench.jmh;

import java.util.Map;

/**
 * One benchmark's result: method name, its {@code @Param} values, JMH's score with its 99.9 %
 * confidence half-interval (NaN with a single iteration), and the unit ({@code ns/op} or {@code
 * ops/s}).
 */
public record JmhScore(String method, Map<String, String> params, double score, double error, String unit) {
    public JmhScore {
        params = Map.copyOf(params);
    }

    /** Nanoseconds per operation, whichever mode measured it. */
    public double nanosPerOp() {
        switch (unit) {
            case "ns/op":
                return score;
            case "ops/s":
                return 1e9 / score;
            default:
                throw new IllegalStateException("unit " + unit + " is neither ns/op nor ops/s");
        }
    }

    /** Operations per second, whichever mode measured it. */
    public double opsPerSecond() {
        return 1e9 / nanosPerOp();
    }
}
