package org.carillon.bench.loopback;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
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
 * Experiment 2 of issue 6: the same number of real dhtnode processes and of Carillon nodes, each
 * network on its own loopback ports, and the same seeded workload run on each, one network
 * after the other, through a driver of the network's own implementation.
 */
@Command(
        name = "side-by-side",
        mixinStandardHelpOptions = true,
        description = "N dhtnodes vs N Carillon nodes on loopback (real UDP): one seeded workload on each;"
                + " latency, success, packets, CPU and memory per node (see docs/benchmarks.md).")
public final class SideBySide implements Callable<Integer> {
    static final String NAME = "side-by-side";
    static final String OPENDHT = "opendht";
    static final String CARILLON = "carillon";

    @Mixin
    RunOptions run;

    @Option(names = "--nodes", paramLabel = "N", description = "Nodes per network (default 25; smoke 3).")
    Integer nodes;

    @Option(names = "--ops", paramLabel = "N", description = "Operations per network (default 1200; smoke 20).")
    Integer ops;

    @Option(
            names = "--concurrency",
            paramLabel = "N",
            description = "Operations in flight (default: ${DEFAULT-VALUE}).")
    int concurrency = 8;

    @Option(
            names = "--warmup",
            paramLabel = "N",
            description =
                    "Operations run on each network before the measured ones, not counted: the JIT of the JVMs, routing tables filled (default 2000; smoke 4).")
    Integer warmup;

    @Option(
            names = "--settle",
            paramLabel = "SECONDS",
            description = "Wait after both networks formed (default 10; smoke 1).")
    Integer settleSeconds;

    @Option(
            names = "--idle",
            paramLabel = "SECONDS",
            description = "Idle window before each workload, for the background packet rate (default 5; smoke 1).")
    Integer idleSeconds;

    @Option(
            names = "--timeout-ms",
            paramLabel = "MS",
            description = "An operation not finished after this counts as failed (default: ${DEFAULT-VALUE}).")
    int timeoutMs = 20_000;

    @Option(
            names = "--listen-lead-ms",
            paramLabel = "MS",
            description = "Delay between a listen and the put it waits for (default: ${DEFAULT-VALUE}).")
    int listenLeadMs = 1000;

    @Option(
            names = "--host-jvm-options",
            paramLabel = "OPTS",
            description = "JVM options of the process hosting the Carillon nodes (default: ${DEFAULT-VALUE}).")
    String hostJvmOptions = "-XX:+UseSerialGC -Xmx512m";

    /** What a workload window measured on one network. */
    record Window(
            List<OpResult> results,
            double seconds,
            long packets,
            double idlePacketsPerSecond,
            double nodeCpuSeconds,
            double driverCpuSeconds,
            String packetCounter) {}

