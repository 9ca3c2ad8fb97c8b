package org.carillon.bench.throughput;

import java.util.List;
import java.util.Locale;
import org.carillon.bench.report.CsvFile;

/** The per-step rows: in {@code steps.csv} and as the table printed at the end of a run. */
final class StepCsv {
    static final String[] HEADER = {
        "side",
        "operation",
        "offered_per_s",
        "attempt",
        "sustained",
        "sent_per_s",
        "answered_per_s",
        "sent",
        "answered",
        "errors",
        "error_codes",
        "lost",
        "loss_fraction",
        "empty_get_replies",
        "latency_p50_ms",
        "latency_p99_ms",
        "latency_max_ms",
        "node_cpu_utilisation",
        "node_cpu_per_request_us",
        "node_gc_ms",
        "generator_cpu_utilisation",
        "generator_gc_ms",
        "generator_kept_up"
    };

    private StepCsv() {}

    static void row(CsvFile csv, StepResult r, int attempt, boolean sustained) {
        csv.row(
                r.side(),
                r.operation().label(),
                r.offeredPerSecond(),
                attempt,
                sustained,
                r.sentPerSecond(),
                r.answeredPerSecond(),
                r.sent(),
                r.answered(),
                r.errors(),
                r.errorCodesText(),
                r.lost(),
                r.lossFraction(),
                r.emptyGets(),
                r.latency50Ms(),
                r.latency99Ms(),
                r.latencyMaxMs(),
                r.nodeCpuUtilisation(),
                r.nodeCpuPerRequestMicros(),
                r.nodeGcMillis(),
                r.generatorCpuUtilisation(),
                r.generatorGcMillis(),
                r.generatorKeptUp());
    }

    static void print(List<StepResult> results) {
        System.out.printf(
                Locale.ROOT,
                "%n%-9s %-4s %8s %9s %9s %7s %7s %8s %8s %8s %6s %10s %7s%n",
                "side",
                "op",
                "offered",
                "sent/s",
                "answer/s",
                "errors",
                "loss",
                "p50 ms",
                "p99 ms",
                "max ms",
                "cpu",
                "cpu/req us",
                "gc ms");
        for (StepResult r : results) {
            System.out.printf(
                    Locale.ROOT,
                    "%-9s %-4s %8d %9.0f %9.0f %7d %6.2f%% %8.3f %8.3f %8.1f %5.0f%% %10.1f %7s%n",
                    r.side(),
                    r.operation().label(),
                    r.offeredPerSecond(),
                    r.sentPerSecond(),
                    r.answeredPerSecond(),
                    r.errors(),
                    r.lossFraction() * 100,
                    r.latency50Ms(),
                    r.latency99Ms(),
                    r.latencyMaxMs(),
                    r.nodeCpuUtilisation() * 100,
                    r.nodeCpuPerRequestMicros(),
                    Double.isNaN(r.nodeGcMillis()) ? "-" : String.format(Locale.ROOT, "%.0f", r.nodeGcMillis()));
        }
    }
}
