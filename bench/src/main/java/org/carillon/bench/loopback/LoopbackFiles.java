package org.carillon.bench.loopback;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.carillon.bench.report.CsvFile;
import org.carillon.bench.report.LineChart;
import org.carillon.bench.report.Metric;

/** The files the loopback experiments write, and where their peers' logs go. */
final class LoopbackFiles {
    private LoopbackFiles() {}

    /**
     * Peer logs go to {@code <basedir>/target/interop}; Maven sets {@code basedir} in tests, and
     * {@code bench/run} (started at the repository's root) gets {@code bench/target/interop}.
     */
    static void logsUnderBench() {
        if (System.getProperty("basedir") == null) {
            System.setProperty("basedir", "bench");
        }
    }

    static void writeSummary(Path file, List<Metric> metrics) {
        try (CsvFile csv = new CsvFile(file, "metric", "unit", "carillon", "opendht", "ratio")) {
            for (Metric m : metrics) {
                csv.row(m.name(), m.unit(), blank(m.carillon()), blank(m.reference()), blank(m.ratio()));
            }
        }
    }

    private static Object blank(Double v) {
        return v == null ? "" : v;
    }

    /**
     * One PNG per operation kind: the latency CDF of each series (log x), named {@code
     * latency-cdf-KIND.png}. Kinds with no successful operation in any series are left out.
     */
    static void writeCdfs(Path folder, String title, Map<String, List<OpResult>> series) {
        for (OpKind kind : OpKind.values()) {
            LineChart chart = new LineChart(
                            title + ": " + label(kind) + " latency CDF",
                            label(kind) + " latency (ms)",
                            "fraction of operations")
                    .logX();
            boolean any = false;
            for (Map.Entry<String, List<OpResult>> e : new TreeMap<>(series).entrySet()) {
                double[] samples = SideBySide.latencies(e.getValue(), kind).stream()
                        .mapToDouble(d -> Math.max(d, 0.01))
                        .toArray();
                if (samples.length > 0) {
                    chart.cdf(e.getKey(), samples);
                    any = true;
                }
            }
            if (any) {
                chart.write(folder.resolve("latency-cdf-" + kind.word + ".png"));
            }
        }
    }

    static String label(OpKind kind) {
        return switch (kind) {
            case PUT -> "put";
            case GET -> "get";
            case MISS -> "get (never-put key)";
            case LISTEN -> "listen delivery";
        };
    }

    /** The pcap files are only counted; they are not kept. */
    static void deletePcaps(Path folder, String side) {
        for (String name : List.of(side + "-idle.pcap", side + "-workload.pcap")) {
            try {
                Files.deleteIfExists(folder.resolve(name));
            } catch (IOException e) {
                // a leftover capture is harmless
            }
        }
    }
}