    @Override
    public Integer call() throws Exception {
        LoopbackFiles.logsUnderBench();
        InteropPeers.requireDhtnode();
        InteropPeers.requirePythonOpendht();
        int n = nodes != null ? nodes : run.smoke() ? 3 : 25;
        int count = ops != null ? ops : run.smoke() ? 20 : 1200;
        int settle = settleSeconds != null ? settleSeconds : run.smoke() ? 1 : 10;
        int warm = warmup != null ? warmup : run.smoke() ? 4 : 2000;
        int idle = idleSeconds != null ? idleSeconds : run.smoke() ? 1 : 5;
        Duration formTimeout = Duration.ofSeconds(run.smoke() ? 15 : 120);
        WorkloadDriver.Settings settings = new WorkloadDriver.Settings(concurrency, timeoutMs, listenLeadMs);
        List<Operation> workload = Workload.generate(run.seed(), count, 2 * concurrency);
        Path folder = run.folder(NAME);
        int needed = Formation.needed(n + 2);
        long runStart = System.nanoTime();

        Map<String, Object> params = new LinkedHashMap<>();
        params.put("nodes", n);
        params.put("ops", count);
        params.put("concurrency", concurrency);
        params.put("warmup_ops", warm);
        params.put("settle_s", settle);
        params.put("listen_lead_ms", listenLeadMs);
        params.put("timeout_ms", timeoutMs);
        params.put("seed", run.seed());
        params.put("host_jvm_options", hostJvmOptions);
        params.put(
                "layout",
                "dhtnodes: one process each; Carillon nodes: all in one host JVM; OpenDHT driver:"
                        + " python3-opendht (2 DhtRunners) in its own process; Carillon driver: 2 DhtRunners in the bench JVM;"
                        + " workloads run one network after the other");

        try (CarillonHost host =
                        CarillonHost.start(List.of(hostJvmOptions.trim().split("\\s+")));
                Closer closer = new Closer()) {
            Thread.sleep(1000);
            long heap0 = host.heapAfterGc();
            long rss0 = ProcStat.rssBytes(host.pid());

            System.err.println("[bench] starting " + n + " dhtnodes");
            long t0 = System.nanoTime();
            DhtnodeNetwork dhtnodes = closer.add(DhtnodeNetwork.start(n, 0));
            OpendhtDriver opendht =
                    closer.add(OpendhtDriver.start(List.of(dhtnodes.ports().get(0))));
            double formOpendht = Formation.await(
                    "OpenDHT network",
                    t0,
                    () -> concat(dhtnodes.knownNodes(), opendht.knownNodes()),
                    needed,
                    formTimeout);

            System.err.println("[bench] starting " + n + " Carillon nodes");
            t0 = System.nanoTime();
            List<Integer> carillonPorts = host.startNodes(n, List.of());
            CarillonDriver carillon = closer.add(CarillonDriver.start(List.of(carillonPorts.get(0))));
            double formCarillon = Formation.await(
                    "Carillon network",
                    t0,
                    () -> concat(host.knownNodes(), carillon.knownNodes()),
                    needed,
                    formTimeout);
            // the same warm-up on both (JIT of the JVMs, routing tables filled by searches)
            List<Operation> warmupOps = Workload.generate(run.seed() + 1, warm, 2 * concurrency);
            warmUp(List.of(opendht, carillon), warmupOps, settings);
            Thread.sleep(settle * 1000L);

            OpendhtDriver.Overhead overhead = opendht.noop(100_000);
            params.put("opendht_driver_binding_call_us", round(overhead.bindingCallMicros(), 3));
            params.put("opendht_driver_python_call_us", round(overhead.pythonCallMicros(), 3));

            Window o = measure(OPENDHT, opendht, dhtnodes.ports(), dhtnodes.pids(), workload, settings, idle, folder);
            Window c =
                    measure(CARILLON, carillon, carillonPorts, List.of(host.pid()), workload, settings, idle, folder);

            double dhtnodeRss = dhtnodes.pids().stream()
                    .mapToLong(ProcStat::rssBytes)
                    .average()
                    .orElse(Double.NaN);
            long heapN = host.heapAfterGc();
            long rssN = ProcStat.rssBytes(host.pid());
            double carillonRss = (rssN - rss0) / (double) n;
            double carillonHeap = (heapN - heap0) / (double) n;
            params.put("carillon_host_rss_0_nodes_mib", round(rss0 / MIB, 1));
            params.put("carillon_host_rss_n_nodes_mib", round(rssN / MIB, 1));
            params.put("packet_counter", c.packetCounter());

            writeOps(folder.resolve("ops.csv"), Map.of(OPENDHT, o, CARILLON, c));
            List<Metric> metrics = new ArrayList<>(latencyMetrics(c.results(), o.results()));
            metrics.add(Metric.compared(
                    "packets_per_op", "datagrams", Better.LOWER, perOp(c.packets(), c), perOp(o.packets(), o)));
            metrics.add(Metric.compared(
                    "idle_packets_per_node_second",
                    "datagrams/s",
                    Better.LOWER,
                    c.idlePacketsPerSecond() / (n + 2),
                    o.idlePacketsPerSecond() / (n + 2)));
            metrics.add(Metric.compared(
                    "cpu_seconds_per_1000_ops",
                    "s",
                    Better.LOWER,
                    1000 * c.nodeCpuSeconds() / count,
                    1000 * o.nodeCpuSeconds() / count));
            metrics.add(Metric.compared(
                    "driver_cpu_seconds_per_1000_ops",
                    "s",
                    Better.LOWER,
                    1000 * c.driverCpuSeconds() / count,
                    1000 * o.driverCpuSeconds() / count));
            metrics.add(
                    Metric.compared("memory_rss_per_node", "MiB", Better.LOWER, carillonRss / MIB, dhtnodeRss / MIB));
            metrics.add(Metric.alone("memory_heap_per_node_after_gc", "MiB", Better.LOWER, carillonHeap / MIB));
            metrics.add(Metric.compared("form_time", "s", Better.LOWER, formCarillon, formOpendht));
            metrics.add(Metric.compared("workload_time", "s", Better.LOWER, c.seconds(), o.seconds()));
            LoopbackFiles.writeSummary(folder.resolve("summary.csv"), metrics);
            LoopbackFiles.writeCdfs(folder, "Side by side", Map.of("OpenDHT", o.results(), "Carillon", c.results()));
            params.put("run_seconds", Math.round((System.nanoTime() - runStart) / 1e9));
            run.report(NAME, "bench/run " + NAME, params, metrics);
        }
        return 0;
    }

    static final double MIB = 1024.0 * 1024.0;

