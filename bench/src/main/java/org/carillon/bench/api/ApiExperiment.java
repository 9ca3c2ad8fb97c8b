package org.carillon.bench.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.carillon.api.client.ApiClient;
import org.carillon.bench.RunOptions;
import org.carillon.bench.loopback.PacketCapture;
import org.carillon.bench.loopback.ProcStat;
import org.carillon.bench.report.BarChart;
import org.carillon.bench.report.CsvFile;
import org.carillon.bench.report.LineChart;
import org.carillon.bench.report.Metric;
import org.carillon.bench.report.Metric.Better;
import org.carillon.bench.report.Percentiles;
import org.carillon.dht.interop.DhtnodeProcess;
import org.carillon.dht.interop.InteropPeers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 9's API benchmark: the real daemon in its own process on a loopback network of two
 * dhtnodes, driven through its WebSocket API by the Java client — round-trip latency and calls
 * per second of a cheap call and of a history page, over one and over 100 connections — then
 * left idle beside a dhtnode of the same network, both watched for resident memory and UDP
 * traffic.
 */
@Command(
        name = "api",
        mixinStandardHelpOptions = true,
        description = "The daemon's API on loopback: latency p50/p99 and calls/s over 1 and 100 WebSocket"
                + " connections; idle memory and UDP traffic of the daemon vs a dhtnode (see docs/benchmarks.md).")
public final class ApiExperiment implements Callable<Integer> {
    static final String NAME = "api";
    static final double MIB = 1024.0 * 1024.0;

    @Mixin
    RunOptions run;

    @Option(names = "--seconds", paramLabel = "S", description = "Length of each load window (default 10; smoke 1).")
    Integer seconds;

    @Option(
            names = "--idle",
            paramLabel = "S",
            description = "Idle window watched for memory and traffic (default 240; smoke 3).")
    Integer idleSeconds;

    @Option(
            names = "--messages",
            paramLabel = "N",
            description = "Messages in the conversation whose history is read (default 200; smoke 10).")
    Integer messages;

    @Option(
            names = "--connections",
            paramLabel = "N",
            description = "Connections of the many-connections windows (default: ${DEFAULT-VALUE}).")
    int connections = 100;

    @Option(
            names = "--in-flight",
            paramLabel = "N",
            description =
                    "Calls in flight on the single connection of the throughput window (default: ${DEFAULT-VALUE}).")
    int inFlight = 16;

    @Option(
            names = "--daemon-jvm-options",
            paramLabel = "OPTS",
            description =
                    "JVM options of the daemon (default: those ./carillon starts it with, " + LAUNCHER_OPTIONS + ").")
    String daemonJvmOptions;

    /** The launcher's JVM options file (an {@code @argfile}), from the repository's root. */
    static final String LAUNCHER_OPTIONS = "cli/jvm/carillon.args";

    /** The launcher's options file, seen from the repository (bench/run) or from the bench module (its smoke test). */
    private static Path launcherOptions() {
        Path here = Path.of(LAUNCHER_OPTIONS);
        return Files.exists(here) ? here : Path.of("..").resolve(LAUNCHER_OPTIONS);
    }

