package org.carillon.dht.interop;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.carillon.dht.InfoHash;
import org.carillon.dht.interop.DhtnodeConsole.GetResult;
import org.carillon.dht.interop.DhtnodeConsole.ListenEvent;
import org.carillon.dht.interop.DhtnodeConsole.NodeStats;
import org.carillon.dht.interop.DhtnodeConsole.PutResult;
import org.carillon.dht.interop.DhtnodeConsole.QueryResult;
import org.carillon.dht.interop.DhtnodeConsole.RoutingTables;
import org.carillon.dht.interop.OutputLines.LineMatch;

/**
 * A real OpenDHT 2.4.12 {@code dhtnode} on this machine, driven through its console (stdin) and
 * observed through its stdout ({@code -v} log lines included).
 *
 * <p>Safety: dhtnode binds {@code 0.0.0.0:P} and {@code [::]:P} (it has no bind-address option)
 * but only sends to nodes it is told about; this class never passes {@code -D} (multicast peer
 * discovery) and only accepts 127.0.0.1 / [::1] bootstrap addresses ({@link Loopback}).
 *
 * <p>The convenience operations ({@link #put}, {@link #get}, {@link #listen}, {@link
 * #routingTables}, …) send one console command and parse the answer printed after it; the
 * console's answers carry no request id, so issue them one at a time per node (a running listen
 * is fine: its output is told apart from a get's). Anything else can be done with {@link #send}
 * and {@link #awaitLineAfter}.
 */
public final class DhtnodeProcess implements AutoCloseable {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    private static final int START_ATTEMPTS = 3;

    private final InteropProcess process;
    private final InfoHash nodeId;
    private final int port;
    private final Optional<InfoHash> publicKeyId;
    private final Options options;

    /** How to start a dhtnode; every setter returns {@code this}. */
    public static final class Options {
        private int port;
        private InetSocketAddress bootstrap;
        private Long networkId;
        private boolean noRateLimit;
        private boolean generateIdentity;
        private Path saveIdentity;
        private Path certificate;
        private Path privateKey;
        private String privateKeyPassword;
        private boolean verbose = true;
        private boolean peerDiscoveryInPrivateNetwork;
        private String name = "dhtnode";
        private Duration startTimeout = Duration.ofSeconds(20);

        /** UDP port; 0 (default) picks a free one with {@link FreePorts} and retries on a bind failure. */
        public Options port(int port) {
            this.port = port;
            return this;
        }

        /** {@code -b}: must be 127.0.0.1:P or [::1]:P. */
        public Options bootstrap(InetSocketAddress address) {
            Loopback.requireLoopback(address);
            this.bootstrap = address;
            return this;
        }

        /** {@code -b 127.0.0.1:<port of node>}. */
        public Options bootstrap(DhtnodeProcess node) {
            return bootstrap(node.address());
        }

        /** {@code -n}: network id (default 0, the Jami network id; nodes on different ids ignore each other). */
        public Options networkId(long networkId) {
            this.networkId = networkId;
            return this;
        }

        /** {@code -U}: no request rate limits, no search or storage caps. */
        public Options noRateLimit() {
            this.noRateLimit = true;
            return this;
        }

        /** {@code -i}: generate an RSA-4096 identity (enables {@code s}/{@code e}; takes seconds). */
        public Options generateIdentity() {
            this.generateIdentity = true;
            return this;
        }

        /** {@code -i --save-identity PATH}: also save PATH.pem/.crt and PATH_ca.pem/.crt. */
        public Options saveIdentity(Path pathPrefix) {
            this.generateIdentity = true;
            this.saveIdentity = pathPrefix;
            return this;
        }

        /** {@code --certificate CRT --privkey PEM}: load an existing identity. */
        public Options identity(Path certificate, Path privateKey) {
            this.certificate = certificate;
            this.privateKey = privateKey;
            return this;
        }

        /** {@code --privkey-password}: the password of an encrypted {@code --privkey}. */
        public Options privateKeyPassword(String password) {
            this.privateKeyPassword = password;
            return this;
        }

        /** {@code -v} (default on): DHT log lines on stdout, kept in the output and the log file. */
        public Options verbose(boolean verbose) {
            this.verbose = verbose;
            return this;
        }

        /**
         * {@code -D} (multicast LAN peer discovery), with dhtnode started in a network namespace of
         * its own whose only interface is {@code lo} ({@link PrivateNetwork}): the only way this
         * fixture ever enables discovery. Skips or fails (see {@link InteropPeers}) without root.
         */
        public Options peerDiscoveryInPrivateNetwork() {
            this.peerDiscoveryInPrivateNetwork = true;
            return this;
        }

