package org.carillon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.carillon.api.client.ApiClient;
import org.carillon.api.server.ApiToken;
import org.carillon.core.daemon.DaemonConfig;
import org.carillon.core.store.DataDirectory;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code carillon demo}: two daemons (Alice's and Bob's) on a private DHT inside this process,
 * driven through their APIs as any client would: accounts, a trust request, its acceptance and
 * a short conversation, narrated. Nothing leaves the machine; everything is deleted at the end.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Shows Carillon at work without any network: two users on a private DHT in this process"
                + " become contacts and chat, narrated step by step.")
final class DemoCommand implements Callable<Integer> {
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Option(
            names = "--key-bits",
            defaultValue = "2048",
            description = "RSA size of the demo accounts (default ${DEFAULT-VALUE}; real accounts use 4096).")
    int keyBits;

    @Option(names = "--keep", description = "Keep the demo's data directories (printed at the end).")
    boolean keep;

    private PrintWriter out;
    private long started;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        started = System.nanoTime();
        String level = LogFile.level();
        LogFile.level("warn"); // the narration is the output; the nodes' own logs would drown it
        try {
            return demo();
        } finally {
            LogFile.level(level);
        }
    }

    private int demo() throws Exception {
        Path root = Files.createTempDirectory("carillon-demo-");
        say("A private DHT of 3 nodes on loopback, and two daemons joining it (data in " + root + ")");
        InetAddress lo = InetAddress.getLoopbackAddress();
        DhtRunner seed = DhtRunner.start(
                DhtConfig.defaults().withBindAddresses(List.of(lo)).withPort(0));
        InetSocketAddress seedAddress = new InetSocketAddress(lo, seed.port());
        DhtRunner[] relays = new DhtRunner[2];
        for (int i = 0; i < relays.length; i++) {
            relays[i] = DhtRunner.start(DhtConfig.defaults()
                    .withBindAddresses(List.of(lo))
                    .withPort(0)
                    .withBootstrap(List.of(seedAddress)));
        }
        try (Daemon aliceDaemon = daemon(root.resolve("alice"), seedAddress);
                Daemon bobDaemon = daemon(root.resolve("bob"), seedAddress);
                ApiClient alice =
                        ApiClient.connect(aliceDaemon.apiUri(), ApiToken.read(root.resolve("alice")), STEP_TIMEOUT);
                ApiClient bob =
                        ApiClient.connect(bobDaemon.apiUri(), ApiToken.read(root.resolve("bob")), STEP_TIMEOUT)) {
            BlockingQueue<String> aliceHears = new LinkedBlockingQueue<>();
            BlockingQueue<String> bobHears = new LinkedBlockingQueue<>();
            alice.subscribe((event, params) -> aliceHears.add(event + " " + params));
            bob.subscribe((event, params) -> bobHears.add(event + " " + params));
            say("Alice's daemon: API " + aliceDaemon.apiUri() + "; Bob's: " + bobDaemon.apiUri());

            say("Alice and Bob each create an account (RSA-" + keyBits + " keys, Jami's certificate chain)…");
            String aliceId = call(alice, "accounts.create", Map.of("alias", "alice"))
                    .get("id")
                    .asText();
            String bobId = call(bob, "accounts.create", Map.of("alias", "bob"))
                    .get("id")
                    .asText();
            say("  Alice is " + aliceId);
            say("  Bob   is " + bobId);
            await(aliceHears, e -> e.startsWith("account.announced"), "Alice's device announced on the DHT");
            await(bobHears, e -> e.startsWith("account.announced"), "Bob's device announced on the DHT");

            say("Alice sends Bob a trust request (encrypted to each of his devices, at his inbox on the DHT)");
            call(alice, "contacts.add", Map.of("account", "alice", "contact", bobId));
            await(bobHears, e -> e.startsWith("request.received"), "Bob's daemon received it");
            say("Bob accepts");
            call(bob, "requests.accept", Map.of("account", "bob", "from", aliceId));
            await(
                    aliceHears,
                    e -> e.startsWith("contact.confirmed"),
                    "Alice's daemon got the confirmation: they are contacts");

            chat(
                    alice,
                    aliceHears,
                    "alice",
                    bob,
                    bobHears,
                    "bob",
                    bobId,
                    "Hi Bob! This went through a DHT, end to end encrypted.");
            chat(
                    bob,
                    bobHears,
                    "bob",
                    alice,
                    aliceHears,
                    "alice",
                    aliceId,
                    "Hi Alice, received. No server in between?");
            chat(alice, aliceHears, "alice", bob, bobHears, "bob", bobId, "None: only the DHT, which cannot read it.");
            call(bob, "messages.markRead", Map.of("account", "bob", "contact", aliceId));
            await(
                    aliceHears,
                    e -> e.startsWith("message.status") && e.contains("\"read\""),
                    "Bob read it: Alice sees ✓✓ read");

            say("Bob's history, as his client would show it:");
            for (JsonNode m : call(bob, "messages.history", Map.of("account", "bob", "contact", aliceId))) {
                say("  " + (m.get("outgoing").asBoolean() ? "bob  " : "alice") + "  "
                        + m.get("text").asText() + "  [" + m.get("status").asText() + "]");
            }
            say("Done. Try it for real: carillon account create, carillon contact add, carillon chat (see README).");
        } finally {
            for (DhtRunner r : relays) {
                r.close();
            }
            seed.close();
            if (keep) {
                say("The demo's data stays in " + root);
            } else {
                deleteTree(root);
            }
        }
        return 0;
    }

    private void chat(
            ApiClient from,
            BlockingQueue<String> fromHears,
            String fromName,
            ApiClient to,
            BlockingQueue<String> toHears,
            String toName,
            String toId,
            String text)
            throws Exception {
        say(fromName + " → " + toName + ": " + text);
        String id = call(from, "messages.send", Map.of("account", fromName, "contact", toId, "text", text))
                .get("id")
                .asText();
        await(toHears, e -> e.startsWith("message.received") && e.contains(id), toName + "'s daemon received it");
        await(
                fromHears,
                e -> e.startsWith("message.status") && e.contains(id) && e.contains("delivered"),
                fromName + "'s daemon got the acknowledgement: ✓✓ delivered");
    }

    private Daemon daemon(Path home, InetSocketAddress seed) throws Exception {
        DataDirectory dir = new DataDirectory(home).ensureExists();
        return Daemon.start(new Daemon.Settings(
                dir,
                DaemonConfig.load(dir.root()),
                List.of(seed),
                InetAddress.getLoopbackAddress(),
                0,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                keyBits));
    }

    private JsonNode call(ApiClient client, String method, Map<String, Object> params) throws Exception {
        return client.call(method, params).get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private void await(BlockingQueue<String> events, Predicate<String> wanted, String what) throws Exception {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e != null && wanted.test(e)) {
                say("  " + what);
                return;
            }
        }
        throw new IOException("the demo stalled: not in " + STEP_TIMEOUT.toSeconds() + " s: " + what);
    }

    private void say(String line) {
        out.printf("[%5.1f s] %s%n", (System.nanoTime() - started) / 1e9, line);
        out.flush();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
