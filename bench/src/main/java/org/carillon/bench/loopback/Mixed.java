package org.carillon.bench.loopback;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.carillon.bench.RunOptions;
import org.carillon.bench.report.CsvFile;
import org.carillon.bench.report.Metric;
import org.carillon.bench.report.Metric.Better;
import org.carillon.bench.report.Percentiles;
import org.carillon.bench.report.Progress;
import org.carillon.dht.interop.InteropPeers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Experiment 2b of issue 6: one network of dhtnodes and Carillon nodes on loopback, with a
 * python3-opendht driver and a Carillon driver reading and listening to each other's values.
 *
 * <p>Directions are named by who wrote and who read: {@code opendht->carillon} is a value put by
 * the OpenDHT driver and got (or heard) by the Carillon driver. Metrics compare the two
 * directions: "carillon" is the Carillon driver reading OpenDHT's values, "reference" the
 * OpenDHT driver reading Carillon's.
 */
@Command(
        name = "mixed",
        mixinStandardHelpOptions = true,
        description = "A half-dhtnode, half-Carillon network on loopback: each implementation's driver gets"
                + " and listens to the other's values (see docs/benchmarks.md).")
public final class Mixed implements Callable<Integer> {
    static final String NAME = "mixed";
    static final String O2C = "opendht->carillon";
    static final String C2O = "carillon->opendht";

    @Mixin
    RunOptions run;

    @Option(names = "--dhtnodes", paramLabel = "N", description = "dhtnode processes (default 12; smoke 2).")
    Integer dhtnodes;

    @Option(
            names = "--carillons",
            paramLabel = "N",
            description = "Carillon nodes, in one host JVM (default 13; smoke 2).")
    Integer carillons;

    @Option(
            names = "--values",
            paramLabel = "N",
            description = "Values each driver puts for the other to get (default 100; smoke 6).")
    Integer values;

    @Option(
            names = "--listens",
            paramLabel = "N",
            description = "Listens each driver makes on keys the other then puts (default 30; smoke 3).")
    Integer listens;

    @Option(
            names = "--concurrency",
            paramLabel = "N",
            description = "Operations in flight per driver (default: ${DEFAULT-VALUE}).")
    int concurrency = 8;

    @Option(
            names = "--settle",
            paramLabel = "SECONDS",
            description = "Wait after the network formed (default 10; smoke 1).")
    Integer settleSeconds;

    @Option(names = "--timeout-ms", paramLabel = "MS", description = "Operation time-out (default: ${DEFAULT-VALUE}).")
    int timeoutMs = 20_000;

    @Option(
            names = "--listen-lead-ms",
            paramLabel = "MS",
            description = "Delay between the listens and the puts they wait for (default: ${DEFAULT-VALUE}).")
    int listenLeadMs = 2000;

    @Option(
            names = "--host-jvm-options",
            paramLabel = "OPTS",
            description = "JVM options of the Carillon host (default: ${DEFAULT-VALUE}).")
    String hostJvmOptions = "-XX:+UseSerialGC -Xmx512m";

    /** One cross-implementation operation: phase (put, get, listen), direction, outcome. */
    record CrossResult(String phase, String direction, OpResult result) {}

