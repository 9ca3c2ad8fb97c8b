package org.carillon.core.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.carillon.dht.interop.InteropPeers;
import org.carillon.dht.interop.Loopback;

/**
 * One real jamid (Debian's jami-daemon) with a D-Bus session bus of its own and private
 * HOME/XDG directories under {@code dir}, driven by {@code jamid_driver.py} (a test resource)
 * through JSON lines. Its accounts are DHT-only and bootstrap to a loopback node the test started.
 *
 * <p>Every process is started directly by this class (so its PID is the {@link Process}'s) and
 * stopped by that PID on {@link #close()}. Every wait is bounded; failures carry the tail of
 * jamid's log and of the driver's stderr.
 */
public final class JamiDaemon implements AutoCloseable {
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(70);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final Map<Long, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();
    private final List<Event> events = new ArrayList<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private final long startNanos = System.nanoTime();
    private Process bus;
    private Process jamid;
    private Process driver;
    private OutputStream driverInput;

    /** A D-Bus signal jamid emitted, as forwarded by the driver; {@code atMillis} since start. */
    public record Event(String name, JsonNode args, long atMillis) {
        public String arg(int i) {
            return args.get(i).asText();
        }
    }

    /** Local account id (jamid's handle) and what it says about the account. */
    public record Account(String localId, String uri, String deviceId) {}

    private JamiDaemon(String name, Path dir) {
        this.name = name;
        this.dir = dir;
    }

    /** Starts dbus-daemon, jamid and the driver; returns once the driver saw jamid on the bus. */
    public static JamiDaemon start(String name, Path dir) {
        Path jamidPath = JamiPeers.requireJamid();
        JamiDaemon daemon = new JamiDaemon(name, dir);
        try {
            daemon.startProcesses(jamidPath);
            return daemon;
        } catch (IOException | RuntimeException | AssertionError e) {
            String logs = daemon.logs();
            daemon.close();
            throw new AssertionError("jamid " + name + " did not start: " + e + "\n" + logs, e);
        }
    }

    private void startProcesses(Path jamidPath) throws IOException {
        for (String sub : List.of("config", "data", "cache", "runtime")) {
            Files.createDirectories(dir.resolve(sub));
        }
        dir.resolve("runtime").toFile().setExecutable(true, true);
        Path socket = dir.resolve("bus");
        bus = track(new ProcessBuilder(
                        "dbus-daemon",
                        "--session",
                        "--nofork",
                        "--nopidfile",
                        "--address=unix:path=" + socket,
                        "--print-address=1")
                .redirectErrorStream(true)
                .start());
        String address = firstLine(bus.getInputStream(), "dbus-daemon address");

        ProcessBuilder jamidBuilder = new ProcessBuilder(jamidPath.toString(), "-c", "-d", "-p")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("jamid.log").toFile());
        Map<String, String> env = jamidBuilder.environment();
        env.clear();
        env.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("HOME", dir.toString());
        env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        env.put("XDG_DATA_HOME", dir.resolve("data").toString());
        env.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        env.put("XDG_RUNTIME_DIR", dir.resolve("runtime").toString());
        env.put("DBUS_SESSION_BUS_ADDRESS", address);
        env.put("NO_COLOR", "1");
        jamid = track(jamidBuilder.start());

