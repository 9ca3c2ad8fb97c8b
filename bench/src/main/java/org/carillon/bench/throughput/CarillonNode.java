package org.carillon.bench.throughput;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.carillon.dht.interop.InteropProcess;
import org.carillon.dht.interop.OutputLines.LineMatch;

/** Carillon's storage node ({@link StorageNodeMain}) in a child JVM on this JVM's class path. */
final class CarillonNode implements NodeUnderTest {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern GC_TIME = Pattern.compile(StorageNodeMain.GC_TIME);

    private final InteropProcess process;
    private final int port;
    private final List<String> command;

    private CarillonNode(InteropProcess process, int port, List<String> command) {
        this.process = process;
        this.port = port;
        this.command = command;
    }

    /** @param jvmOptions e.g. {@code -Xmx1g} */
    static CarillonNode start(List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StorageNodeMain.class.getName());
        InteropProcess p = InteropProcess.start("throughput-carillon", command, UnaryOperator.identity());
        try {
            LineMatch ready = p.output().awaitMatch(0, Pattern.compile(StorageNodeMain.READY), START_TIMEOUT);
            return new CarillonNode(p, Integer.parseInt(ready.group(2)), command);
        } catch (RuntimeException | AssertionError e) {
            p.stop("quit", Duration.ofSeconds(2));
            throw e;
        }
    }

    @Override
    public String side() {
        return "Carillon";
    }

    @Override
    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public String command() {
        List<String> shown = new ArrayList<>(command);
        int cp = shown.indexOf("-cp");
        shown.set(cp + 1, "<bench class path>");
        shown.set(0, "java");
        return String.join(" ", shown);
    }

    /** Asks the node process (over stdin) for its JVM's total GC time. */
    @Override
    public double gcMillis() {
        try {
            int mark = process.output().mark();
            process.sendLine("gc");
            LineMatch m = process.output().awaitMatch(mark, GC_TIME, Duration.ofSeconds(5));
            return Double.parseDouble(m.group(1));
        } catch (RuntimeException | AssertionError e) {
            return Double.NaN;
        }
    }

    @Override
    public void close() {
        process.stop("quit", Duration.ofSeconds(3));
    }
}
