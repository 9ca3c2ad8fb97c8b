package org.carillon.dht.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the real OpenDHT peers the interop tests run against, and decides what happens when one
 * is missing: with {@code -Dinterop.required=true} (CI) the test fails, naming the Debian package
 * to install; otherwise the test is aborted (reported as skipped) and a notice is printed to
 * stderr.
 *
 * <p>{@code -Dinterop.dhtnode=PATH} and {@code -Dinterop.python=PATH} replace the executables
 * looked for (default: {@code dhtnode} on the PATH, {@code /usr/bin/python3}); pointing one at a
 * missing file is how the skip/fail behaviour itself is checked.
 */
public final class InteropPeers {
    /** The only interpreter that sees Debian's {@code python3-opendht} module. */
    public static final Path SYSTEM_PYTHON = Path.of("/usr/bin/python3");

    public static final String DHTNODE_PROPERTY = "interop.dhtnode";
    public static final String PYTHON_PROPERTY = "interop.python";

    private static volatile Optional<Path> dhtnode;
    private static volatile String dhtnodeVersion;
    private static volatile Boolean pythonOpendht;
    private static volatile Boolean pythonMsgpack;

    private InteropPeers() {}

    /** Whether a missing peer fails the build ({@code -Dinterop.required=true}). */
    public static boolean interopRequired() {
        return Boolean.parseBoolean(System.getProperty("interop.required", "false"));
    }

    /** The {@code dhtnode} executable (Debian package {@code dhtnode}), or fail/skip. */
    public static Path requireDhtnode() {
        Optional<Path> found = findDhtnode();
        if (found.isEmpty()) {
            missing("dhtnode not installed", "dhtnode");
        }
        return found.orElseThrow();
    }

    /**
     * {@code /usr/bin/python3} after checking it can {@code import opendht} (Debian package {@code
     * python3-opendht}), or fail/skip.
     */
    public static Path requirePythonOpendht() {
        if (!pythonOpendhtAvailable()) {
            missing("python3-opendht not installed (no 'import opendht' in " + python() + ")", "python3-opendht");
        }
        return python();
    }

    /**
     * {@code /usr/bin/python3} after checking it can {@code import msgpack} (Debian package {@code
     * python3-msgpack}), or fail/skip.
     */
    public static Path requirePythonMsgpack() {
        if (!pythonMsgpackAvailable()) {
            missing("python3-msgpack not installed (no 'import msgpack' in " + python() + ")", "python3-msgpack");
        }
        return python();
    }

    /**
     * Checks that tests may create network namespaces ({@link PrivateNetwork}: root, {@code
     * unshare} and {@code nsenter} of util-linux, {@code ip} of iproute2), or fail/skip.
     */
    public static void requirePrivateNetwork() {
        if (!PrivateNetwork.available()) {
            unavailable("cannot create a private network namespace (needs root, util-linux and iproute2)");
        }
    }

    /** {@code OpenDHT version 2.4.12} as printed by {@code dhtnode --version}, once found. */
    public static String dhtnodeVersion() {
        requireDhtnode();
        return dhtnodeVersion;
    }

    public static synchronized Optional<Path> findDhtnode() {
        if (dhtnode == null) {
            String configured = System.getProperty(DHTNODE_PROPERTY, "");
            Optional<Path> candidate = configured.isEmpty()
                    ? locate("dhtnode")
                    : Optional.of(Path.of(configured)).filter(Files::isExecutable);
            dhtnode = candidate.filter(p -> {
                Optional<String> out = run(List.of(p.toString(), "--version"));
                dhtnodeVersion = out.map(String::strip).orElse(null);
                return out.isPresent() && out.get().contains("OpenDHT");
            });
        }
        return dhtnode;
    }

    public static synchronized boolean pythonOpendhtAvailable() {
        if (pythonOpendht == null) {
            pythonOpendht = Files.isExecutable(python())
                    && run(List.of(python().toString(), "-c", "import opendht; print('ok')"))
                            .map(s -> s.strip().endsWith("ok"))
                            .orElse(false);
        }
        return pythonOpendht;
    }

    public static synchronized boolean pythonMsgpackAvailable() {
        if (pythonMsgpack == null) {
            pythonMsgpack = Files.isExecutable(python())
                    && run(List.of(python().toString(), "-c", "import msgpack; print('ok')"))
                            .map(s -> s.strip().endsWith("ok"))
                            .orElse(false);
        }
        return pythonMsgpack;
    }

    /** The interpreter used for python3-opendht: {@code /usr/bin/python3} unless overridden. */
    public static Path python() {
        String configured = System.getProperty(PYTHON_PROPERTY, "");
        return configured.isEmpty() ? SYSTEM_PYTHON : Path.of(configured);
    }

    private static void missing(String what, String debianPackage) {
        unavailable(what + " (apt-get install " + debianPackage + ")");
    }

    /** Skips the calling test with a visible notice, or fails it when {@code interop.required} is set. */
    public static void unavailable(String message) {
        if (interopRequired()) {
            Assertions.fail("[interop] " + message + "; interop.required=true makes this a failure");
        }
        System.err.println("[interop] SKIPPED: " + message);
        System.err.flush();
        Assumptions.abort("[interop] " + message);
    }

    /** The executable {@code program} on the PATH (or in /usr/bin, /bin). */
    public static Optional<Path> locate(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : (path + ":/usr/bin:/usr/local/bin").split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Runs a short command (10 s at most); its merged output if it exited with 0. */
    /** Runs a short command (10 s at most): its output when it exited with 0. */
    public static Optional<String> run(List<String> command) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return Optional.empty();
        }
        try {
            p.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> {
                try (InputStream in = p.getInputStream()) {
                    in.transferTo(out);
                } catch (IOException e) {
                    // keep what was read
                }
            });
            reader.setDaemon(true);
            reader.start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                return Optional.empty();
            }
            reader.join(2000);
            return p.exitValue() == 0 ? Optional.of(out.toString(StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return Optional.empty();
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }
}
