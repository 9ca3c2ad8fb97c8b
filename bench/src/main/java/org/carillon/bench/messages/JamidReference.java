package org.carillon.bench.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.carillon.bench.messages.MessageFigures.Burst;
import org.carillon.bench.messages.MessageFigures.Latency;
import org.carillon.bench.messages.MessageFigures.Offline;
import org.carillon.bench.report.Progress;
import org.carillon.dht.interop.InteropPeers;
import org.carillon.dht.interop.PrivateNetwork;

/**
 * The reference: two real jamid 13.7 (Debian's jami-daemon) and a dhtnode bootstrap on a network
 * namespace of their own holding only {@code lo}, driven over D-Bus by {@code
 * jamid_messages.py}, which runs {@link MessageWorkload}'s phases with the same definitions. The
 * namespace keeps jamid off any real network; it needs root.
 */
final class JamidReference {
    static final Path DEFAULT_JAMID = Path.of("/usr/libexec/jamid");
    /** What to install when something is missing. */
    static final String PACKAGES = "jami-daemon dhtnode dbus python3-dbus python3-gi";

    private static final ObjectMapper JSON = new ObjectMapper();

    private JamidReference() {}

    /** Why the reference cannot run on this machine, or empty when it can. */
    static Optional<String> unavailable(Path jamid) {
        if (!Files.isExecutable(jamid)) {
            return Optional.of("jamid not found at " + jamid + " (apt-get install " + PACKAGES + ")");
        }
        if (InteropPeers.findDhtnode().isEmpty()) {
            return Optional.of("dhtnode not installed (apt-get install " + PACKAGES + ")");
        }
        if (InteropPeers.locate("dbus-daemon").isEmpty()) {
            return Optional.of("dbus-daemon not found (apt-get install " + PACKAGES + ")");
        }
        boolean dbus = InteropPeers.run(List.of(
                        InteropPeers.SYSTEM_PYTHON.toString(),
                        "-c",
                        "import dbus; from gi.repository import GLib; print('ok')"))
                .map(s -> s.strip().endsWith("ok"))
                .orElse(false);
        if (!dbus) {
            return Optional.of("no 'import dbus' and GLib in " + InteropPeers.SYSTEM_PYTHON + " (apt-get install "
                    + PACKAGES + ")");
        }
        if (!PrivateNetwork.available()) {
            return Optional.of("cannot create a private network namespace for jamid (needs root, unshare, ip)");
        }
        return Optional.empty();
    }

    /** Runs the phases of {@code workload} on two jamid; {@code dir} receives their logs. */
    static MessageFigures run(Path jamid, MessageWorkload workload, Path dir, Duration timeout) {
        try {
            Files.createDirectories(dir);
            Path script = dir.resolve("jamid_messages.py");
            try (InputStream in = JamidReference.class.getResourceAsStream("jamid_messages.py")) {
                if (in == null) {
                    throw new IllegalStateException("resource jamid_messages.py missing from the bench jar");
                }
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            List<String> command = PrivateNetwork.isolated(List.of(
                    InteropPeers.SYSTEM_PYTHON.toString(),
                    script.toString(),
                    "--work",
                    dir.toAbsolutePath().toString(),
                    "--jamid",
                    jamid.toString(),
                    "--messages",
                    Integer.toString(workload.messages()),
                    "--burst",
                    Integer.toString(workload.burst()),
                    "--offline-messages",
                    Integer.toString(workload.offlineMessages()),
                    "--offline-seconds",
                    Double.toString(workload.offline().toMillis() / 1000.0),
                    "--settle",
                    Double.toString(workload.settle().toMillis() / 1000.0),
                    "--timeout",
                    Long.toString(workload.messageTimeout().toSeconds()),
                    "--phase-timeout",
                    Long.toString(workload.phaseTimeout().toSeconds())));
            Process process = new ProcessBuilder(command)
                    .redirectError(dir.resolve("driver.err").toFile())
                    .start();
            try {
                return read(process, workload, dir, timeout);
            } finally {
                stop(process);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the jamid reference did not run: " + e.getMessage(), e);
        }
    }

    private static MessageFigures read(Process process, MessageWorkload workload, Path dir, Duration timeout)
            throws IOException {
        Thread watchdog = new Thread(() -> {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    System.err.println("[bench] jamid reference: no result within " + timeout.toSeconds()
                            + " s, stopping it (PID " + process.pid() + ")");
                    process.destroy();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        watchdog.setDaemon(true);
        watchdog.start();
        List<Latency> latency = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        JsonNode result = null;
        String phase = null;
        Progress progress = null;
        long done = 0;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                JsonNode m;
                try {
                    m = JSON.readTree(line);
                } catch (IOException e) {
                    continue; // a library printing: driver.err and the jamid logs keep the rest
                }
                if (m.has("progress")) {
                    if (!m.get("progress").asText().equals(phase)) {
                        if (progress != null) {
                            progress.close();
                        }
                        phase = m.get("progress").asText();
                        progress =
                                new Progress("jamid: " + phase, m.get("total").asLong());
                        done = 0;
                    }
                    long now = m.get("done").asLong(); // the driver counts from the phase's start
                    progress.step(Math.max(0, now - done));
                    done = now;
                } else if (m.has("sample")) {
                    latency.add(new Latency(
                            m.get("index").asInt(), number(m.get("received_ms")), number(m.get("delivered_ms"))));
                } else if (m.has("note")) {
                    notes.add(m.get("note").asText());
                } else if (m.has("result")) {
                    result = m.get("result");
                }
            }
        } finally {
            if (progress != null) {
                progress.close();
            }
        }
        if (result == null) {
            throw new IllegalStateException("the jamid reference ended without a result (exit "
                    + exitCode(process) + "); see " + dir.resolve("driver.err") + " and " + dir + "/*/jamid.log:\n"
                    + tail(dir.resolve("driver.err")));
        }
        Burst burst = null;
        JsonNode b = result.path("burst");
        if (b.isObject()) {
            burst = new Burst(
                    b.get("count").asInt(),
                    b.get("send_seconds").asDouble(),
                    b.get("received").asInt(),
                    b.get("delivered").asInt(),
                    number(b.get("received_seconds")),
                    number(b.get("delivered_seconds")));
        }
        Offline offline = null;
        JsonNode o = result.path("offline");
        if (o.isObject()) {
            offline = new Offline(
                    o.get("count").asInt(),
                    o.get("offline_seconds").asDouble(),
                    o.get("received").asInt(),
                    o.get("delivered").asInt(),
                    number(o.get("received_seconds")),
                    number(o.get("delivered_seconds")));
            if (offline.received() < offline.count() || offline.delivered() < offline.count()) {
                notes.add("offline phase: " + offline.received() + " of " + offline.count() + " received and "
                        + offline.delivered() + " acknowledged ("
                        + o.path("failed").asInt() + " FAILURE) within "
                        + o.path("waited_seconds").asInt() + " s of the recipient's return");
            }
        }
        return new MessageFigures(latency, burst, offline, notes);
    }

    private static Double number(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? null : n.asDouble();
    }

    private static String exitCode(Process p) {
        try {
            return p.waitFor(10, TimeUnit.SECONDS) ? Integer.toString(p.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(" + file + " unreadable: " + e.getMessage() + ")";
        }
    }

    /** The driver stops its dhtnode, buses and jamids when it ends or gets SIGTERM. */
    private static void stop(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }
}
