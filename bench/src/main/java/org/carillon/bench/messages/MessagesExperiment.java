package org.carillon.bench.messages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.carillon.bench.RunOptions;
import org.carillon.bench.messages.MessageFigures.Burst;
import org.carillon.bench.messages.MessageFigures.Offline;
import org.carillon.bench.report.CsvFile;
import org.carillon.bench.report.LineChart;
import org.carillon.bench.report.Metric;
import org.carillon.bench.report.Metric.Better;
import org.carillon.core.message.MessagePolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 8's measure: one-to-one message latency (send to received, send to acknowledged),
 * throughput of a burst and delivery after the recipient was offline, for two Carillon accounts
 * on loopback (real UDP) against two jamid 13.7 on loopback, and for Carillon on a simulated
 * Internet in virtual time (where "offline" lasts hours).
 */
@Command(
        name = "messages",
        mixinStandardHelpOptions = true,
        description = "Message latency p50/p99, burst throughput and delivery after an offline period: Carillon vs"
                + " jamid 13.7 on loopback, and Carillon on a simulated Internet (see docs/benchmarks.md).")
public final class MessagesExperiment implements Callable<Integer> {
    static final String NAME = "messages";
    static final String CARILLON = "carillon";
    static final String JAMID = "jamid";
    static final String LOOPBACK = "loopback";
    static final String SIMULATED = "simulated";

    @Mixin
    RunOptions run;

    @Option(
            names = "--nodes",
            paramLabel = "N",
            description = "DHT nodes of the Carillon loopback network besides the accounts' own (default 5; smoke 3).")
    Integer nodes;

    @Option(
            names = "--key-bits",
            paramLabel = "BITS",
            description = "RSA key size of the Carillon accounts (default 4096, as Jami's; smoke 2048).")
    Integer keyBits;

    @Option(
            names = "--messages",
            paramLabel = "N",
            description = "Messages sent one at a time for the latency figures (default 100; smoke 5).")
    Integer messages;

    @Option(
            names = "--burst",
            paramLabel = "N",
            description =
                    "Messages sent back to back for the throughput figures (default 200, the recipient's per-sender burst; smoke 10).")
    Integer burst;

    @Option(
            names = "--offline-messages",
            paramLabel = "N",
            description = "Messages sent while the recipient is offline (default 20; smoke 3).")
    Integer offlineMessages;

    @Option(
            names = "--offline-seconds",
            paramLabel = "S",
            description = "How long the recipient stays offline on loopback (default 30; smoke 2).")
    Integer offlineSeconds;

    @Option(
            names = "--settle",
            paramLabel = "S",
            description =
                    "Seconds waited before the burst and before the offline phase on loopback, so what the previous"
                            + " phase put has expired (default 330: a message value lives 5 minutes; smoke 0; at least the"
                            + " recipient's rate-limit window when the phases send more than its burst).")
    Integer settleSeconds;

    @Option(
            names = "--sim-nodes",
            paramLabel = "N",
            description = "Nodes of the simulated network (default: ${DEFAULT-VALUE}).")
    int simNodes = 30;

    @Option(
            names = "--sim-median-ms",
            paramLabel = "MS",
            description = "Median one-way latency of a simulated link, log-normal (default: ${DEFAULT-VALUE}).")
    double simMedianMs = 50;

    @Option(
            names = "--sim-sigma",
            paramLabel = "S",
            description = "Sigma of the log-normal link latency (default: ${DEFAULT-VALUE}).")
    double simSigma = 0.5;

    @Option(
            names = "--sim-loss",
            paramLabel = "P",
            description = "Share of datagrams lost in the simulation (default: ${DEFAULT-VALUE}).")
    double simLoss = 0.02;

    @Option(
            names = "--sim-offline-hours",
            paramLabel = "H",
            description = "How long the recipient stays offline in the simulation (default 6; smoke 1).")
    Integer simOfflineHours;

