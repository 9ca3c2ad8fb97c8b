package org.carillon.bench.throughput;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.carillon.bench.RunOptions;
import org.carillon.bench.report.CsvFile;
import org.carillon.bench.report.LineChart;
import org.carillon.bench.report.Metric;
import org.carillon.bench.report.Metric.Better;
import org.carillon.bench.report.Progress;
import org.carillon.dht.interop.InteropPeers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Experiment 3 of issue 6: how many requests a second one storage node answers, Carillon against
 * a real {@code dhtnode -U}, rate limits off on both. Each node runs in a process of its own and
 * receives the same seeded stream of gets (of keys holding a value) and puts (of new values, with
 * valid write tokens) from this JVM's open-loop load generator, at rising rates, until its p99
 * latency passes the limit or too many requests go unanswered.
 */
@Command(
        name = "storage-throughput",
        mixinStandardHelpOptions = true,
        description = {
            "Requests per second one storage node answers (gets and puts), Carillon vs dhtnode -U, "
                    + "both without rate limits, under the same open-loop load from the loopback.",
            "Each offered rate runs for --step-seconds on one node then the other; a side stops at the "
                    + "first rate where its p99 latency exceeds --p99-limit-ms or it answers less than "
                    + "--min-answered of the requests (measured --attempts times before it stops)."
        })
public final class StorageThroughput implements Callable<Integer> {
    static final String NAME = "storage-throughput";

    @Mixin
    RunOptions run;

    @Option(
            names = "--steps",
            split = ",",
            paramLabel = "RATE",
            description =
                    "Offered rates in requests per second, ascending (default: ${DEFAULT-VALUE}; smoke: 200,500).")
    List<Integer> steps = List.of(1000, 2000, 5000, 10000, 15000, 20000, 30000, 40000);

    @Option(
            names = "--step-seconds",
            paramLabel = "S",
            description = "Duration of each step (default: ${DEFAULT-VALUE}; smoke: 1).")
    double stepSeconds = 4;

    @Option(
            names = "--warmup-seconds",
            paramLabel = "S",
            description = "Unmeasured load per node and operation before the steps, at the third rate"
                    + " (default: ${DEFAULT-VALUE}; smoke: 0.5).")
    double warmupSeconds = 5;

    @Option(
            names = "--p99-limit-ms",
            paramLabel = "MS",
            description = "Highest p99 latency a sustained rate may have (default: ${DEFAULT-VALUE}; smoke: 1000).")
    double p99LimitMs = 10;

    @Option(
            names = "--min-answered",
            paramLabel = "FRACTION",
            description =
                    "Smallest fraction of requests a sustained rate must answer (default: ${DEFAULT-VALUE}; smoke: 0.5).")
    double minAnswered = 0.99;

    @Option(
            names = "--attempts",
            paramLabel = "N",
            description = "Times a rate is measured before a node that fails it stops (default: ${DEFAULT-VALUE});"
                    + " more attempts ride out a busy machine's stalls.")
    int attempts = 2;

    @Option(
            names = "--clients",
            paramLabel = "N",
            description =
                    "Client sockets of the load generator, each with its own loopback address (default: ${DEFAULT-VALUE}).")
    int clients = 8;

    @Option(
            names = "--get-keys",
            paramLabel = "N",
            description =
                    "Keys preloaded with one value each, which the gets ask for (default: ${DEFAULT-VALUE}; smoke: 64).")
    int getKeys = 1024;

    @Option(
            names = "--put-keys",
            paramLabel = "N",
            description = "Keys the puts spread their new values over (default: ${DEFAULT-VALUE}; smoke: 256).")
    int putKeys = 16384;

    @Option(
            names = "--value-size",
            paramLabel = "BYTES",
            description = "Bytes of data in each value (default: ${DEFAULT-VALUE}).")
    int valueSize = 64;

    @Option(
            names = "--carillon-jvm",
            split = " ",
            paramLabel = "OPTIONS",
            description = "JVM options of Carillon's node process (default: ${DEFAULT-VALUE}).")
    List<String> carillonJvm = List.of("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", "-XX:+UseShenandoahGC");

    private static final Duration DRAIN = Duration.ofSeconds(1);
    private static final Duration SETTLE = Duration.ofSeconds(3);

