package org.carillon.bench.api;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Carillon daemon ({@code carillon daemon}, cli's {@code Main}) in a JVM of its own,
 * started from this JVM's class path, which holds cli (the benchmark jar, or the test class
 * path): on loopback, joining only the given bootstrap node, with its API on a free port. Its
 * API address and token are read from the files it writes into its data directory. Stopped by
 * PID (SIGTERM, then SIGKILL).
 */
final class DaemonProcess implements AutoCloseable {
    private final Process process;
    private final URI uri;
    private final String token;

    private DaemonProcess(Process process, URI uri, String token) {
        this.process = process;
        this.uri = uri;
        this.token = token;
    }

    static DaemonProcess start(Path dataDir, int bootstrapPort, List<String> jvmOptions, int keyBits, Duration timeout)
            throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                "org.carillon.cli.Main",
                "daemon",
                "--data-dir",
                dataDir.toString(),
                "--no-default-bootstrap",
                "--bootstrap",
                "127.0.0.1:" + bootstrapPort,
                "--port",
                "0",
                "--api-port",
                "0",
                "--key-bits",
                Integer.toString(keyBits)));
        Path out = dataDir.resolveSibling(dataDir.getFileName() + ".out");
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("MALLOC_ARENA_MAX", "2"); // as ./carillon sets it
        Process p =
                builder.redirectErrorStream(true).redirectOutput(out.toFile()).start();
        Path uriFile = dataDir.resolve("api.uri");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(uriFile) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        if (!Files.exists(uriFile)) {
            p.destroyForcibly();
            throw new IOException("the daemon did not write " + uriFile + " within " + timeout.toSeconds() + " s ("
                    + (p.isAlive() ? "still running" : "exit " + p.exitValue()) + "); its output: " + out);
        }
        URI uri =
                URI.create(Files.readString(uriFile, StandardCharsets.US_ASCII).strip());
        String token = Files.readString(dataDir.resolve("api.token"), StandardCharsets.US_ASCII)
                .strip();
        return new DaemonProcess(p, uri, token);
    }

    URI uri() {
        return uri;
    }

    String token() {
        return token;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: the daemon stops cleanly
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