    private Window measure(
            String side,
            WorkloadDriver driver,
            List<Integer> nodePorts,
            List<Long> nodePids,
            List<Operation> workload,
            WorkloadDriver.Settings settings,
            int idleSeconds,
            Path folder)
            throws InterruptedException {
        List<Integer> ports = concat(nodePorts, driver.ports());
        double idleRate;
        try (PacketCapture idle = PacketCapture.start(ports, folder.resolve(side + "-idle.pcap"))) {
            long t = System.nanoTime();
            Thread.sleep(idleSeconds * 1000L);
            idleRate = idle.stop() / ((System.nanoTime() - t) / 1e9);
        }
        List<OpResult> results = Collections.synchronizedList(new ArrayList<>());
        double nodeCpu0 = ProcStat.cpuSeconds(nodePids);
        double driverCpu0 = ProcStat.cpuSeconds(driver.pid());
        long start;
        long packets;
        String counter;
        try (PacketCapture capture = PacketCapture.start(ports, folder.resolve(side + "-workload.pcap"));
                Progress progress = new Progress(side + " workload (" + workload.size() + " ops)", workload.size())) {
            counter = capture.method();
            start = System.nanoTime();
            driver.run(workload, settings, r -> {
                results.add(r);
                progress.step();
            });
            packets = capture.stop();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double nodeCpu = ProcStat.cpuSeconds(nodePids) - nodeCpu0;
        double driverCpu = ProcStat.cpuSeconds(driver.pid()) - driverCpu0;
        LoopbackFiles.deletePcaps(folder, side);
        return new Window(List.copyOf(results), seconds, packets, idleRate, nodeCpu, driverCpu, counter);
    }

    /** Runs {@code ops} on each driver in turn, uncounted, with a progress bar. */
    static void warmUp(List<WorkloadDriver> drivers, List<Operation> ops, WorkloadDriver.Settings settings) {
        try (Progress progress =
                new Progress("warm-up (" + ops.size() + " ops per network)", (long) ops.size() * drivers.size())) {
            for (WorkloadDriver d : drivers) {
                d.run(ops, settings, r -> progress.step());
            }
        }
    }

    private static double perOp(long packets, Window w) {
        return packets / (double) Math.max(1, w.results().size());
    }

    /** p50/p99 latency and success rate of each kind, Carillon vs OpenDHT. */
    static List<Metric> latencyMetrics(List<OpResult> carillon, List<OpResult> opendht) {
        List<Metric> metrics = new ArrayList<>();
        Map<OpKind, String> names = new EnumMap<>(OpKind.class);
        names.put(OpKind.PUT, "put_latency");
        names.put(OpKind.GET, "get_latency");
        names.put(OpKind.MISS, "get_missing_latency");
        names.put(OpKind.LISTEN, "listen_delivery");
        for (OpKind kind : OpKind.values()) {
            List<Double> c = latencies(carillon, kind);
            List<Double> o = latencies(opendht, kind);
            metrics.add(Metric.compared(
                    names.get(kind) + "_p50",
                    "ms",
                    Better.LOWER,
                    Percentiles.of(c).at(50),
                    Percentiles.of(o).at(50)));
            metrics.add(Metric.compared(
                    names.get(kind) + "_p99",
                    "ms",
                    Better.LOWER,
                    Percentiles.of(c).at(99),
                    Percentiles.of(o).at(99)));
        }
        for (OpKind kind : OpKind.values()) {
            String name = (kind == OpKind.MISS ? "get_missing" : kind.word) + "_success_rate";
            metrics.add(
                    Metric.compared(name, "%", Better.HIGHER, successRate(carillon, kind), successRate(opendht, kind)));
        }
        return metrics;
    }

    static List<Double> latencies(List<OpResult> results, OpKind kind) {
        return results.stream()
                .filter(r -> r.kind() == kind && r.ok() && r.latencyMs() != null)
                .map(OpResult::latencyMs)
                .toList();
    }

    static double successRate(List<OpResult> results, OpKind kind) {
        long all = results.stream().filter(r -> r.kind() == kind).count();
        long ok = results.stream().filter(r -> r.kind() == kind && r.ok()).count();
        return all == 0 ? Double.NaN : 100.0 * ok / all;
    }

    private static void writeOps(Path file, Map<String, Window> sides) {
        try (CsvFile csv = new CsvFile(file, "side", "index", "kind", "key", "latency_ms", "ok", "start_ns")) {
            for (String side : List.of(OPENDHT, CARILLON)) {
                sides.get(side).results().stream()
                        .sorted((a, b) -> Integer.compare(a.index(), b.index()))
                        .forEach(r -> csv.row(
                                side,
                                r.index(),
                                r.kind().word,
                                r.key(),
                                r.latencyMs() == null ? "" : r.latencyMs(),
                                r.ok(),
                                r.startNs()));
            }
        }
    }

    static <T> List<T> concat(List<T> a, List<T> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
