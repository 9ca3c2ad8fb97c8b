package org.carillon.bench.report;

import java.util.Arrays;
import java.util.Collection;

/** Percentiles of a set of samples (nearest rank), NaN when there are none. */
public final class Percentiles {
    private final double[] sorted;

    public Percentiles(double[] samples) {
        this.sorted = samples.clone();
        Arrays.sort(sorted);
    }

    public static Percentiles of(Collection<? extends Number> samples) {
        return new Percentiles(samples.stream().mapToDouble(Number::doubleValue).toArray());
    }

    /** The {@code p}-th percentile, {@code p} in [0, 100]. */
    public double at(double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    public double mean() {
        return sorted.length == 0 ? Double.NaN : Arrays.stream(sorted).average().orElse(Double.NaN);
    }

    public int count() {
        return sorted.length;
    }

    public double[] values() {
        return sorted.clone();
    }
}
