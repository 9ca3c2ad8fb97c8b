package org.carillon.bench.report;

/**
 * One headline figure of an experiment, measured for Carillon and, where the experiment has
 * one, for the reference (OpenDHT) in the same run. {@code ratio} is Carillon / reference.
 */
public record Metric(String name, String unit, Better better, Double carillon, Double reference) {
    /** Which direction is an improvement, so a table can say whether a ratio is good. */
    public enum Better {
        LOWER,
        HIGHER
    }

    public static Metric compared(String name, String unit, Better better, double carillon, double reference) {
        return new Metric(name, unit, better, carillon, reference);
    }

    /** A figure with no reference (simulation-only experiments). */
    public static Metric alone(String name, String unit, Better better, double carillon) {
        return new Metric(name, unit, better, carillon, null);
    }

    /** Carillon / reference, or null when there is no reference or it is zero. */
    public Double ratio() {
        if (carillon == null || reference == null || reference == 0 || reference.isNaN() || carillon.isNaN()) {
            return null;
        }
        return carillon / reference;
    }
}
