package org.carillon.cli;

import static org.carillon.cli.Verb.FREE_TEXT;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.carillon.cli.Converters.BootstrapConverter;
import org.carillon.cli.Converters.BootstrapNode;
import org.carillon.cli.Verb.Section;
import org.carillon.dht.InfoHash;
import org.carillon.dht.ListenHandle;
import org.carillon.dht.Query;
import org.carillon.dht.SearchStatus;
import org.carillon.dht.Value;
import org.carillon.dht.wire.Family;
import picocli.CommandLine.TypeConversionException;

/**
 * The verbs of dhtnode 2.4.12's console, with its argument conventions: {@code p} puts a
 * {@code text/plain} value of type 0 (user data), value ids are hex, listen tokens decimal.
 */
final class DhtnodeVerbs {
    /** {@code ValueType::USER_DATA}, the type dhtnode's {@code p} and {@code pp} put. */
    static final int USER_DATA = 0;

    static final String TEXT_PLAIN = "text/plain";

    private DhtnodeVerbs() {}

    static void register(VerbTable table) {
        table.register(Verb.of("h", Section.GENERAL, "h, help", "Print this help message.", 0, 0, DhtnodeVerbs::help)
                        .withAliases("help"))
                .register(Verb.of(
                                "x",
                                Section.GENERAL,
                                "x, quit",
                                "Quit the program.",
                                0,
                                0,
                                call -> call.session().quit())
                        .withAliases("quit", "exit"))
                .register(Verb.of(
                        "log",
                        Section.GENERAL,
                        "log [key]",
                        "Start/stop printing DHT logs (only lines naming <key>, if given).",
                        0,
                        1,
                        DhtnodeVerbs::log))
                .register(Verb.of(
                        "ll",
                        Section.NODE_INFORMATION,
                        "ll",
                        "Print basic information and stats about the current node.",
                        0,
                        0,
                        DhtnodeVerbs::nodeSummary))
                .register(Verb.of(
                        "ls",
                        Section.NODE_INFORMATION,
                        "ls [key]",
                        "Print basic information about current search(es).",
                        0,
                        1,
                        call -> call.out().searches(call, call.node().searches(), call.optionalKey(0))))
                .register(Verb.of(
                        "ld",
                        Section.NODE_INFORMATION,
                        "ld [key]",
                        "Print basic information about currently stored values on this node (or key).",
                        0,
                        1,
                        call -> {
                            Optional<InfoHash> key = call.optionalKey(0);
                            call.out().storage(call, call.node().storedValues(), key);
                        }))
                .register(Verb.of(
                        "lr",
                        Section.NODE_INFORMATION,
                        "lr",
                        "Print the full current routing table of this node.",
                        0,
                        0,
                        call -> call.out()
                                .routingTables(
                                        call,
                                        call.node().routingTable(Family.IPV4),
                                        call.node().routingTable(Family.IPV6))))
                .register(Verb.of(
                        "b",
                        Section.DHT,
                        "b <ip:port>",
                        "Ping potential node at given IP address/port.",
                        1,
                        1,
                        DhtnodeVerbs::bootstrap))
                .register(Verb.of(
                        "g",
                        Section.DHT,
                        "g <key> [WHERE ...]",
                        "Get values at <key>.",
                        1,
                        FREE_TEXT,
                        DhtnodeVerbs::get))
                .register(Verb.of(
                        "q",
                        Section.DHT,
                        "q <key> <query>",
                        "Query field values at <key>, e.g. q mykey SELECT id WHERE value_type=0.",
                        2,
                        FREE_TEXT,
                        DhtnodeVerbs::query))
                .register(Verb.of(
                        "l",
                        Section.DHT,
                        "l <key> [WHERE ...]",
                        "Listen for value changes at <key>.",
                        1,
                        FREE_TEXT,
                        DhtnodeVerbs::listen))
                .register(Verb.of(
                        "cl",
                        Section.DHT,
                        "cl <key> <token>",
                        "Cancel listen for <token> and <key>.",
                        2,
                        2,
                        DhtnodeVerbs::cancelListen))
                .register(Verb.of(
                        "p",
                        Section.DHT,
                        "p <key> <str>",
                        "Put string value at <key>.",
                        2,
                        2,
                        call -> put(call, false)))
                .register(Verb.of(
                        "pp",
                        Section.DHT,
                        "pp <key> <str>",
                        "Put string value at <key> (persistent version).",
                        2,
                        2,
                        call -> put(call, true)))
                .register(Verb.of(
                        "cpp",
                        Section.DHT,
                        "cpp <key> <id>",
                        "Cancel persistent put operation for <key> and value <id>.",
                        2,
                        2,
                        DhtnodeVerbs::cancelPut))
                .register(SecureVerbs.putSigned())
                .register(SecureVerbs.putEncrypted())
                .register(Verb.of(
                        "cc",
                        Section.DHT,
                        "cc",
                        "Trigger connectivity changed signal (pings the bootstrap nodes again).",
                        0,
                        0,
                        DhtnodeVerbs::connectivityChanged));
        for (String verb : List.of("pst", "psx", "psp", "stt", "stp", "rs", "rp")) {
            table.register(unavailable(verb, "the DHT proxy commands come with the proxy"));
        }
    }

