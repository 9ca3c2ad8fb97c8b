package org.carillon.bench.loopback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.carillon.dht.interop.FreePorts;
import org.carillon.dht.interop.InteropPeers;
import org.carillon.dht.interop.InteropProcess;
import org.carillon.dht.interop.OutputLines.LineMatch;

/**
 * The OpenDHT-side driver: {@code loopback/opendht_workload.py} run by /usr/bin/python3 with
 * python3-opendht 2.4.12, a writer and a reader DhtRunner in one python process. It reads the
 * operation list from a file and measures each latency itself (CLOCK_MONOTONIC), so the pipe to
 * this JVM adds nothing to the figures; what python adds is measured by {@link #noop}.
 */
final class OpendhtDriver implements WorkloadDriver {
    private static final String SCRIPT = "/loopback/opendht_workload.py";
    private static final Duration ANSWER = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger FILES = new AtomicInteger();

    private final InteropProcess process;
    private final List<Integer> ports;
    private final Path directory;
    private volatile Thread watcher;

    /** Python's per-call costs: a call into the bindings, and a plain python call (µs). */
    record Overhead(double bindingCallMicros, double pythonCallMicros) {}

    private OpendhtDriver(InteropProcess process, List<Integer> ports, Path directory) {
        this.process = process;
        this.ports = ports;
        this.directory = directory;
    }

    /** Starts the python process; both nodes bootstrap from the given loopback ports. */
    static OpendhtDriver start(List<Integer> bootstrapPorts) {
        Path python = InteropPeers.requirePythonOpendht();
        Path dir = InteropProcess.logDirectory();
        Path script = dir.resolve("opendht_workload.py");
        try (InputStream in = OpendhtDriver.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(SCRIPT + " is not on the class path");
            }
            Files.createDirectories(dir);
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int writer = FreePorts.udpPort();
        int reader = FreePorts.udpPort();
        List<String> cmd = new ArrayList<>(List.of(
                python.toString(),
                "-u",
                script.toAbsolutePath().toString(),
                "--writer-port",
                Integer.toString(writer),
                "--reader-port",
                Integer.toString(reader)));
        for (int p : bootstrapPorts) {
            cmd.add("--bootstrap");
            cmd.add("127.0.0.1:" + p);
        }
        InteropProcess p = InteropProcess.start("opendht-workload-" + writer, cmd, line -> line);
        OpendhtDriver driver = new OpendhtDriver(p, List.of(writer, reader), dir);
        try {
            driver.await(0, "ready", ANSWER);
        } catch (RuntimeException | AssertionError e) {
            driver.close();
            throw new IllegalStateException("python3-opendht driver did not start: " + e.getMessage(), e);
        }
        return driver;
    }

    private JsonNode await(int from, String event, Duration timeout) {
        LineMatch m = awaitLine(from, event, timeout);
        return parse(m.line());
    }

    private LineMatch awaitLine(int from, String event, Duration timeout) {
        Pattern p = Pattern.compile("^\\{\"event\":\"(" + event + "|error)\"");
        LineMatch m = process.output().awaitMatch(from, p, timeout);
        if (m.group(1).equals("error")) {
            throw new IllegalStateException("python driver: " + m.line());
        }
        return m;
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalStateException("python driver printed " + line, e);
        }
    }

    private JsonNode ask(String command, String event) {
        int mark = process.output().mark();
        process.sendLine(command);
        return await(mark, event, ANSWER);
    }

    @Override
    public List<Integer> ports() {
        return ports;
    }

    @Override
    public List<Integer> knownNodes() {
        JsonNode n = ask("nodes", "nodes");
        return List.of(n.get("writer").asInt(), n.get("reader").asInt());
    }

    @Override
    public long pid() {
        return process.pid();
    }

    /** Times {@code count} no-op calls in python. */
    Overhead noop(int count) {
        JsonNode n = ask("noop " + count, "noop");
        return new Overhead(
                n.get("binding_call_us").asDouble(), n.get("python_call_us").asDouble());
    }

    private Path writeOps(List<String> lines) {
        Path file = directory.resolve("ops-" + ProcessHandle.current().pid() + "-" + FILES.incrementAndGet() + ".txt");
        try {
            Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file.toAbsolutePath();
    }

    @Override
    public void run(List<Operation> ops, Settings settings, Consumer<OpResult> onResult) {
        Path file = writeOps(ops.stream().map(Operation::line).toList());
        int mark = process.output().mark();
        process.sendLine("run " + file + " " + settings.concurrency() + " " + settings.timeoutMs() + " "
                + settings.listenLeadMs());
        Duration patience = Duration.ofMillis(settings.timeoutMs() + 30_000L);
        int cursor = mark;
        for (int seen = 0; seen <= ops.size(); seen++) {
            LineMatch m = awaitLine(cursor, "op|done", patience);
            cursor = m.index() + 1;
            JsonNode n = parse(m.line());
            if (n.get("event").asText().equals("done")) {
                break;
            }
            JsonNode latency = n.get("latency_ms");
            onResult.accept(new OpResult(
                    n.get("i").asInt(),
                    OpKind.of(n.get("kind").asText()),
                    n.get("key").asText(),
                    n.get("ok").asBoolean(),
                    latency == null || latency.isNull() ? null : latency.asDouble(),
                    n.get("start_ns").asLong()));
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover file in target/ is harmless
        }
    }

    @Override
    public Map<String, Long> watch(List<Operation> ops) {
        Path file = writeOps(ops.stream()
                .map(o -> o.key() + " " + HexFormat.of().formatHex(o.data()))
                .toList());
        int mark = process.output().mark();
        process.sendLine("watch " + file);
        LineMatch watching = awaitLine(mark, "watching", ANSWER);
        Map<String, Long> delivered = new ConcurrentHashMap<>();
        Pattern event = Pattern.compile("^\\{\"event\":\"delivered\"");
        Thread t = new Thread(
                () -> {
                    int cursor = watching.index() + 1;
                    while (!Thread.currentThread().isInterrupted()
                            && !process.output().ended()) {
                        try {
                            LineMatch m = process.output().awaitMatch(cursor, event, Duration.ofMillis(500));
                            cursor = m.index() + 1;
                            JsonNode n = parse(m.line());
                            delivered.putIfAbsent(
                                    n.get("key").asText(), n.get("t_ns").asLong());
                        } catch (AssertionError timeoutOrEnd) {
                            // poll again until stopped
                        }
                    }
                },
                "opendht-watch");
        t.setDaemon(true);
        t.start();
        watcher = t;
        return delivered;
    }

    @Override
    public void stopWatching() {
        Thread t = watcher;
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public void close() {
        stopWatching();
        process.stop("quit", Duration.ofSeconds(8));
    }
}
