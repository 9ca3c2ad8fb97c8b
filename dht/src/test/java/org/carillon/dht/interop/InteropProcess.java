package org.carillon.dht.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A child process driven through its stdin, whose stdout and stderr (merged) are collected line
 * by line into {@link OutputLines} and copied to a log file under {@code target/interop/}.
 *
 * <p>Processes are only ever stopped through their own {@link Process} handle (that is, by PID):
 * {@link #close()} asks politely (a quit command, then closing stdin), then sends SIGTERM, then
 * SIGKILL, each with a bounded wait. A JVM shutdown hook kills whatever a crashed test left
 * running.
 */
public final class InteropProcess implements AutoCloseable {
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            for (Process p : LIVE) {
                                p.destroyForcibly();
                            }
                        },
                        "interop-reaper"));
    }

    private final String name;
    private final Process process;
    private final OutputLines output;
    private final Writer stdin;
    private final Writer log;
    private final Path logFile;
    private final Thread reader;
    private final long startNanos = System.nanoTime();
    private volatile boolean closed;

    private InteropProcess(String name, Process process, Path logFile, Writer log, UnaryOperator<String> clean) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.log = log;
        this.output = new OutputLines(name + " (pid " + process.pid() + ")");
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.reader = new Thread(() -> pump(clean), "interop-out-" + name);
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /**
     * Starts {@code command} with a piped stdin. {@code clean} turns each raw output line (ANSI
     * colour codes already removed) into the line stored in {@link #output()}.
     */
    public static InteropProcess start(String name, List<String> command, UnaryOperator<String> clean) {
        Path dir = logDirectory();
        Path logFile = dir.resolve(name + "-" + LocalDateTime.now().format(STAMP) + ".log");
        try {
            Files.createDirectories(dir);
            Writer log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8);
            log.write("# " + String.join(" ", command) + "\n");
            log.flush();
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            Process process;
            try {
                process = pb.start();
            } catch (IOException e) {
                log.close();
                throw e;
            }
            LIVE.add(process);
            return new InteropProcess(name, process, logFile, log, clean);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** {@code target/interop} of the module under test (Surefire and Failsafe set {@code basedir}). */
    public static Path logDirectory() {
        return Path.of(System.getProperty("basedir", ".")).resolve("target").resolve("interop");
    }

    private void pump(UnaryOperator<String> clean) {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String raw;
            while ((raw = in.readLine()) != null) {
                String line = clean.apply(ANSI.matcher(raw).replaceAll(""));
                logLine("  ", line);
                output.add(line);
            }
        } catch (IOException e) {
            logLine("!!", "output read failed: " + e);
        } finally {
            output.end();
        }
    }

    private void logLine(String prefix, String line) {
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        synchronized (log) {
            try {
                log.write(String.format("%7d %s%s%n", ms, prefix, line));
                log.flush();
            } catch (IOException e) {
                // the log file is a debugging aid only
            }
        }
    }

    /** Writes one line to the process's stdin. */
    public void sendLine(String line) {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("one line only: " + line);
        }
        if (closed || !process.isAlive()) {
            throw new AssertionError(name + " is not running; cannot send \"" + line + "\"\n" + output.tail());
        }
        logLine(">>", line);
        try {
            synchronized (stdin) {
                stdin.write(line);
                stdin.write('\n');
                stdin.flush();
            }
        } catch (IOException e) {
            throw new AssertionError(name + ": cannot send \"" + line + "\": " + e + "\n" + output.tail(), e);
        }
    }

    public OutputLines output() {
        return output;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    public String name() {
        return name;
    }

    /** Exit code, waiting at most {@code timeout}; empty if still running. */
    public OptionalInt awaitExit(Duration timeout) {
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return OptionalInt.of(process.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return OptionalInt.empty();
    }

    /**
     * Stops the process: sends {@code quitCommand} (if not null), closes stdin, waits up to {@code
     * grace}; then SIGTERM and 500 ms; then SIGKILL and 5 s. Idempotent.
     */
    public void stop(String quitCommand, Duration grace) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (process.isAlive()) {
                try {
                    synchronized (stdin) {
                        if (quitCommand != null) {
                            logLine(">>", quitCommand);
                            stdin.write(quitCommand + "\n");
                            stdin.flush();
                        }
                        stdin.close();
                    }
                } catch (IOException e) {
                    // the process already closed its end
                }
                String how = "exited after quit";
                if (awaitExit(grace).isEmpty()) {
                    how = "SIGTERM";
                    process.destroy();
                    if (awaitExit(Duration.ofMillis(500)).isEmpty()) {
                        how = "SIGKILL";
                        process.destroyForcibly();
                        awaitExit(Duration.ofSeconds(5));
                    }
                }
                logLine("##", "stopped (" + how + "), alive=" + process.isAlive());
            }
            try {
                reader.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } finally {
            if (!process.isAlive()) {
                LIVE.remove(process);
            }
            synchronized (log) {
                try {
                    log.close();
                } catch (IOException e) {
                    // ignore
                }
            }
        }
    }

    @Override
    public void close() {
        stop(null, Duration.ofSeconds(2));
    }

    @Override
    public String toString() {
        return name + "(pid " + process.pid() + ")";
    }
}