    @Override
    public Integer call() throws Exception {
        InteropPeers.requireDhtnode();
        if (System.getProperty("basedir") == null) {
            System.setProperty("basedir", "bench"); // where the dhtnodes' logs go
        }
        int window = seconds != null ? seconds : run.smoke() ? 1 : 10;
        int idle = idleSeconds != null ? idleSeconds : run.smoke() ? 3 : 240;
        int history = messages != null ? messages : run.smoke() ? 10 : 200;
        int many = run.smoke() ? Math.min(connections, 10) : connections;
        int keyBits = run.smoke() ? 2048 : 4096;
        Path folder = run.folder(NAME);
        Files.createDirectories(folder);
        long runStart = System.nanoTime();

        Map<String, Object> params = new LinkedHashMap<>();
        params.put("window_s", window);
        params.put("idle_s", idle);
        params.put("history_messages", history);
        params.put("history_page", 50);
        params.put("connections", many);
        params.put("in_flight_one_connection", inFlight);
        params.put("key_bits", keyBits);
        List<String> jvm = daemonJvmOptions != null
                ? List.of(daemonJvmOptions.trim().split("\\s+"))
                : List.of("@" + launcherOptions().toAbsolutePath());
        params.put("daemon_jvm_options", daemonJvmOptions != null ? daemonJvmOptions : LAUNCHER_OPTIONS);
        params.put(
                "layout",
                "the real daemon (carillon daemon) in its own JVM; two dhtnodes as its network; a third dhtnode"
                        + " bootstrapped from the same node as the idle reference; clients: ApiClient (JDK WebSocket)"
                        + " in the bench JVM; all on loopback");

        Path data = Files.createTempDirectory("carillon-bench-api");
        try (DhtnodeProcess seed = DhtnodeProcess.start(
                        DhtnodeProcess.options().name("bench-api-seed").verbose(false));
                DhtnodeProcess peer = DhtnodeProcess.start(DhtnodeProcess.options()
                        .name("bench-api-peer")
                        .verbose(false)
                        .bootstrap(seed));
                DaemonProcess daemon =
                        DaemonProcess.start(data.resolve("daemon"), seed.port(), jvm, keyBits, Duration.ofSeconds(60));
                DhtnodeProcess reference = DhtnodeProcess.start(DhtnodeProcess.options()
                        .name("bench-api-reference")
                        .verbose(false)
                        .bootstrap(seed))) {
            System.err.println("[bench] daemon pid " + daemon.pid() + " at " + daemon.uri());
            List<ApiClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < many; i++) {
                    clients.add(ApiClient.connect(daemon.uri(), daemon.token(), Duration.ofSeconds(10)));
                }
                ApiClient first = clients.get(0);
                int daemonPort = first.call("node.status", null)
                        .get(10, TimeUnit.SECONDS)
                        .path("port")
                        .asInt();
                Map<String, Object> historyParams = conversation(first, history, params);

                List<ApiLoad.Result> results = new ArrayList<>();
                for (String method : List.of("accounts.list", "messages.history")) {
                    Object p = method.equals("accounts.list") ? null : historyParams;
                    // warm-up: the daemon's JIT and the client's
                    ApiLoad.run(method, p, clients.subList(0, 1), inFlight, Duration.ofSeconds(window));
                    results.add(ApiLoad.run(method, p, clients.subList(0, 1), 1, Duration.ofSeconds(window)));
                    results.add(ApiLoad.run(method, p, clients.subList(0, 1), inFlight, Duration.ofSeconds(window)));
                    results.add(ApiLoad.run(method, p, clients, 1, Duration.ofSeconds(window)));
                }
                writeLoad(folder.resolve("load.csv"), results);
                plotLoad(folder, results);
                for (ApiLoad.Result r : results) {
                    System.err.printf(
                            "[bench] %s over %d connection(s), %d in flight each: %.0f calls/s, p50 %.2f ms, p99 %.2f ms, %d errors%n",
                            r.method(),
                            r.connections(),
                            r.inFlight(),
                            r.callsPerSecond(),
                            Percentiles.of(box(r.latenciesMs())).at(50),
                            Percentiles.of(box(r.latenciesMs())).at(99),
                            r.errors());
                }
                for (ApiClient c : clients) {
                    c.close();
                }
                clients.clear();

                Idle watched = watchIdle(daemon.pid(), daemonPort, reference.pid(), reference.port(), idle, folder);
                List<Metric> metrics = new ArrayList<>();
                for (ApiLoad.Result r : results) {
                    String key = (r.method().equals("accounts.list") ? "accounts_list" : "history") + "_"
                            + (r.connections() == 1
                                    ? (r.inFlight() == 1 ? "1conn_sequential" : "1conn_" + r.inFlight() + "inflight")
                                    : r.connections() + "conn");
                    Percentiles lat = Percentiles.of(box(r.latenciesMs()));
                    metrics.add(Metric.alone(key + "_latency_p50", "ms", Better.LOWER, lat.at(50)));
                    metrics.add(Metric.alone(key + "_latency_p99", "ms", Better.LOWER, lat.at(99)));
                    metrics.add(Metric.alone(key + "_calls_per_s", "calls/s", Better.HIGHER, r.callsPerSecond()));
                }
                metrics.add(Metric.compared(
                        "idle_rss", "MiB", Better.LOWER, watched.daemonRssMib(), watched.dhtnodeRssMib()));
                metrics.add(Metric.compared(
                        "idle_udp_packets_per_hour",
                        "datagrams/h",
                        Better.LOWER,
                        watched.daemonPackets() * 3600.0 / watched.seconds(),
                        watched.dhtnodePackets() * 3600.0 / watched.seconds()));
                metrics.add(Metric.compared(
                        "idle_udp_bytes_per_hour",
                        "KiB/h",
                        Better.LOWER,
                        watched.daemonBytes() < 0
                                ? Double.NaN
                                : watched.daemonBytes() * 3600.0 / watched.seconds() / 1024,
                        watched.dhtnodeBytes() < 0
                                ? Double.NaN
                                : watched.dhtnodeBytes() * 3600.0 / watched.seconds() / 1024));
                params.put(
                        "idle_traffic",
                        "counted over " + Math.round(watched.seconds()) + " s and extrapolated to an hour; "
                                + watched.counter() + " on the node's UDP port (both directions)");
                params.put("run_seconds", Math.round((System.nanoTime() - runStart) / 1e9));
                run.report(NAME, "bench/run " + NAME, params, metrics);
            } finally {
                for (ApiClient c : clients) {
                    c.close();
                }
            }
        }
        deleteTree(data); // kept when the run failed: the daemon's output and log are there
        return 0;
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Two accounts of the daemon, contacts of each other (a trust request, accepted), and {@code
     * count} messages from the first to the second, waited for until delivered: the conversation
     * whose latest page {@code messages.history} reads, with nothing left to publish again while
     * the daemon is idle. Records in {@code run} how many messages were still owed.
     */
    private static Map<String, Object> conversation(ApiClient client, int count, Map<String, Object> run)
            throws Exception {
        System.err.println("[bench] creating two accounts, making them contacts, sending " + count + " messages");
        String alice = client.call("accounts.create", Map.of("alias", "alice"))
                .get(600, TimeUnit.SECONDS)
                .path("id")
                .asText();
        String bob = client.call("accounts.create", Map.of("alias", "bob"))
                .get(600, TimeUnit.SECONDS)
                .path("id")
                .asText();
        client.call("contacts.add", Map.of("account", alice, "contact", bob)).get(60, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        boolean requested = false;
        while (!requested && System.nanoTime() < deadline) {
            for (JsonNode r :
                    client.call("requests.list", Map.of("account", bob)).get(30, TimeUnit.SECONDS)) {
                requested |= r.path("from").asText().equals(alice);
            }
            Thread.sleep(200);
        }
        if (!requested) {
            throw new IllegalStateException("bob never received alice's trust request");
        }
        client.call("requests.accept", Map.of("account", bob, "from", alice)).get(60, TimeUnit.SECONDS);
        for (int i = 0; i < count; i++) {
            client.call(
                            "messages.send",
                            Map.of("account", alice, "contact", bob, "text", "message " + i + " of the benchmark"))
                    .get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> all = Map.of("account", alice, "contact", bob, "limit", 500);
        long owed = count;
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (owed > 0 && System.nanoTime() < deadline) {
            Thread.sleep(500);
            owed = 0;
            for (JsonNode m : client.call("messages.history", all).get(30, TimeUnit.SECONDS)) {
                String status = m.path("status").asText();
                owed += status.equals("delivered") || status.equals("read") ? 0 : 1;
            }
        }
        run.put("messages_undelivered_before_idle", owed);
        Map<String, Object> params = Map.of("account", alice, "contact", bob, "limit", 50);
        JsonNode page = client.call("messages.history", params).get(30, TimeUnit.SECONDS);
        if (page.size() != Math.min(50, count)) {
            throw new IllegalStateException(
                    "the history page has " + page.size() + " messages, not " + Math.min(50, count));
        }
        return params;
    }

    /** What the idle window saw. */
    record Idle(
            double seconds,
            double daemonRssMib,
            double dhtnodeRssMib,
            long daemonPackets,
            long dhtnodePackets,
            long daemonBytes,
            long dhtnodeBytes,
            String counter) {}

    private static Idle watchIdle(
            long daemonPid, int daemonPort, long dhtnodePid, int dhtnodePort, int seconds, Path folder)
            throws Exception {
        System.err.println("[bench] idle for " + seconds + " s: daemon (UDP " + daemonPort + ") and dhtnode (UDP "
                + dhtnodePort + ")");
        List<double[]> samples = new ArrayList<>();
        long start = System.nanoTime();
        try (PacketCapture d = PacketCapture.start(List.of(daemonPort), folder.resolve("daemon-idle.pcap"));
                PacketCapture o = PacketCapture.start(List.of(dhtnodePort), folder.resolve("dhtnode-idle.pcap"))) {
            long end = start + seconds * 1_000_000_000L;
            for (int i = 0; i < 100_000 && System.nanoTime() < end; i++) {
                samples.add(new double[] {
                    (System.nanoTime() - start) / 1e9,
                    ProcStat.rssBytes(daemonPid) / MIB,
                    ProcStat.rssBytes(dhtnodePid) / MIB
                });
                Thread.sleep(Math.min(5_000, Math.max(100, (end - System.nanoTime()) / 1_000_000)));
            }
            samples.add(new double[] {
                (System.nanoTime() - start) / 1e9,
                ProcStat.rssBytes(daemonPid) / MIB,
                ProcStat.rssBytes(dhtnodePid) / MIB
            });
            double elapsed = (System.nanoTime() - start) / 1e9;
            long dp = d.stop();
            long op = o.stop();
            Idle idle = new Idle(
                    elapsed,
                    samples.get(samples.size() - 1)[1],
                    samples.get(samples.size() - 1)[2],
                    dp,
                    op,
                    d.bytes(),
                    o.bytes(),
                    d.method());
            Files.deleteIfExists(folder.resolve("daemon-idle.pcap"));
            Files.deleteIfExists(folder.resolve("dhtnode-idle.pcap"));
            try (CsvFile csv =
                    new CsvFile(folder.resolve("idle.csv"), "seconds", "daemon_rss_mib", "dhtnode_rss_mib")) {
                for (double[] s : samples) {
                    csv.row(round(s[0], 1), round(s[1], 1), round(s[2], 1));
                }
            }
            new LineChart("Idle resident memory (RSS)", "seconds", "MiB")
                    .line("Carillon daemon", column(samples, 0), column(samples, 1))
                    .line("dhtnode", column(samples, 0), column(samples, 2))
                    .write(folder.resolve("idle-rss.png"));
            return idle;
        }
    }

    private static void writeLoad(Path file, List<ApiLoad.Result> results) {
        try (CsvFile csv = new CsvFile(
                file,
                "method",
                "connections",
                "in_flight_per_connection",
                "calls",
                "errors",
                "seconds",
                "calls_per_s",
                "p50_ms",
                "p99_ms")) {
            for (ApiLoad.Result r : results) {
                Percentiles lat = Percentiles.of(box(r.latenciesMs()));
                csv.row(
                        r.method(),
                        r.connections(),
                        r.inFlight(),
                        r.calls(),
                        r.errors(),
                        round(r.seconds(), 2),
                        round(r.callsPerSecond(), 1),
                        round(lat.at(50), 3),
                        round(lat.at(99), 3));
            }
        }
    }

    private static void plotLoad(Path folder, List<ApiLoad.Result> results) {
        List<String> categories = new ArrayList<>();
        double[] rates = new double[results.size()];
        double[] p50 = new double[results.size()];
        double[] p99 = new double[results.size()];
        for (int i = 0; i < results.size(); i++) {
            ApiLoad.Result r = results.get(i);
            categories.add(r.method() + " " + r.connections() + "×" + r.inFlight());
            rates[i] = r.callsPerSecond();
            Percentiles lat = Percentiles.of(box(r.latenciesMs()));
            p50[i] = lat.at(50);
            p99[i] = lat.at(99);
        }
        new BarChart("API calls per second (connections × calls in flight each)", "calls/s", categories)
                .series("Carillon daemon", rates)
                .write(folder.resolve("calls-per-second.png"));
        new BarChart("API round-trip latency", "ms", categories)
                .logY()
                .series("p50", p50)
                .series("p99", p99)
                .write(folder.resolve("latency.png"));
    }

    private static List<Double> box(double[] values) {
        return Arrays.stream(values).boxed().toList();
    }

    private static double[] column(List<double[]> rows, int i) {
        return rows.stream().mapToDouble(r -> r[i]).toArray();
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