    @Option(
            names = "--sim-offline-messages",
            paramLabel = "N",
            description = "Messages sent while the simulated recipient is offline (default 30; smoke 3).")
    Integer simOfflineMessages;

    @Option(
            names = "--jamid",
            paramLabel = "PATH",
            description =
                    "The jamid executable (default: ${DEFAULT-VALUE}; -Dinterop.jamid=PATH sets it too, which is how"
                            + " the smoke test's skip is checked).")
    Path jamid = Path.of(System.getProperty("interop.jamid", JamidReference.DEFAULT_JAMID.toString()));

    @Option(names = "--no-reference", description = "Skip the jamid reference.")
    boolean noReference;

    @Option(
            names = "--message-timeout",
            paramLabel = "S",
            description = "Seconds one message of the latency phase may take (default: ${DEFAULT-VALUE}).")
    int messageTimeoutSeconds = 30;

    @Option(
            names = "--phase-timeout",
            paramLabel = "S",
            description = "Seconds a burst or the offline messages may take (default 180; smoke 60).")
    Integer phaseTimeoutSeconds;

    @Override
    public Integer call() throws IOException {
        boolean smoke = run.smoke();
        int n = nodes != null ? nodes : smoke ? 3 : 5;
        int bits = keyBits != null ? keyBits : smoke ? 2048 : 4096;
        int count = messages != null ? messages : smoke ? 5 : 100;
        int burstCount = burst != null ? burst : smoke ? 10 : 200;
        int offlineCount = offlineMessages != null ? offlineMessages : smoke ? 3 : 20;
        Duration offline = Duration.ofSeconds(offlineSeconds != null ? offlineSeconds : smoke ? 2 : 30);
        Duration simOffline = Duration.ofHours(simOfflineHours != null ? simOfflineHours : smoke ? 1 : 6);
        int simOfflineCount = simOfflineMessages != null ? simOfflineMessages : smoke ? 3 : 30;
        Duration messageTimeout = Duration.ofSeconds(messageTimeoutSeconds);
        Duration phaseTimeout =
                Duration.ofSeconds(phaseTimeoutSeconds != null ? phaseTimeoutSeconds : smoke ? 60 : 180);
        if (count < 1 || burstCount < 0 || offlineCount < 0 || n < 1 || simOfflineCount < 0) {
            throw new IllegalArgumentException(
                    "--messages must be at least 1, --nodes at least 1, the other counts at least 0");
        }
        Duration settle = Duration.ofSeconds(settleSeconds != null ? settleSeconds : smoke ? 0 : 330);
        if (count + burstCount > MessagePolicy.DEFAULT.senderBurst() && settle.compareTo(rateLimitWindow()) < 0) {
            settle = rateLimitWindow();
        }
        MessageWorkload loopbackWorkload =
                new MessageWorkload(count, burstCount, settle, offlineCount, offline, messageTimeout, phaseTimeout);
        MessageWorkload simWorkload = new MessageWorkload(
                count, 0, Duration.ofMinutes(6), simOfflineCount, simOffline, messageTimeout, Duration.ofHours(1));
        SimulatedPair.Links links = new SimulatedPair.Links(simMedianMs, simSigma, simLoss);
        Path folder = run.folder(NAME);
        Files.createDirectories(folder);
        Path work = Path.of(System.getProperty("basedir", "bench"), "target", NAME);
        deleteTree(work);
        Files.createDirectories(work);
        long runStart = System.nanoTime();

        Map<String, Object> params = new LinkedHashMap<>();
        params.put("carillon_rsa_bits", bits);
        params.put("loopback_dht_nodes", n);
        params.put("latency_messages", count);
        params.put("burst_messages", burstCount);
        params.put("settle_s", settle.toMillis() / 1000.0);
        params.put("offline_messages", offlineCount);
        params.put("offline_s", offline.toSeconds());
        params.put("message_timeout_s", messageTimeout.toSeconds());
        params.put("phase_timeout_s", phaseTimeout.toSeconds());
        params.put("sim_nodes", simNodes);
        params.put("sim_link_latency", "log-normal, median " + simMedianMs + " ms, sigma " + simSigma);
        params.put("sim_loss", simLoss);
        params.put("sim_offline_hours", simOffline.toHours());
        params.put("sim_offline_messages", simOfflineCount);
        params.put("seed", run.seed());
        params.put(
                "layout",
                "Carillon: " + n + " DhtRunners + one node per account (AccountSession: SQLite store, wall-clock"
                        + " timers) in this JVM on 127.0.0.1; jamid: 2 jamid 13.7 + 1 dhtnode in a network namespace"
                        + " holding only lo, driven over D-Bus by one Python process; one side after the other");

        BenchAccounts accounts = BenchAccounts.generate(work.resolve("accounts"), bits);

        System.err.println("[bench] Carillon on loopback: " + n + " nodes, 2 accounts");
        MessageFigures carillon;
        try (LoopbackPair pair = LoopbackPair.start(n, accounts, work.resolve(LOOPBACK))) {
            carillon = loopbackWorkload.run(warmedUp(pair, messageTimeout), "Carillon loopback");
        }

        System.err.println("[bench] Carillon simulated: " + simNodes + " nodes, " + links);
        MessageFigures simulated;
        long simWall = System.nanoTime();
        try (SimulatedPair pair = SimulatedPair.start(run.seed(), simNodes, links, accounts, work.resolve(SIMULATED))) {
            simulated = simWorkload.run(warmedUp(pair, messageTimeout), "Carillon simulated");
        }
        params.put("sim_wall_s", Math.round((System.nanoTime() - simWall) / 1e9));

        MessageFigures jamidFigures = null;
        Optional<String> missing = noReference ? Optional.of("--no-reference") : JamidReference.unavailable(jamid);
        if (missing.isPresent()) {
            System.err.println("[bench] jamid reference SKIPPED: " + missing.get());
            params.put("reference", "skipped: " + missing.get());
        } else {
            System.err.println("[bench] jamid 13.7 on loopback (private network namespace)");
            params.put("reference", "jamid " + jamidVersion() + " (Debian jami-daemon), legacy DHT messages");
            Duration limit = Duration.ofSeconds(300)
                    .plus(messageTimeout.multipliedBy(count))
                    .plus(settle.multipliedBy(2))
                    .plus(phaseTimeout.multipliedBy(2))
                    .plus(offline);
            jamidFigures = JamidReference.run(jamid, loopbackWorkload, work.resolve(JAMID), limit);
        }

        List<String> notes = new ArrayList<>();
        carillon.notes().forEach(s -> notes.add("carillon loopback: " + s));
        simulated.notes().forEach(s -> notes.add("carillon simulated: " + s));
        if (jamidFigures != null) {
            jamidFigures.notes().forEach(s -> notes.add("jamid: " + s));
        }
        params.put("notes", notes);
        notes.forEach(s -> System.err.println("[bench] note: " + s));

        writeLatency(folder.resolve("latency.csv"), carillon, simulated, jamidFigures);
        writePhases(folder.resolve("phases.csv"), carillon, simulated, jamidFigures);
        List<Metric> metrics = metrics(carillon, simulated, jamidFigures);
        writeSummary(folder.resolve("summary.csv"), metrics);
        writeCdfs(folder, carillon, simulated, jamidFigures);
        params.put("run_seconds", Math.round((System.nanoTime() - runStart) / 1e9));
        run.report(NAME, "bench/run " + NAME, "jamid 13.7", params, metrics);
        deleteTree(work.resolve("accounts"));
        deleteTree(work.resolve(LOOPBACK));
        deleteTree(work.resolve(SIMULATED));
        return 0;
    }