    @Override
    public Integer call() throws Exception {
        LoopbackFiles.logsUnderBench();
        InteropPeers.requireDhtnode();
        InteropPeers.requirePythonOpendht();
        int d = dhtnodes != null ? dhtnodes : run.smoke() ? 2 : 12;
        int c = carillons != null ? carillons : run.smoke() ? 2 : 13;
        int v = values != null ? values : run.smoke() ? 6 : 100;
        int l = listens != null ? listens : run.smoke() ? 3 : 30;
        int settle = settleSeconds != null ? settleSeconds : run.smoke() ? 1 : 10;
        Duration formTimeout = Duration.ofSeconds(run.smoke() ? 15 : 120);
        WorkloadDriver.Settings settings = new WorkloadDriver.Settings(concurrency, timeoutMs, listenLeadMs);
        Path folder = run.folder(NAME);
        long runStart = System.nanoTime();
        Random random = new Random(run.seed());
        List<Operation> opendhtPuts = puts(random, v);
        List<Operation> carillonPuts = puts(random, v);
        List<Operation> opendhtListens = puts(random, l); // keys the OpenDHT driver listens to, Carillon puts
        List<Operation> carillonListens = puts(random, l);

        Map<String, Object> params = new LinkedHashMap<>();
        params.put("dhtnodes", d);
        params.put("carillon_nodes", c);
        params.put("values_per_direction", v);
        params.put("listens_per_direction", l);
        params.put("concurrency", concurrency);
        params.put("settle_s", settle);
        params.put("seed", run.seed());
        params.put(
                "layout",
                "dhtnodes: a star on D0; Carillon nodes (one host JVM) bootstrap from D0 and C0;"
                        + " OpenDHT driver (python3-opendht) joins through C0, Carillon driver (bench JVM) through D0");

        List<CrossResult> results = Collections.synchronizedList(new ArrayList<>());
        try (Closer closer = new Closer()) {
            System.err.println("[bench] starting " + d + " dhtnodes and " + c + " Carillon nodes");
            long t0 = System.nanoTime();
            DhtnodeNetwork net = closer.add(DhtnodeNetwork.start(d, 0));
            int d0 = net.ports().get(0);
            CarillonHost host =
                    closer.add(CarillonHost.start(List.of(hostJvmOptions.trim().split("\\s+"))));
            List<Integer> cPorts = new ArrayList<>();
            for (int i = 0; i < c; i++) {
                // C(i) joins through D(i mod d) (and C0), so every dhtnode hears of Carillon nodes
                cPorts.addAll(host.startNodes(1, List.of(net.ports().get(i % d))));
            }
            OpendhtDriver opendht = closer.add(OpendhtDriver.start(List.of(cPorts.get(0))));
            CarillonDriver carillon = closer.add(CarillonDriver.start(List.of(d0)));
            int needed = Formation.needed(d + c + 4);
            double form = Formation.await(
                    "mixed network",
                    t0,
                    () -> SideBySide.concat(
                            SideBySide.concat(net.knownNodes(), host.knownNodes()),
                            SideBySide.concat(opendht.knownNodes(), carillon.knownNodes())),
                    needed,
                    formTimeout);
            // warm-up: both drivers run a few puts and gets of their own (JIT, routing tables)
            List<Operation> warmupOps = Workload.generate(run.seed() + 1, run.smoke() ? 4 : 40, 2 * concurrency);
            SideBySide.warmUp(List.of(opendht, carillon), warmupOps, settings);
            Thread.sleep(settle * 1000L);

            int total = 2 * v + 2 * v + 2 * l;
            try (Progress progress = new Progress("mixed workload (" + total + " ops)", total)) {
                // 1. each driver puts its values
                runPhase(opendht, opendhtPuts, settings, "put", "opendht", results, progress);
                runPhase(carillon, carillonPuts, settings, "put", "carillon", results, progress);
                // 2. each reads the other's
                runPhase(carillon, asGets(opendhtPuts), settings, "get", O2C, results, progress);
                runPhase(opendht, asGets(carillonPuts), settings, "get", C2O, results, progress);
                // 3. each listens, then the other puts
                Map<String, Long> heardByOpendht = opendht.watch(opendhtListens);
                Map<String, Long> heardByCarillon = carillon.watch(carillonListens);
                Thread.sleep(listenLeadMs);
                List<OpResult> cPutsForO = new ArrayList<>();
                List<OpResult> oPutsForC = new ArrayList<>();
                carillon.run(opendhtListens, settings, cPutsForO::add);
                opendht.run(carillonListens, settings, oPutsForC::add);
                awaitDeliveries(heardByOpendht, opendhtListens.size(), heardByCarillon, carillonListens.size());
                opendht.stopWatching();
                carillon.stopWatching();
                deliveries(cPutsForO, heardByOpendht, C2O, results, progress);
                deliveries(oPutsForC, heardByCarillon, O2C, results, progress);
            }

            List<Metric> metrics = new ArrayList<>();
            metrics.add(Metric.compared(
                    "put_latency_p50",
                    "ms",
                    Better.LOWER,
                    p(results, "put", "carillon", 50),
                    p(results, "put", "opendht", 50)));
            metrics.add(Metric.compared(
                    "put_latency_p99",
                    "ms",
                    Better.LOWER,
                    p(results, "put", "carillon", 99),
                    p(results, "put", "opendht", 99)));
            metrics.add(Metric.compared(
                    "put_success_rate",
                    "%",
                    Better.HIGHER,
                    rate(results, "put", "carillon"),
                    rate(results, "put", "opendht")));
            metrics.add(Metric.compared(
                    "cross_get_latency_p50",
                    "ms",
                    Better.LOWER,
                    p(results, "get", O2C, 50),
                    p(results, "get", C2O, 50)));
            metrics.add(Metric.compared(
                    "cross_get_latency_p99",
                    "ms",
                    Better.LOWER,
                    p(results, "get", O2C, 99),
                    p(results, "get", C2O, 99)));
            metrics.add(Metric.compared(
                    "cross_get_success_rate",
                    "%",
                    Better.HIGHER,
                    rate(results, "get", O2C),
                    rate(results, "get", C2O)));
            metrics.add(Metric.compared(
                    "cross_listen_delivery_p50",
                    "ms",
                    Better.LOWER,
                    p(results, "listen", O2C, 50),
                    p(results, "listen", C2O, 50)));
            metrics.add(Metric.compared(
                    "cross_listen_delivery_p99",
                    "ms",
                    Better.LOWER,
                    p(results, "listen", O2C, 99),
                    p(results, "listen", C2O, 99)));
            metrics.add(Metric.compared(
                    "cross_listen_success_rate",
                    "%",
                    Better.HIGHER,
                    rate(results, "listen", O2C),
                    rate(results, "listen", C2O)));
            metrics.add(Metric.alone("form_time", "s", Better.LOWER, form));
            writeOps(folder.resolve("ops.csv"), results);
            LoopbackFiles.writeSummary(folder.resolve("summary.csv"), metrics);
            writeCdfs(folder, results);
            params.put("run_seconds", Math.round((System.nanoTime() - runStart) / 1e9));
            run.report(NAME, "bench/run " + NAME, params, metrics);
        }
        return 0;
    }