    /** A dhtnode verb Carillon does not have yet: it explains itself instead of being unknown. */
    static Verb unavailable(String name, String reason) {
        return Verb.of(name, Section.DHT, name, reason + "; not available yet.", 0, FREE_TEXT, call -> {
                    throw new CommandError(reason + "; not available yet");
                })
                .unlisted();
    }

    private static void help(Invocation call) {
        call.out().help(call, call.session().verbs().all());
    }

    private static void log(Invocation call) {
        LogSwitch logs = call.session().logs();
        Optional<InfoHash> filter = call.optionalKey(0);
        if (filter.isPresent()) {
            logs.on(Optional.of(filter.get().toString()));
            call.out().info(call, "Logs on, only lines naming " + filter.get());
        } else if (logs.isOn()) {
            logs.off();
            call.out().info(call, "Logs off");
        } else {
            logs.on(Optional.empty());
            call.out().info(call, "Logs on");
        }
    }

    private static void nodeSummary(Invocation call) {
        DhtNode node = call.node();
        List<SearchStatus> searches = node.searches();
        int ongoing = searches.stream()
                .mapToInt(s -> s.gets() + s.puts() + s.listens())
                .sum();
        int v4 = (int) searches.stream().filter(s -> s.family() == Family.IPV4).count();
        call.out()
                .nodeSummary(
                        call,
                        new ConsoleOutput.NodeSummary(
                                node.nodeId(),
                                node.port(),
                                ongoing,
                                node.metrics(),
                                node.isConnected(Family.IPV4),
                                node.isConnected(Family.IPV6),
                                v4,
                                searches.size() - v4,
                                node.secure()
                                        .map(s -> new ConsoleOutput.IdentityStatus(
                                                s.identity(), s.badSignatures(), s.undecryptable()))));
    }

    private static void bootstrap(Invocation call) {
        BootstrapNode target;
        try {
            target = new BootstrapConverter().convert(call.arg(0));
        } catch (TypeConversionException e) {
            throw call.usage(e.getMessage());
        }
        for (InetSocketAddress address : target.addresses()) {
            call.node().bootstrap(address);
            call.out().info(call, "Pinging " + DhtnodeFormat.address(address));
        }
    }

    private static void connectivityChanged(Invocation call) {
        List<InetSocketAddress> nodes = call.session().bootstrapNodes();
        nodes.forEach(call.node()::bootstrap);
        call.out()
                .info(
                        call,
                        nodes.isEmpty()
                                ? "Connectivity changed: no bootstrap node to ping (b <ip:port> pings one)"
                                : "Connectivity changed: pinging " + nodes.size() + " bootstrap node(s)");
    }

    private static Query where(Invocation call, int index) {
        Query where = call.query(index);
        if (!where.select().isEmpty()) {
            throw new CommandError(call.verb().name() + " returns whole values: use q for SELECT");
        }
        return where;
    }