    /**
     * The recipient takes at most MessagePolicy's burst per window from one sending device: a
     * phase starts at least that long (and a second) after the previous one.
     */
    static Duration rateLimitWindow() {
        MessagePolicy policy = MessagePolicy.DEFAULT;
        long window = Math.max(1000L, (long) Math.ceil(policy.senderBurst() * 1000.0 / policy.senderPerSecond()));
        return Duration.ofMillis(window + 1000);
    }

    /** One message both ways of the pipeline before measuring: first contact looks devices up on both sides. */
    private static MessagingPair warmedUp(MessagingPair pair, Duration timeout) {
        long id = pair.send("warm-up");
        if (!pair.await(() -> pair.sender().deliveredAt(id) != null, timeout)) {
            throw new IllegalStateException(
                    "the warm-up message was not acknowledged within " + timeout.toSeconds() + " s");
        }
        return pair;
    }

    private static String jamidVersion() {
        return org.carillon.dht.interop.InteropPeers.run(List.of("dpkg-query", "-W", "-f", "${Version}", "jami-daemon"))
                .map(String::strip)
                .orElse("13.7");
    }

    static List<Metric> metrics(MessageFigures c, MessageFigures s, MessageFigures j) {
        List<Metric> m = new ArrayList<>();
        m.add(Metric.compared(
                "latency_received_p50",
                "ms",
                Better.LOWER,
                c.received().at(50),
                ref(j, f -> f.received().at(50))));
        m.add(Metric.compared(
                "latency_received_p99",
                "ms",
                Better.LOWER,
                c.received().at(99),
                ref(j, f -> f.received().at(99))));
        m.add(Metric.compared(
                "latency_delivered_p50",
                "ms",
                Better.LOWER,
                c.delivered().at(50),
                ref(j, f -> f.delivered().at(50))));
        m.add(Metric.compared(
                "latency_delivered_p99",
                "ms",
                Better.LOWER,
                c.delivered().at(99),
                ref(j, f -> f.delivered().at(99))));
        m.add(Metric.compared(
                "latency_success_rate",
                "%",
                Better.HIGHER,
                c.latencySuccessRate(),
                ref(j, MessageFigures::latencySuccessRate)));
        m.add(Metric.compared(
                "burst_received_rate",
                "messages/s",
                Better.HIGHER,
                burst(c, Burst::receivedPerSecond),
                ref(j, f -> burst(f, Burst::receivedPerSecond))));
        m.add(Metric.compared(
                "burst_delivered_rate",
                "messages/s",
                Better.HIGHER,
                burst(c, Burst::deliveredPerSecond),
                ref(j, f -> burst(f, Burst::deliveredPerSecond))));
        m.add(Metric.compared(
                "offline_received_after_return",
                "s",
                Better.LOWER,
                offline(c, Offline::receivedSeconds),
                ref(j, f -> offline(f, Offline::receivedSeconds))));
        m.add(Metric.compared(
                "offline_delivered_after_return",
                "s",
                Better.LOWER,
                offline(c, Offline::deliveredSeconds),
                ref(j, f -> offline(f, Offline::deliveredSeconds))));
        m.add(Metric.alone(
                "sim_latency_received_p50", "ms", Better.LOWER, s.received().at(50)));
        m.add(Metric.alone(
                "sim_latency_received_p99", "ms", Better.LOWER, s.received().at(99)));
        m.add(Metric.alone(
                "sim_latency_delivered_p50", "ms", Better.LOWER, s.delivered().at(50)));
        m.add(Metric.alone(
                "sim_latency_delivered_p99", "ms", Better.LOWER, s.delivered().at(99)));
        m.add(Metric.alone(
                "sim_offline_received_after_return", "s", Better.LOWER, offline(s, Offline::receivedSeconds)));
        m.add(Metric.alone(
                "sim_offline_delivered_after_return", "s", Better.LOWER, offline(s, Offline::deliveredSeconds)));
        return m;
    }

