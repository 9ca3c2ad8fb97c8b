package org.carillon.dht.interop;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.carillon.dht.InfoHash;
import org.carillon.dht.interop.OutputLines.LineMatch;

/**
 * A python3-opendht 2.4.12 node (the C++ library behind Jami, through its Python bindings) bound
 * to {@code 127.0.0.1:P}, driven by {@code interop/pydht_driver.py} over stdin/stdout. Every
 * request carries an id, so operations may overlap (unlike the dhtnode console).
 *
 * <p>Limits of the 2.4.12 bindings: no permanent, signed or encrypted puts, no value type on
 * values read back (only id, data, user type and, for signed values, seq, owner and recipient),
 * no way to load a private key (an identity can only be generated in Python, see {@link
 * Options#identityBits}), and gets/puts complete only when the whole search does (≈1 s; up to
 * ~10 s when a known peer vanished).
 */
public final class PythonOpendhtNode implements AutoCloseable {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    private static final String DRIVER_RESOURCE = "/interop/pydht_driver.py";
    private static final Pattern READY = Pattern.compile("^READY ([0-9a-f]{40}) (\\S+)$");
    private static final int START_ATTEMPTS = 3;
    private static Path driverScript;

    private final InteropProcess process;
    private final InfoHash nodeId;
    private final int port;
    private final AtomicInteger requests = new AtomicInteger();

    /**
     * A value as the Python node reports it. {@code userType} is "" when the value has none;
     * {@code owner} (the signer's public-key id) is null for unsigned values, {@code seq} then 0;
     * {@code recipient} is non-null for a value addressed to a key (one the node decrypted).
     */
    public record PeerValue(long id, byte[] data, String userType, InfoHash owner, int seq, InfoHash recipient) {
        public PeerValue(long id, byte[] data, String userType) {
            this(id, data, userType, null, 0, null);
        }

        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }

        /** Signed, and the node verified the signature (OpenDHT drops the others before reporting). */
        public boolean signed() {
            return owner != null;
        }

