package org.carillon.cli;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.carillon.dht.InfoHash;
import org.carillon.dht.ListenHandle;
import org.carillon.dht.Value;

/**
 * The console without a terminal: reads one command line at a time, runs its verb on the node
 * and reports through a {@link ConsoleOutput}. A bad line is reported and the session goes on;
 * it only remembers that something failed, for the exit status of scripts.
 *
 * <p>Gets, queries and puts answer later, on the node's callback thread; the session keeps their
 * futures so that {@link #awaitIdle} can wait for them. Listens last until cancelled or {@link
 * #close}.
 */
final class ConsoleSession implements AutoCloseable {
    private final DhtNode node;
    private final ConsoleOutput output;
    private final VerbTable verbs;
    private final LogSwitch logs;
    private final List<InetSocketAddress> bootstrap;
    private final RandomGenerator random;
    private final LongSupplier nanoTime;

    private final Map<CompletableFuture<?>, Invocation> pending = new ConcurrentHashMap<>();
    private final Map<ListenKey, ListenHandle> listens = new ConcurrentHashMap<>();
    private final AtomicBoolean failed = new AtomicBoolean();
    private volatile boolean quit;
    private int commands;

    record ListenKey(InfoHash key, long token) {}

    ConsoleSession(
            DhtNode node,
            ConsoleOutput output,
            VerbTable verbs,
            LogSwitch logs,
            List<InetSocketAddress> bootstrap,
            RandomGenerator random,
            LongSupplier nanoTime) {
        this.node = node;
        this.output = output;
        this.verbs = verbs;
        this.logs = logs;
        this.bootstrap = List.copyOf(bootstrap);
        this.random = random;
        this.nanoTime = nanoTime;
    }

    /**
     * Runs one command line. Never throws for anything the user typed.
     *
     * @return false once the line asked to quit
     */
    boolean execute(String text) {
        ConsoleLine line;
        try {
            line = ConsoleLine.parse(text);
        } catch (CommandError e) {
            fail();
            output.error(null, e.getMessage());
            return !quit;
        }
        if (line.isEmpty()) {
            return !quit;
        }
        Optional<Verb> found = verbs.find(line.verb());
        if (found.isEmpty()) {
            fail();
            output.unknownVerb(line.verb());
            return !quit;
        }
        Verb verb = found.get();
        Invocation call = new Invocation(++commands, verb, line, this);
        try {
            int args = line.args().size();
            if (args < verb.minArgs() || args > verb.maxArgs()) {
                throw call.usage(arityProblem(verb, args));
            }
            verb.handler().run(call);
        } catch (CommandError e) {
            fail();
            output.error(call, e.getMessage());
        } catch (RuntimeException e) {
            // the node refused or timed out (IllegalStateException from DhtRunner...): report, go on
            fail();
            output.error(call, "failed: " + e);
        }
        return !quit;
    }

    private static String arityProblem(Verb verb, int args) {
        int min = verb.minArgs();
        int max = verb.maxArgs();
        if (max == 0) {
            return "takes no arguments, got " + args;
        }
        String expected;
        int last;
        if (min == max) {
            expected = String.valueOf(min);
            last = min;
        } else if (max == Verb.FREE_TEXT) {
            expected = "at least " + min;
            last = min;
        } else if (min == 0) {
            expected = "at most " + max;
            last = max;
        } else {
            expected = min + " to " + max;
            last = max;
        }
        return "expected " + expected + (last == 1 ? " argument" : " arguments") + ", got " + args;
    }

    /**
     * Keeps {@code operation} until it completes, so that scripts can wait for it. Pass the stage
     * that prints the result, not the node's future: waiting for the latter would let a script
     * end before the result is printed on the callback thread.
     */
    <T> CompletableFuture<T> track(Invocation call, CompletableFuture<T> operation) {
        pending.put(operation, call);
        operation.whenComplete((result, error) -> pending.remove(operation));
        return operation;
    }

    /**
     * Waits until every operation started so far has completed, at most {@code timeout}; reports
     * those still running after it as failed.
     *
     * @return true when all completed in time
     */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = nanoTime.getAsLong() + timeout.toNanos();
        for (Map.Entry<CompletableFuture<?>, Invocation> op : List.copyOf(pending.entrySet())) {
            long left = deadline - nanoTime.getAsLong();
            try {
                op.getKey().get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (ExecutionException failedIsReportedByItsHandler) {
                // the verb's completion handler printed it
            } catch (TimeoutException e) {
                break;
            }
        }
        boolean idle = true;
        for (Map.Entry<CompletableFuture<?>, Invocation> op : List.copyOf(pending.entrySet())) {
            if (!op.getKey().isDone()) {
                idle = false;
                fail();
                output.error(op.getValue(), "no result after " + DhtnodeFormat.duration(timeout) + ", giving up");
            }
        }
        return idle;
    }

    void fail() {
        failed.set(true);
    }

    /** True once a command was refused or an operation failed. */
    boolean failed() {
        return failed.get();
    }

    void quit() {
        quit = true;
    }

    void addListen(InfoHash key, ListenHandle handle) {
        listens.put(new ListenKey(key, handle.token()), handle);
    }

    boolean removeListen(InfoHash key, long token) {
        return listens.remove(new ListenKey(key, token)) != null;
    }

    DhtNode node() {
        return node;
    }

    ConsoleOutput output() {
        return output;
    }

    VerbTable verbs() {
        return verbs;
    }

    LogSwitch logs() {
        return logs;
    }

    List<InetSocketAddress> bootstrapNodes() {
        return bootstrap;
    }

    long newValueId() {
        return Value.randomId(random);
    }

    long now() {
        return nanoTime.getAsLong();
    }

    Duration since(long startNanos) {
        return Duration.ofNanos(nanoTime.getAsLong() - startNanos);
    }

    /** Cancels the listens still running; the node itself belongs to the caller. */
    @Override
    public void close() {
        for (ListenHandle handle : List.copyOf(listens.values())) {
            try {
                handle.close();
            } catch (RuntimeException e) {
                // the node is going away anyway
            }
        }
        listens.clear();
    }
}
