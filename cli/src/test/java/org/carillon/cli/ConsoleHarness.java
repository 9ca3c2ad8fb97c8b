package org.carillon.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/** A console session on a {@link FakeDhtNode}, printing into strings, with a clock that steps 250 us per read. */
final class ConsoleHarness {
    final FakeDhtNode node = new FakeDhtNode();
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final LogSwitch logs = LogSwitch.inMemory();
    final VerbTable verbs = VerbTable.standard();
    final ConsoleSession session;
    private final AtomicLong clock = new AtomicLong();

    ConsoleHarness(boolean json, List<InetSocketAddress> bootstrap) {
        ConsoleSink sink = ConsoleSink.of(new PrintWriter(out, true), new PrintWriter(err, true));
        session = new ConsoleSession(
                node,
                json ? new JsonOutput(sink) : new TextOutput(sink),
                verbs,
                logs,
                bootstrap,
                new SplittableRandom(42),
                () -> clock.addAndGet(250_000));
    }

    static ConsoleHarness text() {
        return new ConsoleHarness(false, List.of());
    }

    static ConsoleHarness json() {
        return new ConsoleHarness(true, List.of());
    }

    /** Runs the lines; true when none asked to quit. */
    boolean run(String... lines) {
        return Arrays.stream(lines).allMatch(session::execute);
    }

    List<String> outLines() {
        return out.toString().lines().toList();
    }

    List<String> errLines() {
        return err.toString().lines().toList();
    }
}