    private static List<Operation> puts(Random random, int count) {
        List<Operation> ops = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ops.add(new Operation(
                    i, OpKind.PUT, Workload.randomKey(random), Workload.bytes(random, Workload.VALUE_SIZE)));
        }
        return ops;
    }

    private static List<Operation> asGets(List<Operation> puts) {
        return puts.stream()
                .map(o -> new Operation(o.index(), OpKind.GET, o.key(), o.data()))
                .toList();
    }

    private static void runPhase(
            WorkloadDriver driver,
            List<Operation> ops,
            WorkloadDriver.Settings settings,
            String phase,
            String direction,
            List<CrossResult> results,
            Progress progress) {
        driver.run(ops, settings, r -> {
            results.add(new CrossResult(phase, direction, r));
            progress.step();
        });
    }

    private void awaitDeliveries(Map<String, Long> a, int aWanted, Map<String, Long> b, int bWanted)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (System.nanoTime() < deadline && (a.size() < aWanted || b.size() < bWanted)) {
            Thread.sleep(100);
        }
    }

    /** Listen results: ok when the put's data was delivered; latency from the start of the put. */
    private static void deliveries(
            List<OpResult> puts,
            Map<String, Long> heard,
            String direction,
            List<CrossResult> results,
            Progress progress) {
        for (OpResult put : puts) {
            Long at = heard.get(put.key());
            boolean ok = at != null && put.startNs() != 0;
            Double latency = ok ? (at - put.startNs()) / 1e6 : null;
            results.add(new CrossResult(
                    "listen",
                    direction,
                    new OpResult(put.index(), OpKind.LISTEN, put.key(), ok, latency, put.startNs())));
            progress.step();
        }
    }

    private static List<OpResult> select(List<CrossResult> results, String phase, String direction) {
        synchronized (results) {
            return results.stream()
                    .filter(r -> r.phase().equals(phase) && r.direction().equals(direction))
                    .map(CrossResult::result)
                    .toList();
        }
    }

    private static double p(List<CrossResult> results, String phase, String direction, double percent) {
        return Percentiles.of(select(results, phase, direction).stream()
                        .filter(r -> r.ok() && r.latencyMs() != null)
                        .map(OpResult::latencyMs)
                        .toList())
                .at(percent);
    }

    private static double rate(List<CrossResult> results, String phase, String direction) {
        List<OpResult> rs = select(results, phase, direction);
        return rs.isEmpty()
                ? Double.NaN
                : 100.0 * rs.stream().filter(OpResult::ok).count() / rs.size();
    }

    private static void writeOps(Path file, List<CrossResult> results) {
        try (CsvFile csv = new CsvFile(file, "phase", "direction", "index", "key", "latency_ms", "ok")) {
            synchronized (results) {
                for (CrossResult r : results) {
                    OpResult o = r.result();
                    csv.row(
                            r.phase(),
                            r.direction(),
                            o.index(),
                            o.key(),
                            o.latencyMs() == null ? "" : o.latencyMs(),
                            o.ok());
                }
            }
        }
    }

    private static void writeCdfs(Path folder, List<CrossResult> results) {
        Function<String, List<OpResult>> puts = w -> select(results, "put", w);
        Map<String, List<OpResult>> series = new LinkedHashMap<>();
        series.put("OpenDHT writer", puts.apply("opendht"));
        series.put("Carillon writer", puts.apply("carillon"));
        for (String direction : List.of(O2C, C2O)) {
            List<OpResult> both = new ArrayList<>(select(results, "get", direction));
            both.addAll(select(results, "listen", direction));
            series.put(direction, both);
        }
        LoopbackFiles.writeCdfs(
                folder,
                "Mixed network",
                series.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }
}
