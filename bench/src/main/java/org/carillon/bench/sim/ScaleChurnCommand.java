package org.carillon.bench.sim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.carillon.bench.RunOptions;
import org.carillon.bench.report.CsvFile;
import org.carillon.bench.report.LineChart;
import org.carillon.bench.report.Metric;
import org.carillon.bench.report.Metric.Better;
import org.carillon.bench.report.Percentiles;
import org.carillon.bench.report.Progress;
import org.carillon.bench.sim.SimWorkload.Kind;
import org.carillon.bench.sim.SimWorkload.Op;
import org.carillon.bench.sim.SimWorkload.Outcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Experiment 1: success, latency, messages and hops of puts, gets and listens in simulated networks under churn. */
@Command(
        name = "scale-churn",
        mixinStandardHelpOptions = true,
        description = {
            "Simulates networks of Carillon nodes in virtual time (log-normal link latency, loss, churn)",
            "and measures puts, gets of earlier puts, and listens: success, latency in round trips,",
            "datagrams per operation, lookup steps to the closest node, listen delivery delay."
        })
public final class ScaleChurnCommand implements Callable<Integer> {
    static final String NAME = "scale-churn";

    @Mixin
    RunOptions run;

    @Option(
            names = "--nodes",
            split = ",",
            paramLabel = "N",
            description = "Network sizes (default: ${DEFAULT-VALUE}; smoke: 50).")
    List<Integer> nodes = List.of(1_000, 10_000);

    @Option(
            names = "--churn",
            split = ",",
            paramLabel = "PERCENT",
            description =
                    "Churn rates, % of nodes leaving (and as many joining) per minute (default: ${DEFAULT-VALUE}).")
    List<Double> churn = List.of(0.0, 1.0, 10.0);

    @Option(
            names = "--ops",
            paramLabel = "N",
            description = "Operations per configuration (default: ${DEFAULT-VALUE}; smoke: 60).")
    int ops = 2_000;

    @Option(
            names = "--rate",
            paramLabel = "OPS/S",
            description = "Operations started per second of virtual time (default: ${DEFAULT-VALUE}).")
    double rate = 20;

    @Option(
            names = "--latency",
            paramLabel = "MS",
            description =
                    "Median one-way link latency; links draw theirs from a log-normal (default: ${DEFAULT-VALUE}).")
    double latency = 40;

    @Option(names = "--sigma", description = "Spread of the log-normal link latencies (default: ${DEFAULT-VALUE}).")
    double sigma = 0.6;

    @Option(names = "--loss", description = "Datagram loss probability (default: ${DEFAULT-VALUE}).")
    double loss = 0.01;

    @Option(
            names = "--settle",
            paramLabel = "SECONDS",
            description =
                    "Virtual time the grown network runs before churn and workload start (default: ${DEFAULT-VALUE}).")
    long settleSeconds = 120;

    @Option(
            names = "--saved-tables",
            description = "Nodes that left come back with their routing table instead of as new nodes.")
    boolean savedTables;

    @Override
    public Integer call() {
        List<Integer> sizes = run.smoke() ? List.of(50) : nodes;
        int opsPerConfig = run.smoke() ? 60 : ops;
        Path folder = run.folder(NAME);
        List<Outcome> outcomes = new ArrayList<>();
        try (CsvFile opsCsv = new CsvFile(
                        folder.resolve("ops.csv"),
                        "nodes",
                        "churn_per_min",
                        "kind",
                        "ok",
                        "latency_ms",
                        "latency_rtt",
                        "datagrams",
                        "hops");
                CsvFile summary = new CsvFile(
                        folder.resolve("summary.csv"),
                        "nodes",
                        "churn_per_min",
                        "kind",
                        "count",
                        "success",
                        "latency_p50_rtt",
                        "latency_p90_rtt",
                        "latency_p99_rtt",
                        "datagrams_per_op",
                        "hops_mean",
                        "aborted",
                        "steady_speedup",
                        "workload_speedup",
                        "heap_per_node_bytes");
                Progress progress = new Progress("scale-churn", (long) sizes.size() * churn.size() * opsPerConfig)) {
            for (int n : sizes) {
                for (double c : churn) {
                    SimWorkload.Settings settings = new SimWorkload.Settings(
                            n,
                            c,
                            savedTables,
                            opsPerConfig,
                            rate,
                            latency,
                            sigma,
                            loss,
                            settleSeconds * 1000,
                            run.seed());
                    Outcome o = new SimWorkload(settings).run(progress);
                    outcomes.add(o);
                    for (Op op : o.ops()) {
                        opsCsv.row(
                                n,
                                c,
                                op.kind().name().toLowerCase(Locale.ROOT),
                                op.ok(),
                                op.latencyMillis(),
                                op.latencyMillis() / o.rttMillis(),
                                op.messages(),
                                op.hops());
                    }
                    for (Kind k : Kind.values()) {
                        KindFigures f = KindFigures.of(o, k);
                        summary.row(
                                n,
                                c,
                                k.name().toLowerCase(Locale.ROOT),
                                f.count,
                                f.success,
                                f.latency.at(50),
                                f.latency.at(90),
                                f.latency.at(99),
                                f.messages,
                                f.hops,
                                o.aborted(),
                                o.steadySpeedup(),
                                o.workloadSpeedup(),
                                o.heapPerNode());
                    }
                }
            }
        }
        plot(folder, outcomes);
        run.report(NAME, command(), parameters(sizes, opsPerConfig), metrics(outcomes));
        return 0;
    }