    private static double ref(MessageFigures j, java.util.function.ToDoubleFunction<MessageFigures> figure) {
        return j == null ? Double.NaN : figure.applyAsDouble(j);
    }

    private static double burst(MessageFigures f, java.util.function.ToDoubleFunction<Burst> figure) {
        return f.burst() == null ? Double.NaN : figure.applyAsDouble(f.burst());
    }

    private static double offline(MessageFigures f, java.util.function.Function<Offline, Double> figure) {
        Double v = f.offline() == null ? null : figure.apply(f.offline());
        return v == null ? Double.NaN : v;
    }

    private static void writeLatency(Path file, MessageFigures c, MessageFigures s, MessageFigures j) {
        try (CsvFile csv = new CsvFile(file, "side", "network", "index", "received_ms", "delivered_ms")) {
            for (Object[] side : sides(c, s, j)) {
                for (MessageFigures.Latency l : ((MessageFigures) side[2]).latency()) {
                    csv.row(side[0], side[1], l.index(), cell(l.receivedMs()), cell(l.deliveredMs()));
                }
            }
        }
    }

    private static void writePhases(Path file, MessageFigures c, MessageFigures s, MessageFigures j) {
        try (CsvFile csv = new CsvFile(
                file,
                "side",
                "network",
                "phase",
                "count",
                "send_s",
                "offline_s",
                "received",
                "delivered",
                "received_s",
                "delivered_s")) {
            for (Object[] side : sides(c, s, j)) {
                MessageFigures f = (MessageFigures) side[2];
                if (f.burst() != null) {
                    Burst b = f.burst();
                    csv.row(
                            side[0],
                            side[1],
                            "burst",
                            b.count(),
                            b.sendSeconds(),
                            "",
                            b.received(),
                            b.delivered(),
                            cell(b.receivedSeconds()),
                            cell(b.deliveredSeconds()));
                }
                if (f.offline() != null) {
                    Offline o = f.offline();
                    csv.row(
                            side[0],
                            side[1],
                            "offline",
                            o.count(),
                            "",
                            o.offlineSeconds(),
                            o.received(),
                            o.delivered(),
                            cell(o.receivedSeconds()),
                            cell(o.deliveredSeconds()));
                }
            }
        }
    }

