package org.carillon.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.carillon.cli.Converters.BindAddressConverter;
import org.carillon.cli.Converters.BootstrapConverter;
import org.carillon.cli.Converters.BootstrapNode;
import org.carillon.cli.Converters.ByteSizeConverter;
import org.carillon.cli.Converters.IntervalConverter;
import org.carillon.cli.Converters.NetworkIdConverter;
import org.carillon.cli.Converters.PortConverter;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.InfoHash;
import org.carillon.dht.NodeMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code carillon dht}: runs one DHT node until Ctrl-C, logging its state now and then. */
@Command(
        name = "dht",
        description = "Run a DHT node that speaks OpenDHT's protocol, until Ctrl-C.",
        sortOptions = false,
        footer = {"", "Set CARILLON_LOG_LEVEL=DEBUG in the environment for more detailed logs."})
public final class DhtCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(DhtCommand.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    @Option(
            names = {"-p", "--port"},
            paramLabel = "PORT",
            defaultValue = "" + DhtConfig.DEFAULT_PORT,
            converter = PortConverter.class,
            description = "UDP port for every bound address (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(
            names = "--bind",
            paramLabel = "ADDR",
            converter = BindAddressConverter.class,
            description = "Local IP address to bind; repeatable (default: 0.0.0.0 and ::).")
    List<InetAddress> bind;

    @Option(
            names = {"-b", "--bootstrap"},
            paramLabel = "HOST:PORT",
            converter = BootstrapConverter.class,
            description = "Node to join the network through, e.g. 127.0.0.1:4301 or [::1]:4301; repeatable.")
    List<BootstrapNode> bootstrap;

    @Option(
            names = {"-n", "--network"},
            paramLabel = "ID",
            defaultValue = "0",
            converter = NetworkIdConverter.class,
            description = "Network id, 0..4294967295 (default: ${DEFAULT-VALUE}); nodes of other networks are ignored.")
    long network;

    @Option(
            names = "--no-rate-limit",
            description = "Turn off OpenDHT's per-peer request rate limits (like dhtnode -U).")
    boolean noRateLimit;

    @Option(
            names = "--storage-limit",
            paramLabel = "BYTES",
            defaultValue = "64M",
            converter = ByteSizeConverter.class,
            description =
                    "Bytes of values to store for other nodes, e.g. 65536, 512K, 64M, 1G (default: ${DEFAULT-VALUE}).")
    long storageLimit;

    @Option(
            names = "--state-file",
            paramLabel = "PATH",
            description = "Save the good nodes here (on exit and every 10 minutes) and rejoin through them at start,"
                    + " so a restart needs no --bootstrap.")
    Path stateFile;

    @Option(
            names = "--peer-discovery",
            description = "Announce this node on the LAN and join the nodes announced there"
                    + " (multicast 239.192.0.1 and ff08::101, port 8888; like dhtnode -D). Off by default.")
    boolean peerDiscovery;

    @Option(
            names = "--status-interval",
            hidden = true,
            defaultValue = "30s",
            converter = IntervalConverter.class,
            description = "How often to log the node's status; 0 never.")
    Duration statusInterval;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    /** What the command runs: a {@link DhtRunner}, or a fake in tests. */
    interface Node {
        InfoHash nodeId();

        int port();

        NodeMetrics metrics();

        void close();
    }

    @FunctionalInterface
    interface Launcher {
        Node start(DhtConfig config) throws IOException;
    }

    private final Launcher launcher;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    public DhtCommand() {
        this(DhtCommand::startRunner);
    }

    DhtCommand(Launcher launcher) {
        this.launcher = launcher;
    }

    /** The node configuration the options ask for. */
    DhtConfig toConfig() {
        DhtConfig config = DhtConfig.defaults()
                .withPort(port)
                .withNetwork(network)
                .withBootstrap(bootstrapAddresses())
                .withRateLimited(!noRateLimit)
                .withStorageLimit(storageLimit)
                .withStateFile(stateFile)
                .withPeerDiscovery(peerDiscovery);
        return bind == null || bind.isEmpty()
                ? config
                : config.withBindAddresses(bind.stream().distinct().toList());
    }

    private List<InetSocketAddress> bootstrapAddresses() {
        if (bootstrap == null) {
            return List.of();
        }
        return bootstrap.stream()
                .flatMap(b -> b.addresses().stream())
                .distinct()
                .toList();
    }

    @Override
    public Integer call() throws InterruptedException {
        DhtConfig config = toConfig();
        Node node;
        try {
            node = launcher.start(config);
        } catch (IOException e) {
            log.error("Cannot start the DHT node on port {}: {}", config.port(), e.getMessage());
            return 1;
        }
        InfoHash id = node.nodeId();
        log.info("Carillon DHT node {} listening on port {}", id, node.port());
        Thread hook = new Thread(this::stopOnSignal, "carillon-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (statusInterval.isZero()) {
                stopRequested.await();
            } else {
                while (!stopRequested.await(statusInterval.toMillis(), TimeUnit.MILLISECONDS)) {
                    logStatus(node);
                }
            }
        } finally {
            node.close();
            log.info("Carillon DHT node {} stopped", id);
            stopped.countDown();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook itself asked us to stop
        }
        return 0;
    }

    /** Makes a running {@link #call()} close the node and return 0. */
    void requestStop() {
        stopRequested.countDown();
    }

    /**
     * Ctrl-C or SIGTERM: lets {@link #call()} close the node, then ends the JVM with status 0,
     * since a node stopped on request has not failed (the JVM's own status would be 128+signal).
     */
    private void stopOnSignal() {
        requestStop();
        try {
            if (stopped.await(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                Runtime.getRuntime().halt(0);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void logStatus(Node node) {
        try {
            log.info(statusLine(node.metrics()));
        } catch (RuntimeException e) {
            log.warn("Cannot read the node's metrics: {}", e.toString());
        }
    }

    /** One line on what the node holds and has done. */
    static String statusLine(NodeMetrics m) {
        String drops = m.drops().isEmpty()
                ? ""
                : new TreeMap<>(m.drops())
                        .entrySet().stream()
                                .map(e -> e.getKey() + " " + e.getValue())
                                .collect(Collectors.joining(", ", " (", ")"));
        return String.format(
                Locale.ROOT,
                "Status: routing %d IPv4 + %d IPv6 nodes, storing %d values (%s) under %d keys,"
                        + " %d listeners; packets in %d, out %d; dropped %d%s",
                m.routingNodes4(),
                m.routingNodes6(),
                m.storedValues(),
                bytes(m.storedBytes()),
                m.storedKeys(),
                m.remoteListeners(),
                total(m.packetsIn()),
                total(m.packetsOut()),
                m.totalDrops(),
                drops);
    }

    private static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String units = "KMGTPE";
        int exp = (63 - Long.numberOfLeadingZeros(n)) / 10;
        return String.format(Locale.ROOT, "%.1f %siB", n / (double) (1L << (10 * exp)), units.charAt(exp - 1));
    }

    private static Node startRunner(DhtConfig config) throws IOException {
        DhtRunner runner = DhtRunner.start(config);
        return new Node() {
            @Override
            public InfoHash nodeId() {
                return runner.nodeId();
            }

            @Override
            public int port() {
                return runner.port();
            }

            @Override
            public NodeMetrics metrics() {
                return runner.metrics();
            }

            @Override
            public void close() {
                runner.close();
            }
        };
    }
}
