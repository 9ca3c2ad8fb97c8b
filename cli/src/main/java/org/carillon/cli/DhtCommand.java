package org.carillon.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
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
import org.carillon.dht.crypto.Identity;
import org.carillon.dht.crypto.IdentityGenerator;
import org.carillon.dht.secure.SecureDht;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code carillon dht}: runs one DHT node with dhtnode's console on it: interactive on a
 * terminal, commands from {@code -c} or stdin for scripts, or no console at all ({@code
 * --service}) until Ctrl-C.
 */
@Command(
        name = "dht",
        description = {
            "Run a DHT node that speaks OpenDHT's protocol, with dhtnode's console.",
            "",
            "On a terminal the console edits lines and keeps a history; type 'h' in it",
            "for its commands. Without a terminal it runs the commands given with -c, or",
            "else those read from stdin, waits for their results and exits. --service",
            "runs the node without a console until Ctrl-C.",
            ""
        },
        sortOptions = false,
        footer = {
            "",
            "Console commands (type 'h' in the console for all of them):",
            "  g <key> [WHERE ...]  get values      p <key> <str>   put a text value",
            "  l <key> [WHERE ...]  listen          pp <key> <str>  put it permanently",
            "  q <key> SELECT ...   query fields    ll ls ld lr     node state",
            "  s <key> <str>        put it signed, e <key> <dest> <str> encrypted for the",
            "                       public key ID <dest> (both need --identity or -i)",
            "A <key> of 40 hex digits is used as it is; other text is hashed with SHA-1.",
            "",
            "Examples:",
            "  carillon dht -p 0 -b 127.0.0.1:4222 -c 'p mykey hello' -c 'g mykey'",
            "  echo 'g mykey WHERE user_type=text/plain' | carillon dht -b 127.0.0.1:4222 --json",
            "  carillon dht --identity ~/.carillon/id -b 127.0.0.1:4222 -c 's mykey hi'",
            "",
            "Exit status: 0 when every command succeeded; 1 when one failed or the node",
            "could not start; 2 for a bad option.",
            "Set CARILLON_LOG_LEVEL=DEBUG in the environment for more detailed logs, and",
            IdentitySetup.PASSWORD_VARIABLE + " to the password of the identity's keys."
        })
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
            names = "--identity",
            paramLabel = "PATH",
            description = "Sign, encrypt and check values with the identity in dhtnode's files PATH.pem (key)"
                    + " and PATH.crt (certificate); when neither exists, generate one (RSA-4096, a few seconds)"
                    + " and save it there, its CA in PATH_ca.pem and PATH_ca.crt. Keys are encrypted with"
                    + " the password in the environment variable " + IdentitySetup.PASSWORD_VARIABLE + " when set.")
    Path identityPath;

    @Option(
            names = "-i",
            description = "Generate an identity for this run only, as dhtnode -i does (saves nothing; see --identity).")
    boolean generateIdentity;

    @Option(
            names = "--status-interval",
            hidden = true,
            defaultValue = "30s",
            converter = IntervalConverter.class,
            description = "How often to log the node's status; 0 never.")
    Duration statusInterval;

    @Option(
            names = {"-c", "--command"},
            paramLabel = "CMD",
            description = "Console command to run, e.g. -c 'p mykey hello'; repeatable, run in order, then exit.")
    List<String> commands;

    @Option(names = "--json", description = "Print results as JSON, one object per line, instead of dhtnode's text.")
    boolean json;

    @Option(
            names = "--timeout",
            paramLabel = "TIME",
            defaultValue = "30s",
            converter = IntervalConverter.class,
            description = "Without a terminal, how long each command may wait for its gets and puts"
                    + " (default: ${DEFAULT-VALUE}), e.g. 10s, 500ms, 2m.")
    Duration timeout;

    @Option(
            names = {"-v", "--verbose"},
            description = "Show the node's logs in the console from the start (the 'log' command toggles them).")
    boolean verbose;

    @Option(
            names = {"-s", "--service"},
            description = "No console: run until Ctrl-C, logging the node's status (like dhtnode -s).")
    boolean service;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    @FunctionalInterface
    interface Launcher {
        DhtNode start(DhtConfig config) throws IOException;
    }

    @Spec
    CommandSpec spec;

    private final Launcher launcher;
    private final Stdin stdin;
    private final SecureRandom random = new SecureRandom();
    private int rsaBits = IdentityGenerator.DEFAULT_RSA_BITS;
    private Function<String, String> environment = System::getenv;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile DhtNode running;

    /** Starts a real {@link DhtRunner}. */
    static final Launcher RUNNER = config -> DhtNode.of(DhtRunner.start(config));

    public DhtCommand() {
        this(RUNNER, Stdin.SYSTEM);
    }

    DhtCommand(Launcher launcher) {
        this(launcher, Stdin.SYSTEM);
    }

    DhtCommand(Launcher launcher, Stdin stdin) {
        this.launcher = launcher;
        this.stdin = stdin;
    }

    /** Generated identities get keys of this size: tests use smaller ones, which take less time. */
    DhtCommand withRsaBits(int bits) {
        this.rsaBits = bits;
        return this;
    }

    /** The environment variables the command reads, instead of the process's. */
    DhtCommand withEnvironment(Map<String, String> variables) {
        this.environment = variables::get;
        return this;
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
    public Integer call() throws InterruptedException, IOException {
        if (service && commands != null) {
            throw new ParameterException(spec.commandLine(), "--service runs no console, so it takes no --command");
        }
        if (service && json) {
            throw new ParameterException(spec.commandLine(), "--service runs no console, so it prints no JSON");
        }
        checkIdentityOptions();
        // the console takes the logs over before the node starts, so its start-up lines stay quiet
        LogSwitch logs = service ? LogSwitch.inMemory() : LogbackSwitch.install(verbose);
        DhtConfig config = toConfig();
        Optional<Identity> identity;
        try {
            // before the node starts: a bad identity file stops the command before any socket opens
            identity = identity();
        } catch (IdentitySetup.Failure e) {
            log.error(e.getMessage());
            logs.close();
            return 1;
        }
        DhtNode node;
        try {
            node = launcher.start(config);
        } catch (IOException e) {
            log.error("Cannot start the DHT node on port {}: {}", config.port(), e.getMessage());
            logs.close();
            return 1;
        }
        if (identity.isPresent()) {
            node = withIdentity(node, identity.get());
        }
        running = node;
        Thread hook = new Thread(this::stopOnSignal, "carillon-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int status;
        try {
            status = service ? runService(node) : runConsole(node, config, logs);
        } finally {
            closeNode(node);
            logs.close();
            stopped.countDown();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook itself asked us to stop
        }
        return status;
    }

    private void checkIdentityOptions() {
        if (generateIdentity && identityPath != null) {
            throw new ParameterException(
                    spec.commandLine(), "-i generates an identity and --identity loads or creates one: give only one");
        }
        if (identityPath == null) {
            return;
        }
        if (identityPath.toString().isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--identity needs a PATH, e.g. ~/.carillon/id");
        }
        if (Files.isDirectory(identityPath)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--identity " + identityPath + " is a directory; give the files' PATH without their"
                            + " endings, e.g. " + identityPath.resolve("id") + " for id.pem and id.crt there");
        }
    }

    private Optional<Identity> identity() throws IdentitySetup.Failure {
        if (identityPath == null && !generateIdentity) {
            return Optional.empty();
        }
        IdentitySetup setup = new IdentitySetup(
                environment, rsaBits, random, spec.commandLine().getErr());
        return Optional.of(generateIdentity ? setup.createForThisRun() : setup.loadOrCreate(identityPath));
    }

    /**
     * Puts the identity layer on the node and announces our certificate where other nodes look
     * for it. With no node to store it yet, the permanent put stays and is announced once nodes
     * answer.
     */
    private DhtNode withIdentity(DhtNode node, Identity identity) {
        SecureDht secure = new SecureDht(node, identity, random);
        secure.publishCertificate().whenComplete((ok, error) -> {
            if (error == null) {
                log.info("Certificate of public key {} published", identity.id());
            } else {
                log.info("Certificate of public key {} not published yet: {}", identity.id(), error.getMessage());
            }
        });
        return new SecureNode(node, secure);
    }

    private int runService(DhtNode node) throws InterruptedException {
        InfoHash id = node.nodeId();
        log.info("Carillon DHT node {} listening on port {}", id, node.port());
        node.secure().ifPresent(s -> log.info("Public key ID {}", s.identity().id()));
        if (statusInterval.isZero()) {
            stopRequested.await();
        } else {
            while (!stopRequested.await(statusInterval.toMillis(), TimeUnit.MILLISECONDS)) {
                logStatus(node);
            }
        }
        return 0;
    }

    private int runConsole(DhtNode node, DhtConfig config, LogSwitch logs) throws IOException, InterruptedException {
        if (commands == null && stdin.isTerminal()) {
            VerbTable verbs = VerbTable.standard();
            try (InteractiveConsole terminal = InteractiveConsole.open(verbs);
                    LogSwitch.Redirect aboveThePrompt = logs.redirect(terminal.sink());
                    ConsoleSession session = session(node, config, terminal.sink(), verbs, logs)) {
                session.output()
                        .started(node.nodeId(), node.port(), node.secure().map(SecureDht::identity));
                terminal.run(session);
                session.output().stopping();
            }
            return 0;
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (ConsoleSession session = session(node, config, ConsoleSink.of(out, err), VerbTable.standard(), logs)) {
            session.output().started(node.nodeId(), node.port(), node.secure().map(SecureDht::identity));
            if (!config.bootstrap().isEmpty() && !ScriptConsole.awaitConnected(node, timeout)) {
                session.output()
                        .info(
                                null,
                                "Not connected to any node after " + DhtnodeFormat.duration(timeout)
                                        + "; running the commands anyway");
            }
            ScriptConsole.Lines lines =
                    commands != null ? ScriptConsole.Lines.of(commands) : ScriptConsole.lines(stdin.reader(), session);
            return ScriptConsole.run(session, lines, timeout);
        }
    }

    private ConsoleSession session(DhtNode node, DhtConfig config, ConsoleSink sink, VerbTable verbs, LogSwitch logs) {
        ConsoleOutput output = json ? new JsonOutput(sink) : new TextOutput(sink);
        return new ConsoleSession(node, output, verbs, logs, config.bootstrap(), new SecureRandom(), System::nanoTime);
    }

    private void closeNode(DhtNode node) {
        if (closed.compareAndSet(false, true)) {
            node.close();
            if (service) {
                log.info("Carillon DHT node {} stopped", node.nodeId());
            }
        }
    }

    /** Makes a running {@link #call()} close the node and return 0. */
    void requestStop() {
        stopRequested.countDown();
    }

    /**
     * Ctrl-C or SIGTERM. Without a console: lets {@link #call()} close the node, then ends the JVM
     * with status 0, since a node stopped on request has not failed (the JVM's own status would be
     * 128+signal). With a console, which may be blocked reading a line: closes the node here and
     * lets the JVM end normally, so that the terminal gets its settings back.
     */
    private void stopOnSignal() {
        requestStop();
        if (!service) {
            DhtNode node = running;
            if (node != null) {
                closeNode(node);
            }
            return;
        }
        try {
            if (stopped.await(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                Runtime.getRuntime().halt(0);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void logStatus(DhtNode node) {
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
}