    /** An empty cell for a figure that was not measured. */
    private static Object cell(Double v) {
        return v == null ? "" : v;
    }

    private static List<Object[]> sides(MessageFigures c, MessageFigures s, MessageFigures j) {
        List<Object[]> sides = new ArrayList<>();
        sides.add(new Object[] {CARILLON, LOOPBACK, c});
        sides.add(new Object[] {CARILLON, SIMULATED, s});
        if (j != null) {
            sides.add(new Object[] {JAMID, LOOPBACK, j});
        }
        return sides;
    }

    private static void writeSummary(Path file, List<Metric> metrics) {
        try (CsvFile csv = new CsvFile(file, "metric", "unit", "carillon", "jamid", "ratio")) {
            for (Metric m : metrics) {
                csv.row(m.name(), m.unit(), cell(m.carillon()), cell(m.reference()), cell(m.ratio()));
            }
        }
    }

    private static void writeCdfs(Path folder, MessageFigures c, MessageFigures s, MessageFigures j) {
        LineChart loopback = new LineChart(
                        "Messages on loopback: latency CDF", "latency from send (ms)", "fraction of messages")
                .logX();
        loopback.cdf("Carillon received", c.received().values());
        loopback.cdf("Carillon acknowledged", c.delivered().values());
        if (j != null && j.received().count() > 0) {
            loopback.cdf("jamid 13.7 received", j.received().values());
            loopback.cdf("jamid 13.7 acknowledged (SENT)", j.delivered().values());
        }
        loopback.write(folder.resolve("latency-cdf.png"));
        new LineChart(
                        "Messages on a simulated Internet (virtual time): latency CDF",
                        "latency from send (ms)",
                        "fraction of messages")
                .logX()
                .cdf("Carillon received", s.received().values())
                .cdf("Carillon acknowledged", s.delivered().values())
                .write(folder.resolve("latency-cdf-simulated.png"));
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