        Path script = dir.resolve("jamid_driver.py");
        try (InputStream in = JamiDaemon.class.getResourceAsStream("jamid_driver.py")) {
            if (in == null) {
                throw new IllegalStateException("test resource jamid_driver.py missing");
            }
            Files.copy(in, script);
        }
        driver = track(new ProcessBuilder(InteropPeers.SYSTEM_PYTHON.toString(), script.toString(), address)
                .redirectError(dir.resolve("driver.err").toFile())
                .start());
        driverInput = driver.getOutputStream();
        Thread reader = new Thread(this::readDriver, "jamid-driver-" + name);
        reader.setDaemon(true);
        reader.start();
        awaitEvent("ready", e -> true, START_TIMEOUT);
    }

    private Process track(Process p) {
        processes.add(p);
        return p;
    }

    private static String firstLine(InputStream in, String what) throws IOException {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            String s = line.get(10, TimeUnit.SECONDS);
            if (s == null || s.isBlank()) {
                throw new IOException("no " + what);
            }
            return s.strip();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("no " + what + " within 10 s", e);
        }
    }

    private void readDriver() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode message;
                try {
                    message = JSON.readTree(line);
                } catch (IOException e) {
                    continue; // not ours (a library printing): the log keeps it
                }
                if (message.has("event")) {
                    synchronized (events) {
                        events.add(new Event(
                                message.get("event").asText(),
                                message.path("args"),
                                (System.nanoTime() - startNanos) / 1_000_000));
                        events.notifyAll();
                    }
                } else if (message.has("id")) {
                    CompletableFuture<JsonNode> reply =
                            replies.remove(message.get("id").asLong());
                    if (reply != null) {
                        reply.complete(message);
                    }
                }
            }
        } catch (IOException e) {
            // the driver ended: pending calls fail below
        }
        replies.values().forEach(r -> r.completeExceptionally(new IOException("driver ended")));
    }

    /** Sends one command and returns its result, or fails with the driver's error and the logs. */
    public JsonNode call(String command, Map<String, Object> arguments) {
        long id = nextId.getAndIncrement();
        ObjectNode request = JSON.createObjectNode();
        request.put("id", id);
        request.put("cmd", command);
        arguments.forEach((k, v) -> request.set(k, JSON.valueToTree(v)));
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        replies.put(id, reply);
        try {
            synchronized (this) {
                driverInput.write((JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
                driverInput.flush();
            }
            JsonNode answer = reply.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!answer.path("ok").asBoolean()) {
                throw new AssertionError(name + ": " + command + " failed: "
                        + answer.path("error").asText() + "\n" + logs());
            }
            return answer.path("result");
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new AssertionError(name + ": " + command + " got no answer: " + e + "\n" + logs(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            replies.remove(id);
        }
    }

    /** A DHT-only account bootstrapped to {@code bootstrap} (loopback only), registered. */
    public Account addAccount(String alias, InetSocketAddress bootstrap, Duration timeout) {
        return awaitRegistered(
                call("addAccount", Map.of("alias", alias, "bootstrap", Loopback.requireLoopback(bootstrap)))
                        .asText(),
                timeout);
    }

    /** Imports the account of an archive file ({@code password} empty for a gzip archive), registered. */
    public Account importAccount(Path archive, String password, InetSocketAddress bootstrap, Duration timeout) {
        String localId = call(
                        "addAccount",
                        Map.of(
                                "alias",
                                "imported",
                                "bootstrap",
                                Loopback.requireLoopback(bootstrap),
                                "archivePath",
                                archive.toString(),
                                "archivePassword",
                                password))
                .asText();
        return awaitRegistered(localId, timeout);
    }

    /**
     * Takes the account off the DHT and waits until jamid says it is unregistered ({@code
     * active} false), or puts it back and waits until it is registered again.
     */
    public void setAccountActive(Account account, boolean active, Duration timeout) {
        long since = nowMillis();
        call("setAccountActive", Map.of("account", account.localId(), "active", active));
        if (active) {
            awaitRegistered(account.localId(), since, timeout);
        } else {
            awaitEvent(
                    "registrationStateChanged",
                    e -> e.atMillis() >= since
                            && e.arg(0).equals(account.localId())
                            && e.arg(1).equals("UNREGISTERED"),
                    timeout);
        }
    }

    private Account awaitRegistered(String localId, Duration timeout) {
        return awaitRegistered(localId, 0, timeout);
    }

    private Account awaitRegistered(String localId, long sinceMillis, Duration timeout) {
        Event registered = awaitEvent(
                "registrationStateChanged",
                e -> e.atMillis() >= sinceMillis
                        && e.arg(0).equals(localId)
                        && !e.arg(1).equals("INITIALIZING")
                        && !e.arg(1).equals("UNREGISTERED")
                        && !e.arg(1).equals("TRYING"),
                timeout);
        if (!registered.arg(1).equals("REGISTERED")) {
            throw new AssertionError(name + ": account " + localId + " ended in " + registered.args() + "\n" + logs());
        }
        return account(localId);
    }

    /** What jamid says about one of its accounts: {@code Account.username} is the account id. */
    public Account account(String localId) {
        JsonNode details = call("details", Map.of("account", localId));
        // jamid 13.7 reports the device id among the volatile details only
        JsonNode volatileDetails = call("volatileDetails", Map.of("account", localId));
        return new Account(
                localId,
                details.path("Account.username").asText().replace("ring:", ""),
                volatileDetails.path("Account.deviceID").asText());
    }

    /** jamid exports an archive under its current password only: this changes it. */
    public boolean changeAccountPassword(Account account, String oldPassword, String newPassword) {
        return call(
                        "changeAccountPassword",
                        Map.of("account", account.localId(), "old", oldPassword, "new", newPassword))
                .asBoolean();
    }

    /** {@code password} must be the archive's current one ({@link #changeAccountPassword}); empty: gzip. */
    public boolean exportToFile(Account account, Path file, String password) {
        return call("exportToFile", Map.of("account", account.localId(), "path", file.toString(), "password", password))
                .asBoolean();
    }

    public void sendTrustRequest(Account account, String toUri, byte[] payload) {
        call(
                "sendTrustRequest",
                Map.of(
                        "account",
                        account.localId(),
                        "to",
                        toUri,
                        "payload",
                        Base64.getEncoder().encodeToString(payload)));
    }

    public boolean acceptTrustRequest(Account account, String fromUri) {
        return call("acceptTrustRequest", Map.of("account", account.localId(), "from", fromUri))
                .asBoolean();
    }

    public boolean discardTrustRequest(Account account, String fromUri) {
        return call("discardTrustRequest", Map.of("account", account.localId(), "from", fromUri))
                .asBoolean();
    }

    /** Pending requests: maps with {@code from}, {@code received} and {@code payload} (base64). */
    public JsonNode trustRequests(Account account) {
        return call("getTrustRequests", Map.of("account", account.localId()));
    }

    /** Contacts: maps with {@code id}, {@code added}, {@code confirmed}, ... */
    public JsonNode contacts(Account account) {
        return call("getContacts", Map.of("account", account.localId()));
    }

    public void subscribeBuddy(Account account, String uri) {
        call("subscribeBuddy", Map.of("account", account.localId(), "uri", uri, "flag", true));
    }

    /**
     * Sends a non-swarm text message ({@code payloads}: one MIME type and its body, as 13.7
     * allows) to the account {@code toUri}; returns jamid's token, which is also the id of the
     * {@code ImMessage} it puts at every device inbox of the peer.
     */
    public long sendTextMessage(Account account, String toUri, Map<String, String> payloads) {
        long token = Long.parseUnsignedLong(
                call("sendTextMessage", Map.of("account", account.localId(), "to", toUri, "payloads", payloads))
                        .asText());
        if (token == 0) {
            throw new AssertionError(name + ": sendTextMessage to " + toUri + " refused (token 0)\n" + logs());
        }
        return token;
    }

    /**
     * Tells jamid a message from {@code peerUri} was displayed: 13.7 then sends the peer an IMDN
     * {@code displayed} notification as a non-swarm message (read receipts are on by default).
     */
    public boolean setMessageDisplayed(Account account, String peerUri, String messageIdHex) {
        return call(
                        "setMessageDisplayed",
                        Map.of(
                                "account",
                                account.localId(),
                                "conversation",
                                "jami:" + peerUri,
                                "message",
                                messageIdHex,
                                "status",
                                MessageState.DISPLAYED.ordinal()))
                .asBoolean();
    }

    /** Tells jamid the user is ({@code composing}) or stopped typing to {@code peerUri}: 13.7 sends the peer an isComposing notification. */
    public void setComposing(Account account, String peerUri, boolean composing) {
        call(
                "setIsComposing",
                Map.of("account", account.localId(), "conversation", "jami:" + peerUri, "composing", composing));
    }

    /** Waits for jamid's {@code composingStatusChanged} from {@code peerUri} with that state, emitted at or after {@code sinceMillis}; returns when. */
    public long awaitComposing(Account account, String peerUri, boolean composing, long sinceMillis, Duration timeout) {
        return awaitEvent(
                        "composingStatusChanged",
                        e -> e.atMillis() >= sinceMillis
                                && e.arg(0).equals(account.localId())
                                && e.arg(2).equals(peerUri)
                                && e.args().get(3).asInt() == (composing ? 1 : 0),
                        timeout)
                .atMillis();
    }

    /** A message jamid reported with {@code incomingAccountMessage}; {@code idHex} is the wire id in hex. */
    public record IncomingMessage(String from, String idHex, Map<String, String> payloads, long atMillis) {}

    /** libjami::Account::MessageStates of 13.7, in order: a state's ordinal is its wire value. */
    public enum MessageState {
        UNKNOWN,
        SENDING,
        SENT,
        DISPLAYED,
        FAILURE,
        CANCELLED
    }

    /** The first message to {@code account} matching {@code filter}, waiting at most {@code timeout}. */
    public IncomingMessage awaitIncomingMessage(Account account, Predicate<IncomingMessage> filter, Duration timeout) {
        Event e = awaitEvent(
                "incomingAccountMessage",
                m -> m.arg(0).equals(account.localId()) && filter.test(incomingMessage(m)),
                timeout);
        return incomingMessage(e);
    }

    /** Every message {@code account} reported so far, oldest first. */
    public List<IncomingMessage> incomingMessages(Account account) {
        return events().stream()
                .filter(e ->
                        e.name().equals("incomingAccountMessage") && e.arg(0).equals(account.localId()))
                .map(JamiDaemon::incomingMessage)
                .toList();
    }

    private static IncomingMessage incomingMessage(Event e) {
        Map<String, String> payloads = new TreeMap<>();
        e.args()
                .get(3)
                .fields()
                .forEachRemaining(f -> payloads.put(f.getKey(), f.getValue().asText()));
        return new IncomingMessage(e.arg(1), e.arg(2), Map.copyOf(payloads), e.atMillis());
    }

    /**
     * Waits until jamid reports {@code state} for the message {@code token} it sent from
     * {@code account}; returns when (millis since start). {@code SENT} is what 13.7 reports when
     * the recipient device's acknowledgement came back.
     */
    public long awaitMessageState(Account account, long token, MessageState state, Duration timeout) {
        return awaitEvent(
                        "accountMessageStatusChanged",
                        e -> e.arg(0).equals(account.localId())
                                && e.arg(3).equals(Long.toUnsignedString(token))
                                && e.args().get(4).asInt() == state.ordinal(),
                        timeout)
                .atMillis();
    }

    /** Milliseconds since this daemon was started, the clock of {@link Event#atMillis()}. */
    public long nowMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** The first event (since start) named {@code eventName} matching {@code filter}, waiting at most {@code timeout}. */
    public Event awaitEvent(String eventName, Predicate<Event> filter, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (true) {
                Optional<Event> found = events.stream()
                        .filter(e -> e.name().equals(eventName) && filter.test(e))
                        .findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !driver.isAlive()) {
                    break;
                }
                try {
                    events.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 500)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new AssertionError(
                name + ": no " + eventName + " event within " + timeout + "; events: " + events() + "\n" + logs());
    }

    public List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    public String name() {
        return name;
    }

    public long jamidPid() {
        return jamid.pid();
    }

    /** The last lines of jamid's log and the driver's stderr, for failure messages. */
    public String logs() {
        return "---- " + name + " jamid.log (tail) ----\n" + tail(dir.resolve("jamid.log"), 60) + "---- " + name
                + " driver.err (tail) ----\n" + tail(dir.resolve("driver.err"), 20);
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
        } catch (IOException e) {
            return "(" + file.getFileName() + " unreadable: " + e.getMessage() + ")\n";
        }
    }

    /** Quits the driver, then stops jamid and dbus-daemon by PID (TERM, then KILL after 5 s). */
    @Override
    public void close() {
        if (driverInput != null && driver.isAlive()) {
            try {
                driverInput.close();
            } catch (IOException e) {
                // it is stopped below anyway
            }
        }
        for (int i = processes.size() - 1; i >= 0; i--) {
            stop(processes.get(i));
        }
    }

    private static void stop(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }
}