    private String command() {
        return "bench/run scale-churn" + (savedTables ? " --saved-tables" : "");
    }

    private Map<String, Object> parameters(List<Integer> sizes, int opsPerConfig) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("nodes", sizes);
        p.put("churn_percent_per_minute", churn);
        p.put("ops_per_configuration", opsPerConfig);
        p.put("ops_per_second", rate);
        p.put("mix", "40% put, 40% get of an earlier put, 20% listen then put");
        p.put("link_latency", "log-normal, median " + latency + " ms one way, sigma " + sigma);
        p.put("loss", loss);
        p.put("settle_seconds", settleSeconds);
        p.put("rtt_unit_ms", 2 * latency);
        p.put("departed_nodes_return", savedTables ? "with their routing table" : "as new nodes");
        p.put("seed", run.seed());
        return p;
    }

    /** Per network size and churn rate: get success and latency, messages per get; plus speed and heap. */
    private static List<Metric> metrics(List<Outcome> outcomes) {
        List<Metric> m = new ArrayList<>();
        for (Outcome o : outcomes) {
            String at =
                    "_n" + o.settings().nodes() + "_churn" + trim(o.settings().churnPerMinute());
            KindFigures get = KindFigures.of(o, Kind.GET);
            KindFigures put = KindFigures.of(o, Kind.PUT);
            KindFigures listen = KindFigures.of(o, Kind.LISTEN);
            m.add(Metric.alone("get_success" + at, "%", Better.HIGHER, 100 * get.success));
            m.add(Metric.alone("put_success" + at, "%", Better.HIGHER, 100 * put.success));
            m.add(Metric.alone("listen_success" + at, "%", Better.HIGHER, 100 * listen.success));
            m.add(Metric.alone("get_latency_p50" + at, "RTT", Better.LOWER, get.latency.at(50)));
            m.add(Metric.alone("get_latency_p99" + at, "RTT", Better.LOWER, get.latency.at(99)));
            m.add(Metric.alone("get_datagrams" + at, "datagrams/op", Better.LOWER, get.messages));
            m.add(Metric.alone("get_hops_mean" + at, "hops", Better.LOWER, get.hops));
            m.add(Metric.alone("listen_delay_p50" + at, "RTT", Better.LOWER, listen.latency.at(50)));
        }
        for (Outcome o : outcomes) {
            if (o.settings().churnPerMinute() == 0) {
                String at = "_n" + o.settings().nodes();
                m.add(Metric.alone(
                        "virtual_time_speedup_steady" + at, "x real time", Better.HIGHER, o.steadySpeedup()));
                m.add(Metric.alone(
                        "virtual_time_speedup_workload" + at, "x real time", Better.HIGHER, o.workloadSpeedup()));
                m.add(Metric.alone("heap_per_node" + at, "KiB", Better.LOWER, o.heapPerNode() / 1024.0));
            }
        }
        return m;
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private void plot(Path folder, List<Outcome> outcomes) {
        for (int n : outcomes.stream().map(o -> o.settings().nodes()).distinct().toList()) {
            LineChart cdf = new LineChart(
                            "Get latency, " + n + " simulated nodes", "latency (round trips)", "fraction of gets")
                    .logX();
            for (Outcome o : outcomes) {
                if (o.settings().nodes() == n) {
                    double[] rtts = o.ops().stream()
                            .filter(op -> op.kind() == Kind.GET && op.ok())
                            .mapToDouble(op -> op.latencyMillis() / o.rttMillis())
                            .toArray();
                    cdf.cdf("churn " + trim(o.settings().churnPerMinute()) + " %/min", rtts);
                }
            }
            cdf.write(folder.resolve("get-latency-cdf-n" + n + ".png"));
        }
        LineChart success = new LineChart("Success under churn", "churn (% of nodes per minute)", "success (%)");
        for (int n : outcomes.stream().map(o -> o.settings().nodes()).distinct().toList()) {
            for (Kind k : Kind.values()) {
                List<Outcome> ofN =
                        outcomes.stream().filter(o -> o.settings().nodes() == n).toList();
                success.points(
                        k.name().toLowerCase(Locale.ROOT) + ", " + n + " nodes",
                        ofN.stream()
                                .mapToDouble(o -> o.settings().churnPerMinute())
                                .toArray(),
                        ofN.stream()
                                .mapToDouble(o -> 100 * KindFigures.of(o, k).success)
                                .toArray());
            }
        }
        success.write(folder.resolve("success-vs-churn.png"));
    }

    /** The figures of one kind of operation in one configuration. */
    private static final class KindFigures {
        int count;
        double success;
        Percentiles latency;
        double messages;
        double hops;

        static KindFigures of(Outcome o, Kind kind) {
            List<Op> ops = o.ops().stream().filter(op -> op.kind() == kind).toList();
            KindFigures f = new KindFigures();
            f.count = ops.size();
            f.success = ops.isEmpty() ? Double.NaN : ops.stream().filter(Op::ok).count() / (double) ops.size();
            f.latency = Percentiles.of(ops.stream()
                    .filter(Op::ok)
                    .map(op -> op.latencyMillis() / o.rttMillis())
                    .toList());
            f.messages = ops.stream().mapToLong(Op::messages).average().orElse(Double.NaN);
            f.hops = ops.stream()
                    .filter(op -> op.ok() && op.hops() > 0)
                    .mapToInt(Op::hops)
                    .average()
                    .orElse(Double.NaN);
            return f;
        }
    }
}
