package org.carillon.bench.reference;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.carillon.bench.report.Progress;

/**
 * Runs a reference measurement written in Python (a script shipped in this jar) with the system
 * interpreter, which is the one that sees Debian's {@code python3-opendht} and {@code
 * python3-msgpack}. The script prints one JSON object per line on stdout; each line steps the
 * progress bar. Its stderr goes to a log file beside the results.
 */
public final class PythonReference {
    /** The interpreter: {@code /usr/bin/python3} unless {@code -Dinterop.python=PATH} says otherwise. */
    public static Path python() {
        String configured = System.getProperty("interop.python", "");
        return Path.of(configured.isEmpty() ? "/usr/bin/python3" : configured);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String script;

    /** {@code script}: a resource next to {@code owner}'s class file. */
    public PythonReference(Class<?> owner, String script) {
        this.script = owner.getPackageName().replace('.', '/') + "/" + script;
    }

    /**
     * Runs the script with {@code args}; returns its JSON lines. {@code expectedLines} sizes the
     * progress bar; the script is stopped (and this fails) after {@code timeout}.
     */
    public List<JsonNode> run(List<String> args, int expectedLines, Duration timeout, Path log) {
        try {
            Path file = Files.createTempFile("carillon-reference", ".py");
            try {
                try (InputStream in = PythonReference.class.getClassLoader().getResourceAsStream(script)) {
                    if (in == null) {
                        throw new IllegalStateException("missing resource " + script);
                    }
                    Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                List<String> command = new ArrayList<>(List.of(python().toString(), file.toString()));
                command.addAll(args);
                return runProcess(command, expectedLines, timeout, log);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + script + ": " + e.getMessage(), e);
        }
    }

    private List<JsonNode> runProcess(List<String> command, int expectedLines, Duration timeout, Path log)
            throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process p = new ProcessBuilder(command)
                .redirectError(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        List<JsonNode> lines = new ArrayList<>();
        Thread watchdog = new Thread(() -> {
            try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly(); // our own child, by its handle
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        });
        watchdog.setDaemon(true);
        watchdog.start();
        String name = Path.of(script).getFileName().toString();
        try (Progress progress = new Progress(name, expectedLines);
                BufferedReader out =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (!line.isBlank()) {
                    lines.add(JSON.readTree(line));
                    progress.step();
                }
            }
        } finally {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        if (!p.isAlive() && p.exitValue() != 0) {
            throw new IllegalStateException(name + " failed with exit code " + p.exitValue() + " (timeout "
                    + timeout.toSeconds() + " s); its stderr:\n" + tail(log));
        }
        return lines;
    }

    private static String tail(Path log) throws IOException {
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", all.subList(Math.max(0, all.size() - 20), all.size()));
    }
}