    @Override
    public Integer call() {
        if (run.smoke()) {
            steps = List.of(200, 500);
            stepSeconds = 1;
            warmupSeconds = 0.5;
            getKeys = 64;
            putKeys = 256;
            // a tiny run on a busy CI machine: every step must count, or the figures stay empty
            p99LimitMs = 1000;
            minAnswered = 0.5;
        }
        validate();
        if (InteropPeers.findDhtnode().isEmpty()) {
            System.err.println(
                    "storage-throughput needs OpenDHT's dhtnode 2.4.12 on the PATH (apt-get install dhtnode)");
            return 2;
        }
        Path folder = run.folder(NAME);
        Workload workload = new Workload(run.seed(), getKeys, putKeys, valueSize);
        List<StepResult> results = new ArrayList<>();
        Map<String, Double> stored = new LinkedHashMap<>();
        String carillonCommand;
        String opendhtCommand;
        List<String> clientAddresses;
        long started = System.nanoTime();
        int units = 2 + Operation.values().length * 2 * steps.size();
        try (Progress progress = new Progress(NAME, units);
                CsvFile csv = new CsvFile(folder.resolve("steps.csv"), StepCsv.HEADER);
                CarillonNode carillon = CarillonNode.start(carillonJvm);
                OpenDhtNode opendht = OpenDhtNode.start()) {
            carillonCommand = carillon.command();
            opendhtCommand = opendht.command();
            List<Side> sides = List.of(side(carillon, workload), side(opendht, workload));
            clientAddresses = sides.get(0).generator.clientAddresses();
            try {
                for (Side s : sides) {
                    s.generator.prepare();
                    progress.step();
                }
                for (Operation op : Operation.values()) {
                    int warmupRate = steps.get(Math.min(2, steps.size() - 1));
                    for (Side s : sides) {
                        s.generator.run(op, 10_000 + op.ordinal(), warmupRate, warmupSeconds);
                    }
                    measure(op, sides, results, csv, progress);
                }
                for (Side s : sides) {
                    stored.put(s.node.side(), s.generator.storedFraction());
                    if (s.generator.undecodable() > 0) {
                        System.err.println(s.node.side() + ": " + s.generator.undecodable() + " undecodable datagrams");
                    }
                }
            } finally {
                sides.forEach(s -> s.generator.close());
            }
        }
        double minutes = (System.nanoTime() - started) / 60e9;
        long behind = results.stream().filter(r -> !r.generatorKeptUp()).count();
        if (behind > 0) {
            System.err.println("warning: in " + behind + " step(s) the load generator sent below 95 % of the offered"
                    + " rate (machine busy); those steps count as not sustained");
        }

        charts(folder, results);
        StepCsv.print(results);
        System.out.printf(Locale.ROOT, "%nrun took %.1f min%n", minutes);
        run.report(
                NAME,
                "bench/run " + NAME,
                parameters(carillonCommand, opendhtCommand, clientAddresses, results),
                metrics(results, stored));
        return 0;
    }

    private record Side(NodeUnderTest node, LoadGenerator generator) {}

    private Side side(NodeUnderTest node, Workload workload) {
        return new Side(node, new LoadGenerator(node, workload, clients, DRAIN));
    }

    /** All steps of one operation, the two nodes alternating which goes first. */
    private void measure(Operation op, List<Side> sides, List<StepResult> results, CsvFile csv, Progress progress) {
        List<Side> active = new ArrayList<>(sides);
        for (int index = 0; index < steps.size(); index++) {
            int rate = steps.get(index);
            List<Side> order = new ArrayList<>(active);
            if (index % 2 == 1) {
                java.util.Collections.reverse(order);
            }
            for (Side s : order) {
                boolean sustained = false;
                for (int attempt = 1; attempt <= attempts && !sustained; attempt++) {
                    sides.forEach(other -> other.generator.settle(SETTLE));
                    StepResult r = s.generator.run(op, index, rate, stepSeconds);
                    sustained = r.sustained(p99LimitMs, minAnswered);
                    results.add(r);
                    StepCsv.row(csv, r, attempt, sustained);
                }
                progress.step();
                if (!sustained) {
                    active.remove(s);
                    progress.step(steps.size() - index - 1L);
                }
            }
            if (active.isEmpty()) {
                break;
            }
        }
    }

    private void validate() {
        if (steps.isEmpty() || steps.stream().anyMatch(r -> r < 1)) {
            throw new IllegalArgumentException("--steps needs positive rates");
        }
        for (int i = 1; i < steps.size(); i++) {
            if (steps.get(i) <= steps.get(i - 1)) {
                throw new IllegalArgumentException("--steps must be ascending: " + steps);
            }
        }
        if (stepSeconds <= 0 || warmupSeconds <= 0 || clients < 1 || clients > 200 || attempts < 1) {
            throw new IllegalArgumentException(
                    "--step-seconds and --warmup-seconds must be > 0, --clients 1..200, --attempts >= 1");
        }
    }

    /** The highest offered rate the side sustained for {@code op}, 0 if none. */
    static int maxSustained(
            List<StepResult> results, String side, Operation op, double p99LimitMs, double minAnswered) {
        return results.stream()
                .filter(r -> r.side().equals(side) && r.operation() == op && r.sustained(p99LimitMs, minAnswered))
                .mapToInt(StepResult::offeredPerSecond)
                .max()
                .orElse(0);
    }

    /** The sustained measurement of {@code side} at {@code rate} (the last attempt that passed). */
    private Optional<StepResult> at(List<StepResult> results, String side, Operation op, int rate) {
        StepResult found = null;
        for (StepResult r : results) {
            if (r.side().equals(side)
                    && r.operation() == op
                    && r.offeredPerSecond() == rate
                    && r.sustained(p99LimitMs, minAnswered)) {
                found = r;
            }
        }
        return Optional.ofNullable(found);
    }