        public String idHex() {
            return Long.toHexString(id);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PeerValue v
                    && v.id == id
                    && Arrays.equals(v.data, data)
                    && v.userType.equals(userType)
                    && Objects.equals(v.owner, owner)
                    && v.seq == seq
                    && Objects.equals(v.recipient, recipient);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(id) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "PeerValue[id:" + idHex() + " utype:" + userType
                    + (owner == null ? "" : " signed (v" + seq + ") by " + owner)
                    + (recipient == null ? "" : " for " + recipient) + " data:"
                    + HexFormat.of().formatHex(data) + "]";
        }
    }

    public record PutResult(boolean ok, long valueId) {}

    public record ListenEvent(boolean expired, PeerValue value) {}

    /** The node's identity: its public-key id and its (self-signed) certificate. */
    public record PeerIdentity(InfoHash publicKeyId, X509Certificate certificate) {}

    /** How to start the node; every setter returns {@code this}. */
    public static final class Options {
        private int port;
        private final List<InetSocketAddress> bootstrap = new ArrayList<>();
        private long networkId;
        private boolean noRateLimit;
        private boolean dhtLog = true;
        private int identityBits;
        private String name = "pydht";
        private Duration startTimeout = Duration.ofSeconds(20);

        /** UDP port on 127.0.0.1; 0 (default) picks a free one and retries on a bind failure. */
        public Options port(int port) {
            this.port = port;
            return this;
        }

        /** A bootstrap node: must be 127.0.0.1:P or [::1]:P (may be given several times). */
        public Options bootstrap(InetSocketAddress address) {
            Loopback.requireLoopback(address);
            bootstrap.add(address);
            return this;
        }

        public Options bootstrap(DhtnodeProcess node) {
            return bootstrap(node.address());
        }

        public Options networkId(long networkId) {
            this.networkId = networkId;
            return this;
        }

        public Options noRateLimit() {
            this.noRateLimit = true;
            return this;
        }

        /** Whether OpenDHT's own log goes to {@code target/interop/<name>-<port>-opendht.log} (default on). */
        public Options dhtLog(boolean on) {
            this.dhtLog = on;
            return this;
        }

        /**
         * Gives the node an identity ({@code DhtConfig.setIdentity}): a fresh RSA key of that many
         * bits with a self-signed certificate, made by the node itself (2048 is quick; 4096, OpenDHT's
         * default, takes seconds). 0 (default): no identity.
         */
        public Options identityBits(int bits) {
            this.identityBits = bits;
            return this;
        }

        public Options name(String name) {
            this.name = name;
            return this;
        }

        public Options startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }
    }

    public static Options options() {
        return new Options();
    }

    private PythonOpendhtNode(InteropProcess process, InfoHash nodeId, int port) {
        this.process = process;
        this.nodeId = nodeId;
        this.port = port;
    }

    /**
     * Starts the node and waits for its {@code READY} line. Skips or fails the test (see {@link
     * InteropPeers}) if python3-opendht is missing.
     */
    public static PythonOpendhtNode start(Options options) {
        Path python = InteropPeers.requirePythonOpendht();
        Path script = driverScript();
        int attempts = options.port == 0 ? START_ATTEMPTS : 1;
        for (int attempt = 1; ; attempt++) {
            int port = options.port != 0 ? options.port : FreePorts.udpPort();
            List<String> cmd = new ArrayList<>(
                    List.of(python.toString(), "-u", script.toString(), "--port", Integer.toString(port)));
            for (InetSocketAddress b : options.bootstrap) {
                cmd.add("--bootstrap");
                cmd.add(Loopback.requireLoopback(b));
            }
            if (options.networkId != 0) {
                cmd.add("--network");
                cmd.add(Long.toString(options.networkId));
            }
            if (options.noRateLimit) {
                cmd.add("--no-rate-limit");
            }
            if (options.identityBits > 0) {
                cmd.add("--identity-bits");
                cmd.add(Integer.toString(options.identityBits));
            }
            String name = options.name + "-" + port;
            if (options.dhtLog) {
                cmd.add("--log");
                cmd.add(InteropProcess.logDirectory()
                        .resolve(name + "-opendht.log")
                        .toAbsolutePath()
                        .toString());
            }
            InteropProcess p = InteropProcess.start(name, cmd, line -> line);
            try {
                LineMatch ready = p.output().awaitMatch(0, READY, options.startTimeout);
                if (!ready.group(2).equals("127.0.0.1:" + port)) {
                    throw new AssertionError("python3-opendht bound " + ready.group(2) + ", not 127.0.0.1:" + port
                            + "\n" + p.output().tail());
                }
                return new PythonOpendhtNode(p, InfoHash.fromHex(ready.group(1)), port);
            } catch (AssertionError | RuntimeException e) {
                p.stop("quit", Duration.ofSeconds(2));
                // a busy port aborts the interpreter: "DhtException occurred: Can't bind socket"
                boolean bindFailed = p.output().all().stream().anyMatch(l -> l.contains("Can't bind"));
                if (!bindFailed || attempt >= attempts) {
                    throw e;
                }
            }
        }
    }

    /** Copies the driver from the test classpath to target/interop (it may live in a jar). */
    private static synchronized Path driverScript() {
        if (driverScript == null) {
            try (InputStream in = PythonOpendhtNode.class.getResourceAsStream(DRIVER_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(DRIVER_RESOURCE + " is not on the test classpath");
                }
                Path dir = InteropProcess.logDirectory();
                Files.createDirectories(dir);
                Path target = dir.resolve("pydht_driver.py");
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                driverScript = target.toAbsolutePath();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return driverScript;
    }

    public InfoHash nodeId() {
        return nodeId;
    }

    public int port() {
        return port;
    }

    /** 127.0.0.1:port. */
    public InetSocketAddress address() {
        return Loopback.ipv4(port);
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return process.logFile();
    }

    public OutputLines output() {
        return process.output();
    }

    private String request(String verb, String args) {
        String req = "r" + requests.incrementAndGet();
        process.sendLine(args.isEmpty() ? verb + " " + req : verb + " " + req + " " + args);
        return req;
    }

    /** Waits for the reply line {@code VERB REQ …} or fails fast on {@code ERROR REQ …}. */
    private LineMatch awaitReply(int mark, String verb, String req, String rest, Duration timeout) {
        String expected = verb + " " + req + (rest.isEmpty() ? "" : " " + rest);
        Pattern reply = Pattern.compile("^(?:" + expected + "|ERROR " + req + " (.*))$");
        LineMatch m = process.output().awaitMatch(mark, reply, timeout);
        if (m.line().startsWith("ERROR ")) {
            throw new AssertionError(process.name() + ": " + m.line());
        }
        return m;
    }

    public boolean put(InfoHash key, byte[] data, int type) {
        return putValue(key.toString(), data, type, "", DEFAULT_TIMEOUT).ok();
    }

    public boolean put(String hexKey, byte[] data, int type) {
        return putValue(hexKey, data, type, "", DEFAULT_TIMEOUT).ok();
    }

    /**
     * Puts a value of type {@code type} (0 = user data, 10 min; 5 = 1 min) with an optional user
     * type ("" for none, no spaces) and waits for the put to complete.
     */
    public PutResult putValue(String hexKey, byte[] data, int type, String userType, Duration timeout) {
        checkKey(hexKey);
        if (userType.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("user type without spaces: " + userType);
        }
        int mark = process.output().mark();
        String req = request("put", hexKey + " " + type + " " + hex(data) + (userType.isEmpty() ? "" : " " + userType));
        LineMatch m = awaitReply(mark, "PUT", req, "(OK|FAIL) ([0-9a-f]+)", timeout);
        return new PutResult(m.group(1).equals("OK"), Long.parseUnsignedLong(m.group(2), 16));
    }

    public List<PeerValue> get(InfoHash key) {
        return get(key.toString(), DEFAULT_TIMEOUT);
    }

    public List<PeerValue> get(String hexKey) {
        return get(hexKey, DEFAULT_TIMEOUT);
    }

    /** Gets every value at the key (waits for the search to complete, successfully or not). */
    public List<PeerValue> get(String hexKey, Duration timeout) {
        return getWhere(hexKey, "", timeout);
    }

    /**
     * Gets the values at the key that meet an OpenDHT {@code Where} ({@code "WHERE id=12"} with
     * decimal ids, {@code "WHERE value_type=5,user_type=text/plain"}, or "" for all); the filter
     * travels in the get requests, so storage nodes apply it.
     */
    public List<PeerValue> getWhere(String hexKey, String where, Duration timeout) {
        checkKey(hexKey);
        if (!where.isEmpty() && (!where.startsWith("WHERE ") || where.contains("\n"))) {
            throw new IllegalArgumentException("expected one line \"WHERE …\", not " + where);
        }
        int mark = process.output().mark();
        String req = request("get", where.isEmpty() ? hexKey : hexKey + " " + where);
        LineMatch done = awaitReply(mark, "GET", req, "(OK|FAIL) (\\d+)", timeout);
        Pattern value = Pattern.compile("^VALUE " + req + " ([0-9a-f]+) (\\S+) (\\S+) (\\S+)$");
        List<PeerValue> values = new ArrayList<>();
        for (String line : process.output().range(mark, done.index())) {
            Matcher m = value.matcher(line);
            if (m.matches()) {
                values.add(peerValue(m.group(1), m.group(2), m.group(3), m.group(4)));
            }
        }
        return values;
    }

    public Listen listen(InfoHash key) {
        return listen(key.toString());
    }

    /** Starts listening at the key; events (new / expired values) queue up in the returned handle. */
    public Listen listen(String hexKey) {
        checkKey(hexKey);
        int mark = process.output().mark();
        String req = request("listen", hexKey);
        awaitReply(mark, "LISTENING", req, "", DEFAULT_TIMEOUT);
        return new Listen(req, mark);
    }

    /** The identity the node was started with ({@link Options#identityBits}), or empty. */
    public Optional<PeerIdentity> identity() {
        int mark = process.output().mark();
        String req = request("identity", "");
        LineMatch m = awaitReply(mark, "IDENTITY", req, "(\\S+) (\\S+)", DEFAULT_TIMEOUT);
        if (m.group(1).equals("-")) {
            return Optional.empty();
        }
        try {
            byte[] pem = HexFormat.of().parseHex(m.group(2));
            X509Certificate cert = (X509Certificate)
                    CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
            return Optional.of(new PeerIdentity(InfoHash.fromHex(m.group(1)), cert));
        } catch (CertificateException e) {
            throw new AssertionError(process.name() + " reported a certificate that does not parse: " + e, e);
        }
    }

    /** The node's IPv4 routing table: ids of the nodes it knows. */
    public List<InfoHash> routingTableNodeIds() {
        int mark = process.output().mark();
        String req = request("nodes", "");
        LineMatch done = awaitReply(mark, "NODES", req, "(\\d+)", DEFAULT_TIMEOUT);
        Pattern node = Pattern.compile("^NODE " + req + " ([0-9a-f]{40}) (\\S+) (\\S+)$");
        List<InfoHash> ids = new ArrayList<>();
        for (String line : process.output().range(mark, done.index())) {
            Matcher m = node.matcher(line);
            if (m.matches()) {
                ids.add(InfoHash.fromHex(m.group(1)));
            }
        }
        return ids;
    }

    /** Polls the routing table (every 200 ms) until it contains {@code id}. */
    public void awaitRoutingTableContains(InfoHash id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!routingTableNodeIds().contains(id)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(process.name() + ": " + id + " not in routing table after "
                        + timeout.toMillis() + " ms\n" + process.output().tail());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** A running listen; its events are read in order with {@link #poll} or searched with {@link #awaitEvent}. */
    public final class Listen implements AutoCloseable {
        private final String req;
        private final Pattern event;
        private final int start;
        private int cursor;
        private boolean cancelled;

        private Listen(String req, int mark) {
            this.req = req;
            this.event = Pattern.compile("^EVENT " + req + " (NEW|EXPIRED) ([0-9a-f]+) (\\S+) (\\S+) (\\S+)$");
            this.start = mark;
            this.cursor = mark;
        }

        public String requestId() {
            return req;
        }

        /** The next event not yet returned by {@code poll}, or {@code null} after {@code timeout}. */
        public synchronized ListenEvent poll(Duration timeout) {
            try {
                LineMatch m = process.output().awaitMatch(cursor, event, timeout);
                cursor = m.index() + 1;
                return toEvent(m.match());
            } catch (AssertionError timedOut) {
                return null;
            }
        }

        /** Every event so far (independent of {@code poll}). */
        public List<ListenEvent> events() {
            List<ListenEvent> events = new ArrayList<>();
            for (String line : process.output().since(start)) {
                Matcher m = event.matcher(line);
                if (m.matches()) {
                    events.add(toEvent(m));
                }
            }
            return events;
        }

        /** The first event (since the listen started) satisfying {@code condition}; fails after {@code timeout}. */
        public ListenEvent awaitEvent(Predicate<ListenEvent> condition, Duration timeout) {
            LineMatch m = process.output()
                    .awaitLine(
                            start,
                            line -> {
                                Matcher em = event.matcher(line);
                                return em.matches() && condition.test(toEvent(em));
                            },
                            "listen event for " + req,
                            timeout);
            Matcher em = event.matcher(m.line());
            em.matches();
            return toEvent(em);
        }

        /** Waits for a NEW event whose data equals {@code data}. */
        public ListenEvent awaitValue(byte[] data, Duration timeout) {
            return awaitEvent(e -> !e.expired() && Arrays.equals(e.value().data(), data), timeout);
        }

        private ListenEvent toEvent(MatchResult m) {
            return new ListenEvent(
                    m.group(1).equals("EXPIRED"), peerValue(m.group(2), m.group(3), m.group(4), m.group(5)));
        }

        /** Cancels the listen. */
        @Override
        public synchronized void close() {
            if (!cancelled && process.isAlive()) {
                cancelled = true;
                int mark = process.output().mark();
                process.sendLine("cancel " + req);
                process.output()
                        .awaitMatch(mark, Pattern.compile("^(CANCELLED|ERROR) " + req + "\\b"), DEFAULT_TIMEOUT);
            }
        }
    }

    private static final Pattern SIGNED = Pattern.compile("signed:(\\d+):([0-9a-f]{40})(?::([0-9a-f]{40}))?");

    /** Parses the driver's VALUE/EVENT fields; {@code security} is "-" or "signed:SEQ:OWNER[:RECIPIENT]". */
    static PeerValue peerValue(String idHex, String dataHex, String userType, String security) {
        byte[] data = dataHex.equals("-") ? new byte[0] : HexFormat.of().parseHex(dataHex);
        long id = Long.parseUnsignedLong(idHex, 16);
        String utype = userType.equals("-") ? "" : userType;
        if (security.equals("-")) {
            return new PeerValue(id, data, utype);
        }
        Matcher m = SIGNED.matcher(security);
        if (!m.matches()) {
            throw new AssertionError("unexpected security field from the driver: " + security);
        }
        return new PeerValue(
                id,
                data,
                utype,
                InfoHash.fromHex(m.group(2)),
                Integer.parseInt(m.group(1)),
                m.group(3) == null ? null : InfoHash.fromHex(m.group(3)));
    }

    private static String hex(byte[] data) {
        return data.length == 0 ? "-" : HexFormat.of().formatHex(data);
    }

    private static void checkKey(String hexKey) {
        if (!hexKey.matches("[0-9a-fA-F]{40}")) {
            throw new IllegalArgumentException("keys are 40 hex digits (InfoHash.toString()), not " + hexKey);
        }
    }

    /** Sends {@code quit}, then stops the process by PID if it does not exit within 3 s. */
    @Override
    public void close() {
        process.stop("quit", Duration.ofSeconds(3));
    }

    @Override
    public String toString() {
        return "pydht[" + nodeId + " 127.0.0.1:" + port + ", pid " + pid() + "]";
    }
}
