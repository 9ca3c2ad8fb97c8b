package org.carillon.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.carillon.dht.crypto.Identity;
import org.carillon.dht.secure.SecureDht;

/**
 * A console session on a {@link FakeDhtNode} (behind the identity layer when given an identity),
 * printing into strings, with a clock that steps 250 us per read.
 */
final class ConsoleHarness {
    final FakeDhtNode node = new FakeDhtNode();
    /** What the session runs on: the fake itself, or the fake behind a {@link SecureDht}. */
    final DhtNode sessionNode;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final LogSwitch logs = LogSwitch.inMemory();
    final VerbTable verbs = VerbTable.standard();
    final ConsoleSession session;
    private final AtomicLong clock = new AtomicLong();

    ConsoleHarness(boolean json, List<InetSocketAddress> bootstrap) {
        this(json, bootstrap, Optional.empty());
    }

    private ConsoleHarness(boolean json, List<InetSocketAddress> bootstrap, Optional<Identity> identity) {
        ConsoleSink sink = ConsoleSink.of(new PrintWriter(out, true), new PrintWriter(err, true));
        sessionNode = identity.<DhtNode>map(id -> new SecureNode(node, new SecureDht(node, id, new SecureRandom())))
                .orElse(node);
        session = new ConsoleSession(
                sessionNode,
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

    /** A console whose node has {@code identity}. */
    static ConsoleHarness withIdentity(Identity identity, boolean json) {
        return new ConsoleHarness(json, List.of(), Optional.of(identity));
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
