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

    /** Both sides' figures; a side that was not measured (NaN) is recorded as null, not as a number. */
    public static Metric compared(String name, String unit, Better better, double carillon, double reference) {
        return new Metric(name, unit, better, measured(carillon), measured(reference));
    }

    /** A figure with no reference (simulation-only experiments); NaN is recorded as null. */
    public static Metric alone(String name, String unit, Better better, double carillon) {
        return new Metric(name, unit, better, measured(carillon), null);
    }

    private static Double measured(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** Carillon / reference, or null when there is no reference or it is zero. */
    public Double ratio() {
        if (carillon == null || reference == null || reference == 0) {
            return null;
        }
        return carillon / reference;
    }
}
