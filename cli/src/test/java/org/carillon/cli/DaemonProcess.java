package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.carillon.api.client.ApiClient;
import org.carillon.api.server.ApiToken;

/**
 * A real {@code carillon daemon} as a child JVM (the packaged jar when {@code mvn verify} built
 * it) on a loopback seed, with an API client connected to the URI it printed. Its output goes to
 * files in the test's directory, one pair per start, so a failure can be read afterwards.
 */
final class DaemonProcess implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern API_LINE = Pattern.compile("^  API:\\s+(ws\\S+) ", Pattern.MULTILINE);
    private static int starts;

    final Path dataDir;
    final Path out;
    final Path err;
    final Process process;
    final URI uri;
    final ApiClient client;
    final List<String> events = new CopyOnWriteArrayList<>();

    private DaemonProcess(Path dataDir, Path out, Path err, Process process, URI uri) throws IOException {
        this.dataDir = dataDir;
        this.out = out;
        this.err = err;
        this.process = process;
        this.uri = uri;
        this.client = ApiClient.connect(uri, ApiToken.read(dataDir), TIMEOUT);
        client.subscribe((name, params) -> events.add(name + " " + params));
    }

    /** The command line of a daemon on {@code dataDir} joining the DHT through the seed's port. */
    static List<String> command(Path dataDir, int seedPort, String... more) {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", // the children are short-lived: C1 only starts faster
                "-cp",
                classpath(),
                Main.class.getName(),
                "daemon",
                "--data-dir",
                dataDir.toString(),
                "--no-default-bootstrap",
                "-b",
                "127.0.0.1:" + seedPort,
                "--bind",
                "127.0.0.1",
                "--port",
                "0",
                "--api-port",
                "0",
                "--key-bits",
                "2048"));
        command.addAll(List.of(more));
        return command;
    }

    /** Starts a daemon and waits (bounded) until it prints its API's URI, then connects. */
    static DaemonProcess start(Path logs, Path dataDir, int seedPort) throws Exception {
        int n;
        synchronized (DaemonProcess.class) {
            n = ++starts;
        }
        String name = dataDir.getFileName() + "-" + n;
        Path out = logs.resolve(name + ".out");
        Path err = logs.resolve(name + ".err");
        Process p = new ProcessBuilder(command(dataDir, seedPort))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Matcher m = API_LINE.matcher(Files.readString(out));
            if (m.find()) {
                URI uri = URI.create(m.group(1));
                assertThat(Files.readString(dataDir.resolve(Daemon.ENDPOINT_FILE))
                                .strip())
                        .as("api.uri names the URI the daemon printed")
                        .isEqualTo(uri.toString());
                return new DaemonProcess(dataDir, out, err, p, uri);
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new AssertionError("the daemon on " + dataDir + " did not start (exit "
                        + (p.isAlive() ? "none" : p.exitValue()) + "):\n" + Files.readString(out) + "\n"
                        + Files.readString(err));
            }
            Thread.sleep(50);
        }
    }

    JsonNode call(String method, Map<String, Object> params) throws Exception {
        return client.call(method, params).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The first event (its name, a space, its params as JSON) that {@code wanted} accepts, within the timeout. */
    String awaitEvent(Predicate<String> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (String e : events) {
                if (wanted.test(e)) {
                    return e;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no such event in " + TIMEOUT + "; heard " + events);
    }

    long pid() {
        return process.pid();
    }

    /** SIGTERM, and the exit code once it stopped (bounded). */
    int stop() throws Exception {
        client.close();
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the daemon did not stop within 30 s of SIGTERM:\n" + Files.readString(out));
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    void kill() throws Exception {
        process.destroyForcibly();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        client.close();
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            stop();
        }
    }

    /** The packaged jar when {@code mvn verify} built it, else the test's own class path. */
    static String classpath() {
        Path jar = Path.of("target", "carillon.jar");
        return Files.isRegularFile(jar) ? jar.toAbsolutePath().toString() : System.getProperty("java.class.path");
    }
}