        /** Name used in log file names and failure messages. */
        public Options name(String name) {
            this.name = name;
            return this;
        }

        public Options startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        boolean hasIdentity() {
            return generateIdentity || certificate != null;
        }

        List<String> command(Path dhtnode, int port) {
            List<String> cmd = new ArrayList<>(List.of(dhtnode.toString(), "-p", Integer.toString(port)));
            if (bootstrap != null) {
                cmd.add("-b");
                cmd.add(Loopback.requireLoopback(bootstrap));
            }
            if (networkId != null) {
                cmd.add("-n");
                cmd.add(Long.toString(networkId));
            }
            if (noRateLimit) {
                cmd.add("-U");
            }
            if (generateIdentity) {
                cmd.add("-i");
            }
            if (saveIdentity != null) {
                cmd.add("--save-identity");
                cmd.add(saveIdentity.toString());
            }
            if (certificate != null) {
                cmd.add("--certificate");
                cmd.add(certificate.toString());
                cmd.add("--privkey");
                cmd.add(privateKey.toString());
            }
            if (privateKeyPassword != null) {
                cmd.add("--privkey-password");
                cmd.add(privateKeyPassword);
            }
            if (verbose) {
                cmd.add("-v");
            }
            if (cmd.contains("-D")) {
                throw new AssertionError("peer discovery (-D) must never be enabled: " + cmd);
            }
            if (peerDiscoveryInPrivateNetwork) {
                cmd.add("-D");
                return PrivateNetwork.isolated(cmd);
            }
            return cmd;
        }
    }

    public static Options options() {
        return new Options();
    }

    private DhtnodeProcess(
            InteropProcess process, InfoHash nodeId, int port, Optional<InfoHash> publicKeyId, Options options) {
        this.process = process;
        this.nodeId = nodeId;
        this.port = port;
        this.publicKeyId = publicKeyId;
        this.options = options;
    }

    /** A standalone dhtnode on a free port (no bootstrap). */
    public static DhtnodeProcess start() {
        return start(options());
    }

    /**
     * Starts dhtnode and waits until it prints {@code OpenDHT node <id> running on port P}. Skips or
     * fails the test (see {@link InteropPeers}) if dhtnode is not installed.
     */
    public static DhtnodeProcess start(Options options) {
        Path dhtnode = InteropPeers.requireDhtnode();
        if (options.peerDiscoveryInPrivateNetwork) {
            InteropPeers.requirePrivateNetwork();
        }
        int attempts = options.port == 0 ? START_ATTEMPTS : 1;
        for (int attempt = 1; ; attempt++) {
            int port = options.port != 0 ? options.port : FreePorts.udpPort();
            InteropProcess p = InteropProcess.start(
                    options.name + "-" + port, options.command(dhtnode, port), DhtnodeConsole::stripPrompts);
            LineMatch running = null;
            try {
                running = p.output().awaitMatch(0, DhtnodeConsole.RUNNING, options.startTimeout);
            } catch (AssertionError e) {
                if (!bindFailed(p, port)) {
                    p.stop("x", Duration.ofMillis(1500));
                    throw e;
                }
            }
            // Port taken: if the other family is free dhtnode keeps running without an IPv4 socket
            // ("running on IPv4 port 0, IPv6 port P"); if both are taken it exits.
            if (running == null || bound4(running) != port) {
                p.stop("x", Duration.ofMillis(1500));
                if (attempt < attempts) {
                    continue;
                }
                throw new AssertionError("dhtnode could not bind UDP 0.0.0.0:" + port + "\n"
                        + p.output().tail());
            }
            try {
                Optional<InfoHash> pk = Optional.empty();
                if (options.hasIdentity()) {
                    pk = Optional.of(InfoHash.fromHex(p.output()
                            .awaitMatch(running.index() + 1, DhtnodeConsole.PUBLIC_KEY_ID, Duration.ofSeconds(5))
                            .group(1)));
                }
                return new DhtnodeProcess(p, InfoHash.fromHex(running.group(1)), port, pk, options);
            } catch (AssertionError | RuntimeException e) {
                p.stop("x", Duration.ofMillis(1500));
                throw e;
            }
        }
    }

    private static int bound4(LineMatch running) {
        return Integer.parseInt(running.group(2) != null ? running.group(2) : running.group(3));
    }