    private static void get(Invocation call) {
        InfoHash key = call.key(0);
        Query where = where(call, 1);
        long start = call.session().now();
        AtomicInteger total = new AtomicInteger();
        CompletableFuture<List<Value>> done = call.node().get(key, where, values -> {
            int sum = total.addAndGet(values.size());
            call.out().getValues(call, key, values, call.since(start), sum);
        });
        call.session().track(call, done.whenComplete((values, error) -> {
            String failure = failure(call, error);
            call.out().getDone(call, key, call.since(start), total.get(), failure);
        }));
    }

    private static void query(Invocation call) {
        InfoHash key = call.key(0);
        Query query = call.query(1);
        if (query.select().isEmpty()) {
            throw new CommandError(
                    "q needs SELECT and fields, e.g. q mykey SELECT id WHERE value_type=0" + " (g gets whole values)");
        }
        long start = call.session().now();
        call.session().track(call, call.node().query(key, query).whenComplete((rows, error) -> {
            String failure = failure(call, error);
            if (failure == null) {
                call.out().queryRows(call, key, rows, call.since(start));
            }
            call.out().queryDone(call, key, call.since(start), failure == null ? rows.size() : 0, failure);
        }));
    }

    private static void listen(Invocation call) {
        InfoHash key = call.key(0);
        Query where = where(call, 1);
        AtomicInteger total = new AtomicInteger();
        ListenHandle handle = call.node().listen(key, where, (values, expired) -> {
            int sum = total.addAndGet(expired ? -values.size() : values.size());
            call.out().listenValues(call, key, values, expired, sum);
        });
        call.session().addListen(key, handle);
        call.out().listening(call, key, handle.token());
    }

    private static void cancelListen(Invocation call) {
        InfoHash key = call.key(0);
        String typed = call.arg(1);
        long token = unsigned(typed, 10)
                .orElseThrow(() ->
                        call.usage("token must be a decimal number, got '" + DhtnodeFormat.printable(typed) + "'"));
        call.session().removeListen(key, token);
        if (!call.node().cancelListen(key, token)) {
            throw new CommandError("no listen with token " + token + " at " + key);
        }
        call.out().listenCancelled(call, key, token);
    }

    private static void put(Invocation call, boolean permanent) {
        InfoHash key = call.key(0);
        byte[] data = call.arg(1).getBytes(StandardCharsets.UTF_8);
        if (data.length + TEXT_PLAIN.length() > Value.MAX_SIZE) {
            throw new CommandError("value too large: " + data.length + " bytes, at most "
                    + (Value.MAX_SIZE - TEXT_PLAIN.length()) + " with its user type");
        }
        // the id is chosen here, not by the node, so that a failed put can still name it as dhtnode does
        long id = call.session().newValueId();
        long start = call.session().now();
        Value value = Value.of(id, USER_DATA, data, TEXT_PLAIN);
        call.session().track(call, call.node().put(key, value, permanent).whenComplete((stored, error) -> {
            String failure = failure(call, error);
            call.out().putDone(call, key, stored == null ? id : stored, permanent, call.since(start), failure);
        }));
    }

    private static void cancelPut(Invocation call) {
        InfoHash key = call.key(0);
        String typed = call.arg(1);
        long id = unsigned(typed, 16)
                .orElseThrow(() -> call.usage(
                        "value id must be hex, as put printed it, got '" + DhtnodeFormat.printable(typed) + "'"));
        call.node().cancelPut(key, id);
        call.out().putCancelled(call, key, id);
    }

    /** The failure message of an operation, or null when it succeeded; marks the session failed. */
    static String failure(Invocation call, Throwable error) {
        if (error == null) {
            return null;
        }
        call.session().fail();
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }

    /** An unsigned 64-bit number in ASCII digits of {@code radix} (a 0x prefix allowed in hex). */
    static Optional<Long> unsigned(String text, int radix) {
        String digits = radix == 16 && (text.startsWith("0x") || text.startsWith("0X")) ? text.substring(2) : text;
        if (digits.isEmpty()
                || digits.length() > 20
                || !digits.chars().allMatch(c -> c < 128 && Character.digit(c, radix) >= 0)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseUnsignedLong(digits, radix));
        } catch (NumberFormatException tooLarge) {
            return Optional.empty();
        }
    }
}