    private List<Metric> metrics(List<StepResult> results, Map<String, Double> stored) {
        List<Metric> metrics = new ArrayList<>();
        for (Operation op : Operation.values()) {
            int c = maxSustained(results, "Carillon", op, p99LimitMs, minAnswered);
            int o = maxSustained(results, "OpenDHT", op, p99LimitMs, minAnswered);
            metrics.add(Metric.compared(op.label() + "_rate_sustained_max", "req/s", Better.HIGHER, c, o));
        }
        for (Operation op : Operation.values()) {
            int common = Math.min(
                    maxSustained(results, "Carillon", op, p99LimitMs, minAnswered),
                    maxSustained(results, "OpenDHT", op, p99LimitMs, minAnswered));
            Optional<StepResult> c = at(results, "Carillon", op, common);
            Optional<StepResult> o = at(results, "OpenDHT", op, common);
            metrics.add(Metric.compared(
                    op.label() + "_latency_p99_at_common_rate",
                    "ms",
                    Better.LOWER,
                    c.map(StepResult::latency99Ms).orElse(Double.NaN),
                    o.map(StepResult::latency99Ms).orElse(Double.NaN)));
            metrics.add(Metric.compared(
                    op.label() + "_node_cpu_per_request",
                    "us",
                    Better.LOWER,
                    c.map(StepResult::nodeCpuPerRequestMicros).orElse(Double.NaN),
                    o.map(StepResult::nodeCpuPerRequestMicros).orElse(Double.NaN)));
        }
        metrics.add(Metric.compared(
                "put_stored_fraction",
                "fraction",
                Better.HIGHER,
                stored.getOrDefault("Carillon", Double.NaN),
                stored.getOrDefault("OpenDHT", Double.NaN)));
        return metrics;
    }

    private Map<String, Object> parameters(
            String carillonCommand, String opendhtCommand, List<String> clientAddresses, List<StepResult> results) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("steps_per_s", steps);
        p.put("step_seconds", stepSeconds);
        p.put("warmup_seconds", warmupSeconds);
        p.put("p99_limit_ms", p99LimitMs);
        p.put("min_answered", minAnswered);
        p.put("attempts", attempts);
        p.put("clients", clients);
        // the client sockets of the Carillon side; the OpenDHT side's are on the same addresses
        p.put("client_addresses", clientAddresses);
        p.put("get_keys", getKeys);
        p.put("put_keys", putKeys);
        p.put("value_size", valueSize);
        p.put("carillon_node", carillonCommand);
        p.put("opendht_node", opendhtCommand);
        p.put(
                "opendht_version",
                InteropPeers.dhtnodeVersion().lines().findFirst().orElse(""));
        int top = steps.get(steps.size() - 1);
        for (Operation op : Operation.values()) {
            for (String side : List.of("Carillon", "OpenDHT")) {
                // a side that sustained the top rate was not pushed to its limit
                p.put(
                        op.label() + "_limit_reached_" + side.toLowerCase(Locale.ROOT),
                        maxSustained(results, side, op, p99LimitMs, minAnswered) < top);
            }
        }
        return p;
    }

    private void charts(Path folder, List<StepResult> results) {
        double clip = p99LimitMs * 5;
        LineChart latency = new LineChart(
                        "Storage node: p99 latency vs offered rate",
                        "offered rate (requests/s)",
                        "p99 latency (ms, clipped at " + label(clip) + ")")
                .logX();
        LineChart answered = new LineChart(
                        "Storage node: answered vs offered rate", "offered rate (requests/s)", "answered (requests/s)")
                .logX();
        for (Operation op : Operation.values()) {
            for (String side : List.of("Carillon", "OpenDHT")) {
                List<StepResult> rs = lastAttempts(results, side, op);
                if (rs.isEmpty()) {
                    continue;
                }
                double[] xs =
                        rs.stream().mapToDouble(StepResult::offeredPerSecond).toArray();
                latency.points(
                        side + " " + op.label(),
                        xs,
                        rs.stream()
                                .mapToDouble(
                                        r -> Double.isNaN(r.latency99Ms()) ? clip : Math.min(clip, r.latency99Ms()))
                                .toArray());
                answered.points(
                        side + " " + op.label(),
                        xs,
                        rs.stream().mapToDouble(StepResult::answeredPerSecond).toArray());
            }
        }
        double lo = steps.get(0);
        double hi = steps.get(steps.size() - 1);
        latency.line("p99 limit", new double[] {lo, hi}, new double[] {p99LimitMs, p99LimitMs});
        answered.line("answered = offered", new double[] {lo, hi}, new double[] {lo, hi});
        latency.write(folder.resolve("p99-latency.png"));
        answered.write(folder.resolve("answered-rate.png"));
    }

    /** One point per rate: the attempt that decided (the last one measured). */
    private static List<StepResult> lastAttempts(List<StepResult> results, String side, Operation op) {
        Map<Integer, StepResult> byRate = new LinkedHashMap<>();
        for (StepResult r : results) {
            if (r.side().equals(side) && r.operation() == op) {
                byRate.put(r.offeredPerSecond(), r);
            }
        }
        return new ArrayList<>(byRate.values());
    }

    private static String label(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
