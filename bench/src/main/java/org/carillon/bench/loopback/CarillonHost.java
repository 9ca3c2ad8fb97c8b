package org.carillon.bench.loopback;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.carillon.dht.interop.InteropProcess;
import org.carillon.dht.interop.OutputLines.LineMatch;

/**
 * A JVM running {@link CarillonNodeHost}: the Carillon nodes of a benchmark, in a process of
 * their own (same class path as this one, stopped by PID).
 */
final class CarillonHost implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final InteropProcess process;
    private final List<Integer> ports = new ArrayList<>();

    private CarillonHost(InteropProcess process) {
        this.process = process;
    }

    /** Starts the host JVM with {@code jvmOptions} (no nodes yet). */
    static CarillonHost start(List<String> jvmOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CarillonNodeHost.class.getName()));
        CarillonHost host = new CarillonHost(InteropProcess.start("carillon-host", cmd, line -> line));
        host.await("READY", "\\d+");
        return host;
    }

    private LineMatch await(String verb, String rest) {
        int mark = process.output().mark();
        return await(mark, verb, rest);
    }

    private LineMatch await(int mark, String verb, String rest) {
        LineMatch m = process.output()
                .awaitMatch(mark, Pattern.compile("^(?:" + verb + " (" + rest + ")|ERROR .*)$"), TIMEOUT);
        if (m.line().startsWith("ERROR")) {
            throw new IllegalStateException("Carillon host: " + m.line());
        }
        return m;
    }

    private String ask(String command, String verb, String rest) {
        int mark = process.output().mark();
        process.sendLine(command);
        return await(mark, verb, rest).group(1);
    }

    /**
     * Starts {@code count} nodes bootstrapping from {@code bootstrap} (127.0.0.1 ports) and, once
     * there is one, from the host's first node; returns their ports.
     */
    List<Integer> startNodes(int count, List<Integer> bootstrap) {
        String list = bootstrap.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        String answer = ask("start " + count + (list.isEmpty() ? "" : " " + list), "STARTED", "[0-9 ]*");
        List<Integer> started = Arrays.stream(answer.trim().split(" "))
                .filter(s -> !s.isEmpty())
                .map(Integer::valueOf)
                .toList();
        ports.addAll(started);
        return started;
    }

    /** IPv4 routing-table size of every node, in start order. */
    List<Integer> knownNodes() {
        String answer = ask("known", "KNOWN", "[0-9 ]*");
        return Arrays.stream(answer.trim().split(" "))
                .filter(s -> !s.isEmpty())
                .map(Integer::valueOf)
                .toList();
    }

    /** Heap in use after a full GC, in bytes. */
    long heapAfterGc() {
        return Long.parseLong(ask("memory", "MEMORY", "\\d+"));
    }

    List<Integer> ports() {
        return List.copyOf(ports);
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.stop("quit", Duration.ofSeconds(10));
    }
}
