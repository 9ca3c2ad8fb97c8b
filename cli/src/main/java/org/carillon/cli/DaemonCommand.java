package org.carillon.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.carillon.api.server.ApiCertificate;
import org.carillon.cli.Converters.BootstrapConverter;
import org.carillon.cli.Converters.BootstrapNode;
import org.carillon.core.daemon.DaemonConfig;
import org.carillon.core.store.DataDirectory;
import org.carillon.dht.wire.Family;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code carillon daemon}: runs until Ctrl-C or SIGTERM. */
@Command(
        name = "daemon",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the Carillon daemon: a DHT node, every local account online on it, and the API"
                    + " (JSON-RPC 2.0 over WebSocket) that clients use. Stops cleanly on Ctrl-C or SIGTERM.",
            "Settings: carillon.conf in the data directory (written with comments on first start, reread"
                    + " when it changes); logs: logs/carillon.log there."
        })
final class DaemonCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(DaemonCommand.class);

    /** After this long without a DHT node answering, the daemon says it runs offline. */
    static final long OFFLINE_NOTICE_MILLIS = 15_000;

    @Spec
    CommandSpec spec;

    @Mixin
    DataDirectoryOption data;

    @Option(
            names = {"-b", "--bootstrap"},
            paramLabel = "HOST:PORT",
            converter = BootstrapConverter.class,
            description = "Join the DHT through this node (repeatable; default: dht.bootstrap of carillon.conf).")
    List<BootstrapNode> bootstrap = new ArrayList<>();

    @Option(
            names = "--no-default-bootstrap",
            description = "Join only through --bootstrap and the saved routing table.")
    boolean noDefaultBootstrap;

    @Option(
            names = {"-p", "--port"},
            paramLabel = "PORT",
            description = "UDP port of the DHT node (default: dht.port of carillon.conf, 4222).")
    Integer port;

    @Option(
            names = "--bind",
            paramLabel = "ADDR",
            converter = Converters.BindAddressConverter.class,
            description = "Local address of the DHT socket (default: all).")
    InetAddress bind;

    @Option(
            names = "--api-port",
            paramLabel = "PORT",
            description = "TCP port of the API (default: api.bind of carillon.conf, 127.0.0.1:7422; 0: any free port).")
    Integer apiPort;

    @Option(
            names = "--key-bits",
            hidden = true,
            defaultValue = "4096",
            description = "RSA size of new accounts (tests).")
    int keyBits;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        DataDirectory dir = data.directory().ensureExists();
        DaemonConfig config = DaemonConfig.load(dir.root());
        Path logs = Files.createDirectories(dir.root().resolve("logs"));
        Path logFile = LogFile.install(logs, config.logLevel());
        List<InetSocketAddress> nodes = new ArrayList<>();
        if (!bootstrap.isEmpty()) {
            bootstrap.forEach(b -> nodes.addAll(b.addresses()));
        } else if (!noDefaultBootstrap) {
            for (String b : config.bootstrap()) {
                try {
                    nodes.addAll(new BootstrapConverter().convert(b).addresses());
                } catch (RuntimeException e) {
                    LOG.warn("bootstrap node {} of carillon.conf is skipped: {}", b, e.getMessage());
                }
            }
        }
        InetSocketAddress api = apiPort == null
                ? config.apiBind()
                : new InetSocketAddress(config.apiBind().getAddress(), apiPort);
        Daemon daemon = Daemon.start(
                new Daemon.Settings(dir, config, nodes, bind, port == null ? config.dhtPort() : port, api, keyBits));
        CountDownLatch stopped = new CountDownLatch(1);
        Thread stopper = new Thread(
                () -> {
                    out.println("stopping…");
                    out.flush();
                    try {
                        daemon.close();
                    } catch (Exception e) {
                        LOG.error("stopping the daemon: {}", e.toString(), e);
                    }
                    stopped.countDown();
                },
                "carillon-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);

        out.println("Carillon daemon running, data in " + dir.root());
        out.println("  DHT node:  UDP port " + daemon.dhtPort()
                + (nodes.isEmpty() ? " (no bootstrap node)" : " joining through " + describe(nodes)));
        out.println(
                "  API:       " + daemon.apiUri() + " (token in " + dir.root().resolve("api.token") + ")");
        out.println("  accounts:  " + daemon.host().accounts().list().size() + " online"
                + (daemon.host().accounts().list().isEmpty() ? " (create one: carillon account create)" : ""));
        daemon.certificateFingerprint()
                .ifPresent(f -> out.println("  TLS:       self-signed certificate in "
                        + dir.root().resolve(ApiCertificate.FILE) + ", pin its SHA-256 fingerprint " + f));
        out.println("  logs:      " + logFile);
        out.println("Stop with Ctrl-C.");
        out.flush();
        LOG.info("daemon started: DHT port {}, API {}", daemon.dhtPort(), daemon.apiUri());
        daemon.certificateFingerprint().ifPresent(f -> LOG.info("API certificate SHA-256 fingerprint {}", f));

        Thread watcher = watchConfig(dir.root(), out);
        long since = System.currentTimeMillis();
        boolean toldOffline = false;
        while (!stopped.await(500, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            boolean connected =
                    daemon.node().isConnected(Family.IPV4) || daemon.node().isConnected(Family.IPV6);
            if (!connected && !toldOffline && System.currentTimeMillis() - since > OFFLINE_NOTICE_MILLIS) {
                out.println("no DHT node answered yet: running offline (messages wait), still trying");
                out.flush();
                LOG.warn("no DHT node answered in {} s: running offline", OFFLINE_NOTICE_MILLIS / 1000);
                toldOffline = true;
            } else if (connected && toldOffline) {
                out.println("connected to the DHT");
                out.flush();
                toldOffline = false;
            }
        }
        watcher.interrupt();
        return 0;
    }

    /** Rereads carillon.conf when it changes: the log level at once, the rest at the next start. */
    private static Thread watchConfig(Path dir, PrintWriter out) throws IOException {
        WatchService watch = FileSystems.getDefault().newWatchService();
        dir.register(watch, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
        Thread t = new Thread(
                () -> {
                    try (watch) {
                        while (!Thread.currentThread().isInterrupted()) {
                            WatchKey key = watch.take();
                            boolean changed = key.pollEvents().stream()
                                    .anyMatch(e -> DaemonConfig.FILE.equals(String.valueOf(e.context())));
                            key.reset();
                            if (changed) {
                                try {
                                    DaemonConfig c = DaemonConfig.load(dir);
                                    LogFile.level(c.logLevel());
                                    LOG.info(
                                            "carillon.conf reread: log level {}; other changes take effect at the next start",
                                            c.logLevel());
                                } catch (IOException e) {
                                    LOG.error("carillon.conf not applied: {}", e.getMessage());
                                    out.println("carillon.conf not applied: " + e.getMessage());
                                    out.flush();
                                }
                            }
                        }
                    } catch (InterruptedException | ClosedWatchServiceException | IOException e) {
                        // stopping
                    }
                },
                "carillon-config-watch");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String describe(List<InetSocketAddress> nodes) {
        return nodes.size() <= 2 ? nodes.toString() : nodes.subList(0, 2) + " and " + (nodes.size() - 2) + " more";
    }
}
