package org.carillon.bench.loopback;

import java.util.Arrays;
import java.util.List;

/** Nearest-rank percentiles of latencies (NaN when there are none). */
final class Percentiles {
    private Percentiles() {}

    static double of(List<Double> samples, double percent) {
        if (samples.isEmpty()) {
            return Double.NaN;
        }
        double[] s = samples.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(s);
        int rank = (int) Math.ceil(percent / 100.0 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }
}
