package org.carillon.bench.report;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** The short table an experiment prints at its end: each metric, both sides and the ratio. */
public final class RatioTable {
    private RatioTable() {}

    public static void print(PrintStream out, String title, List<Metric> metrics) {
        print(out, title, "OpenDHT", metrics);
    }

    /** With the reference column named {@code reference} (jamid for the messages experiment). */
    public static void print(PrintStream out, String title, String reference, List<Metric> metrics) {
        int width = Math.max(
                6,
                metrics.stream()
                        .mapToInt(m -> m.name().length() + m.unit().length() + 3)
                        .max()
                        .orElse(6));
        out.println();
        out.println(title);
        out.printf(Locale.ROOT, "  %-" + width + "s %12s %12s %8s%n", "metric", "Carillon", reference, "ratio");
        for (Metric m : metrics) {
            Double ratio = m.ratio();
            String verdict = ratio == null ? "" : better(m, ratio) ? "  better" : ratio == 1.0 ? "  equal" : "  worse";
            out.printf(
                    Locale.ROOT,
                    "  %-" + width + "s %12s %12s %8s%s%n",
                    m.name() + " (" + m.unit() + ")",
                    number(m.carillon()),
                    number(m.reference()),
                    ratio == null ? "-" : String.format(Locale.ROOT, "%.2f", ratio),
                    verdict);
        }
    }

    private static boolean better(Metric m, double ratio) {
        return m.better() == Metric.Better.LOWER ? ratio < 1.0 : ratio > 1.0;
    }

    static String number(Double v) {
        if (v == null) {
            return "-";
        }
        double a = Math.abs(v);
        if (a != 0 && (a >= 1e6 || a < 1e-3)) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.3f", v);
    }
}