    private static boolean bindFailed(InteropProcess p, int port) {
        return p.output().all().stream().anyMatch(l -> l.contains("Can't bind socket on 0.0.0.0:" + port));
    }

    public InfoHash nodeId() {
        return nodeId;
    }

    public int port() {
        return port;
    }

    /** Where peers reach this node: 127.0.0.1:port. */
    public InetSocketAddress address() {
        return Loopback.ipv4(port);
    }

    /** [::1]:port (dhtnode also listens on IPv6). */
    public InetSocketAddress addressIpv6() {
        return Loopback.ipv6(port);
    }

    public long pid() {
        return process.pid();
    }

    /** With an identity: the public key id printed as {@code Public key ID <hex>}. */
    public Optional<InfoHash> publicKeyId() {
        return publicKeyId;
    }

    public Path logFile() {
        return process.logFile();
    }

    public OutputLines output() {
        return process.output();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code once the process ended (128 + signal when a signal killed it), waiting at most {@code timeout}. */
    public java.util.OptionalInt awaitExit(Duration timeout) {
        return process.awaitExit(timeout);
    }

    /** Current end of the output; pass it to {@link #awaitLineAfter} to look only at later lines. */
    public int mark() {
        return process.output().mark();
    }

    /** Types one console command; returns the {@link #mark()} taken just before sending it. */
    public int send(String consoleCommand) {
        int mark = mark();
        process.sendLine(consoleCommand);
        return mark;
    }

    /** The first line (since the process started) matching {@code pattern}. */
    public String awaitLine(Pattern pattern, Duration timeout) {
        return awaitLineAfter(0, pattern, timeout);
    }

    /** The first line at or after {@code mark} matching {@code pattern} (by {@code find()}). */
    public String awaitLineAfter(int mark, Pattern pattern, Duration timeout) {
        return process.output().awaitMatch(mark, pattern, timeout).line();
    }

    /** Like {@link #awaitLineAfter} with the match (index, groups). */
    public LineMatch awaitMatchAfter(int mark, Pattern pattern, Duration timeout) {
        return process.output().awaitMatch(mark, pattern, timeout);
    }

    /** {@code p KEY TEXT}: put a text/plain value (type 0, 10 min lifetime). */
    public PutResult put(String key, String text) {
        return put("p", key, text, DEFAULT_TIMEOUT);
    }

    public PutResult put(InfoHash key, String text) {
        return put(key.toString(), text);
    }

    /** {@code pp KEY TEXT}: permanent put (dhtnode keeps refreshing it). */
    public PutResult putPermanent(String key, String text) {
        return put("pp", key, text, DEFAULT_TIMEOUT);
    }

    /** {@code s KEY TEXT}: a text/plain value signed with the node's identity; true on success. */
    public boolean putSigned(String key, String text, Duration timeout) {
        checkWord("key", key);
        checkWord("text", text);
        int mark = send("s " + key + " " + text);
        return process.output()
                .awaitMatch(mark, DhtnodeConsole.SECURE_PUT_RESULT, timeout)
                .group(2)
                .equals("success");
    }

    /** {@code e KEY DEST TEXT}: TEXT signed and encrypted for the key whose id is DEST; true on success. */
    public boolean putEncrypted(String key, InfoHash recipient, String text, Duration timeout) {
        checkWord("key", key);
        checkWord("text", text);
        int mark = send("e " + key + " " + recipient + " " + text);
        return process.output()
                .awaitMatch(mark, DhtnodeConsole.SECURE_PUT_RESULT, timeout)
                .group(2)
                .equals("success");
    }

    public PutResult put(String verb, String key, String text, Duration timeout) {
        checkWord("key", key);
        checkWord("text", text);
        int mark = send(verb + " " + key + " " + text);
        LineMatch m = process.output().awaitMatch(mark, DhtnodeConsole.PUT_RESULT, timeout);
        return new PutResult(m.group(1).equals("success"), m.group(3), m.group(2), m.line());
    }

    /** {@code g KEY}: waits for {@code Get: completed|failure} and returns the values found. */
    public GetResult get(String key) {
        return get(key, DEFAULT_TIMEOUT);
    }

    public GetResult get(InfoHash key) {
        return get(key.toString());
    }

    public GetResult get(String key, Duration timeout) {
        return getWhere(key, "", timeout);
    }

    /**
     * {@code g KEY WHERE …}: a get filtered by OpenDHT's {@code Where} syntax, e.g. {@code
     * "WHERE id=1234"} (decimal), {@code "WHERE value_type=5,user_type=text/plain"}; "" for none.
     */
    public GetResult getWhere(String key, String where, Duration timeout) {
        checkWord("key", key);
        checkClause("WHERE", where);
        int mark = send("g " + key + (where.isEmpty() ? "" : " " + where));
        LineMatch done = process.output().awaitMatch(mark, DhtnodeConsole.GET_DONE, timeout);
        return DhtnodeConsole.parseGet(process.output().range(mark, done.index() + 1));
    }

    /**
     * {@code q KEY SELECT … [WHERE …]}: the rows of selected fields, e.g. {@code "SELECT
     * id,value_type WHERE user_type=text/plain"}.
     */
    public QueryResult query(String key, String selectWhere, Duration timeout) {
        checkWord("key", key);
        checkClause("SELECT", selectWhere);
        int mark = send("q " + key + " " + selectWhere);
        LineMatch done = process.output().awaitMatch(mark, DhtnodeConsole.QUERY_DONE, timeout);
        return DhtnodeConsole.parseQuery(process.output().range(mark, done.index() + 1));
    }

    /** One console line, starting with {@code keyword} (or empty for a where clause). */
    private static void checkClause(String keyword, String clause) {
        if (clause.indexOf('\n') >= 0 || clause.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a console command is one line: " + clause);
        }
        if (!(clause.isEmpty() && keyword.equals("WHERE")) && !clause.startsWith(keyword + " ")) {
            throw new IllegalArgumentException("expected \"" + keyword + " …\", not \"" + clause + "\"");
        }
    }

    /**
     * {@code l KEY}: starts listening; returns the listen token. Events are printed without the
     * key: read them with {@link #listenEvents} / {@link #awaitListenEvent} from a mark taken
     * before this call.
     */
    public int listen(String key) {
        checkWord("key", key);
        int mark = send("l " + key);
        return Integer.parseInt(process.output()
                .awaitMatch(mark, DhtnodeConsole.LISTENING, DEFAULT_TIMEOUT)
                .group(1));
    }

    public int listen(InfoHash key) {
        return listen(key.toString());
    }

    /** {@code cl KEY TOKEN} (prints nothing). */
    public void cancelListen(String key, int token) {
        checkWord("key", key);
        send("cl " + key + " " + token);
    }

    /** Complete listen callbacks printed at or after {@code mark}. */
    public List<ListenEvent> listenEvents(int mark) {
        return DhtnodeConsole.parseListenEvents(process.output().since(mark), mark);
    }

    /** Waits for a listen callback at or after {@code mark} that satisfies {@code condition}. */
    public ListenEvent awaitListenEvent(int mark, Predicate<ListenEvent> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int seen = mark();
            for (ListenEvent e :
                    DhtnodeConsole.parseListenEvents(process.output().range(mark, seen), mark)) {
                if (condition.test(e)) {
                    return e;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(process.name() + ": no matching listen event within " + timeout.toMillis()
                        + " ms\n" + process.output().tail());
            }
            // block until at least one more line arrives (or fail with the tail on timeout)
            process.output().awaitLine(seen, line -> true, "listen event", Duration.ofNanos(left));
        }
    }

    /** Waits for a (non-expired) listen callback at or after {@code mark} carrying the text value {@code text}. */
    public ListenEvent awaitListenValue(int mark, String text, Duration timeout) {
        return awaitListenEvent(
                mark,
                e -> !e.expired()
                        && e.values().stream().anyMatch(v -> v.rendered().equals("\"" + text + "\"")),
                timeout);
    }

    /** {@code lr}: both routing tables. */
    public RoutingTables routingTables() {
        int mark = send("lr");
        LineMatch v6 = process.output().awaitMatch(mark, Pattern.compile("^IPv6 routing table:$"), DEFAULT_TIMEOUT);
        LineMatch end = process.output().awaitMatch(v6.index() + 1, Pattern.compile("^$"), DEFAULT_TIMEOUT);
        return DhtnodeConsole.parseRoutingTables(process.output().range(mark, end.index()));
    }

    /** The ids in {@code lr}'s IPv4 and IPv6 tables. */
    public List<InfoHash> routingTableNodeIds() {
        return routingTables().nodeIds();
    }

    /** {@code ll}: node id, operation and storage counts, known nodes per family. */
    public NodeStats nodeStats() {
        int mark = send("ll");
        LineMatch v6 = process.output().awaitMatch(mark, Pattern.compile("^IPv6 stats:$"), DEFAULT_TIMEOUT);
        LineMatch end = process.output().awaitMatch(v6.index() + 1, Pattern.compile("^$"), DEFAULT_TIMEOUT);
        return DhtnodeConsole.parseNodeStats(process.output().range(mark, end.index()));
    }

    /** {@code ls}: the searches log, up to its {@code Total: N searches (…)} line. */
    public List<String> searchesLog() {
        int mark = send("ls");
        LineMatch end = process.output().awaitMatch(mark, Pattern.compile("^Total: \\d+ searches"), DEFAULT_TIMEOUT);
        return process.output().range(mark, end.index() + 1);
    }

    /** {@code ld}: the storage log, up to its {@code Total N storages, …} line. */
    public List<String> storageLog() {
        int mark = send("ld");
        LineMatch end = process.output().awaitMatch(mark, Pattern.compile("^Total \\d+ storages"), DEFAULT_TIMEOUT);
        return process.output().range(mark, end.index() + 1);
    }

    /** {@code ld}, parsed: key → number of values stored on this node. */
    public Map<InfoHash, Integer> storage() {
        return DhtnodeConsole.parseStorage(storageLog());
    }

    /**
     * {@code ii NAME KEY HASH}: inserts into dhtnode's prefix-hash-tree index; true on {@code
     * Pht::insert: done.}. A refused command (key outside the index's spec, bad hash) fails with
     * the message dhtnode printed.
     */
    public boolean indexInsert(String index, String key, InfoHash value, Duration timeout) {
        checkWord("index", index);
        checkWord("key", key);
        int mark = send("ii " + index + " " + key + " " + value);
        LineMatch m = process.output()
                .awaitMatch(
                        mark,
                        Pattern.compile("^Pht::insert: (done|failed)\\.$|^(Key does not match.*|Syntax error.*)$"),
                        timeout);
        if (m.group(2) != null) {
            throw new AssertionError(process.name() + " refused \"ii " + index + " " + key + "\": " + m.group(2));
        }
        return m.group(1).equals("done");
    }

    /** {@code il NAME KEY [false]}: looks up dhtnode's index, exact or not; waits for {@code done.|failed.}. */
    public DhtnodeConsole.IndexLookupResult indexLookup(String index, String key, boolean exact, Duration timeout) {
        checkWord("index", index);
        checkWord("key", key);
        int mark = send("il " + index + " " + key + (exact ? "" : " false"));
        LineMatch done = process.output().awaitMatch(mark, DhtnodeConsole.PHT_LOOKUP_DONE, timeout);
        return DhtnodeConsole.parseIndexLookup(process.output().range(mark, done.index() + 1));
    }

    /**
     * {@code b 127.0.0.1:P}: adds a (loopback) bootstrap node. dhtnode 2.4.12 pings it only while
     * it has no node on either family ({@code Dht::bootstrap} returns at once otherwise), so on a
     * node that has joined, or started with {@code -b}, this usually does nothing.
     */
    public void ping(InetSocketAddress address) {
        send("b " + Loopback.requireLoopback(address));
    }

    /**
     * Waits until {@code nodeId} is in this node's routing table, polling {@code lr} every 200 ms.
     */
    public void awaitRoutingTableContains(InfoHash id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            RoutingTables t = routingTables();
            if (t.nodeIds().contains(id)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(process.name() + ": " + id + " not in routing tables after "
                        + timeout.toMillis() + " ms: " + t);
            }
            sleep(200);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static void checkWord(String what, String s) {
        if (s.isEmpty() || s.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(
                    "the dhtnode console reads one word per argument; bad " + what + ": \"" + s + "\"");
        }
    }

    /**
     * Stops the node: {@code x} and stdin closed, up to 1.5 s to exit; then SIGTERM and 500 ms;
     * then SIGKILL. dhtnode 2.4.12 often hangs after "state changed to Stopping" (its main() waits
     * on a condition variable that the shutdown callback notifies without holding the mutex: a
     * lost wakeup); SIGTERM does not help then, only SIGKILL does. Without {@code --persist}
     * there is no state to lose.
     */
    @Override
    public void close() {
        process.stop("x", Duration.ofMillis(1500));
    }

    @Override
    public String toString() {
        return options.name + "[" + nodeId + " 127.0.0.1:" + port + ", pid " + pid() + "]";
    }
}
