package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.carillon.cli.CliRun.carillon;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.carillon.api.client.CarillonClient;
import org.carillon.core.daemon.DaemonConfig;
import org.carillon.core.store.DataDirectory;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The account, contact, request and message commands against running daemons: alice's and
 * bob's, each in its own data directory, on a private DHT of one loopback seed. The commands
 * print what they print on their own, and refuse what the daemon refuses in one line; with no
 * daemon (or only the file of a dead one) they say so and go online themselves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommandsThroughDaemonTest {
    private static final Pattern CREATED = Pattern.compile("created account ([0-9a-f]{40})");
    private static final Pattern ACCEPTED = Pattern.compile("accepted ([0-9a-f]{1,16})");
    private static final long POLL_LIMIT_MS = 20_000;

    @TempDir
    static Path tmp;

    private DhtRunner seed;
    private Daemon aliceDaemon;
    private Daemon bobDaemon;
    private String alice;
    private String bob;

    @BeforeAll
    void twoDaemonsWithAnAccountEach() throws Exception {
        seed = DhtRunner.start(DhtConfig.defaults()
                .withBindAddresses(List.of(InetAddress.getLoopbackAddress()))
                .withPort(0));
        aliceDaemon = daemon("alice");
        bobDaemon = daemon("bob");

        CliRun created = as("alice", "account", "create", "--alias", "alice", "--key-bits", "2048");
        alice = created(created);
        assertThat(created.out()).contains("online through the daemon");
        assertThat(created.err())
                .contains("the daemon is generating the keys")
                .contains("ignored through the daemon, which is online with its own settings: --key-bits")
                .doesNotContain("no Carillon daemon runs");
        bob = created(as("bob", "account", "create", "--alias", "bob", "--device-name", "bobs-laptop"));
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {aliceDaemon, bobDaemon, seed}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    private Daemon daemon(String user) throws Exception {
        return Daemon.start(settings(tmp.resolve(user)));
    }

    private Daemon.Settings settings(Path home) throws IOException {
        DataDirectory dir = new DataDirectory(home).ensureExists();
        return new Daemon.Settings(
                dir,
                DaemonConfig.load(dir.root()),
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), seed.port())),
                InetAddress.getLoopbackAddress(),
                0,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                2048);
    }

    private static String created(CliRun run) {
        Matcher m = CREATED.matcher(run.out());
        assertThat(m.find()).as(run.out()).isTrue();
        return m.group(1);
    }

    private CliRun run(String user, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", tmp.resolve(user).toString()));
        return carillon(all.toArray(String[]::new));
    }

    private CliRun as(String user, String... args) {
        CliRun run = run(user, args);
        assertThat(run.exitCode())
                .as(user + " " + List.of(args) + "\n" + run.err())
                .isZero();
        return run;
    }

    /** Runs the command until its output satisfies {@code wanted}: the daemons work in the background. */
    private CliRun until(Predicate<String> wanted, String user, String... args) throws InterruptedException {
        long end = System.currentTimeMillis() + POLL_LIMIT_MS;
        CliRun run = as(user, args);
        while (!wanted.test(run.out()) && System.currentTimeMillis() < end) {
            Thread.sleep(200);
            run = as(user, args);
        }
        assertThat(run.out())
                .as(user + " " + List.of(args))
                .satisfies(out -> assertThat(wanted.test(out)).isTrue());
        return run;
    }

    @Test
    void anAccountExportedThroughOneDaemonBecomesADeviceOfAnotherWhichItsFirstDeviceRevokes() throws Exception {
        Path archive = tmp.resolve("alice.gz");
        Path password = Files.writeString(tmp.resolve("password"), "correct horse\n");
        Path wrong = Files.writeString(tmp.resolve("wrong"), "battery staple\n");
        assertThat(as("alice", "account", "export", archive.toString(), "--password-file", password.toString())
                        .out())
                .isEqualTo("exported account " + alice + " to " + archive + " (password-protected)\n");
        assertThat(Files.getPosixFilePermissions(archive))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

        try (Daemon phoneDaemon = daemon("alices-phone")) {
            CliRun refused =
                    run("alices-phone", "account", "import", archive.toString(), "--password-file", wrong.toString());
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).contains("wrong password or corrupt").doesNotContain("Exception");

            CliRun imported = as(
                    "alices-phone",
                    "account",
                    "import",
                    archive.toString(),
                    "--password-file",
                    password.toString(),
                    "--device-name",
                    "phone");
            Matcher device =
                    Pattern.compile("device ([0-9a-f]{40}) \\(phone\\)").matcher(imported.out());
            assertThat(imported.out()).startsWith("imported account " + alice + "\n");
            assertThat(device.find()).as(imported.out()).isTrue();
            assertThat(as("alices-phone", "account", "list").out()).startsWith(alice);

            // alice's first device revokes the new one, which it finds announced on the DHT
            assertThat(as("alice", "account", "revoke-device", device.group(1)).out())
                    .isEqualTo("revoked device " + device.group(1) + " of account " + alice + " (1 revoked in all)\n");

            CliRun unconfirmed = run("alices-phone", "account", "remove");
            assertThat(unconfirmed.exitCode()).isEqualTo(1);
            assertThat(unconfirmed.err()).contains("add --yes");
            assertThat(as("alices-phone", "account", "remove", "--yes").out())
                    .isEqualTo("removed account " + alice + " from this device\n");
            assertThat(as("alices-phone", "account", "list").out()).isEmpty();
        }
    }

    @Test
    void statusShowsTheDaemonsNodeAndAccountsAndFailsWithoutADaemon() throws Exception {
        CliRun status = until(out -> out.contains(alice + "  alice  online\n"), "alice", "status");
        assertThat(status.out())
                .startsWith("daemon    " + tmp.resolve("alice") + ", up ")
                .contains("node      " + aliceDaemon.node().nodeId() + " on UDP port " + aliceDaemon.dhtPort())
                .containsPattern("IPv4      connected, [1-9]\\d* good and \\d+ dubious nodes")
                .containsPattern("packets   [1-9]\\d* in, [1-9]\\d* out, \\d+ dropped");

        CliRun none = run("nobody", "status");
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.err()).contains("no Carillon daemon runs for " + tmp.resolve("nobody"));
    }

    @Test
    void accountsAreListedAndShownFromTheDaemon() throws Exception {
        assertThat(as("alice", "account", "list").out()).isEqualTo(alice + "  alice\n");
        CliRun shown =
                until(out -> out.contains("announced on the DHT by the daemon"), "bob", "account", "show", "--no-qr");
        assertThat(shown.out())
                .startsWith("account " + bob + "\nalias   bob\n")
                .containsPattern("device  [0-9a-f]{40}  bobs-laptop  \\(this device\\)\n");
        assertThat(shown.err()).isEmpty();
    }

    @Test
    void contactsRequestsAndMessagesGoThroughTheDaemons() throws Exception {
        CliRun added = as("alice", "contact", "add", bob, "--name", "Alice Liddell", "--timeout", "5s");
        assertThat(added.out()).contains("trust request to " + bob + " handed to the daemon");
        assertThat(added.err())
                .contains("ignored through the daemon, which is online with its own settings: --timeout")
                .doesNotContain("no Carillon daemon runs");
        assertThat(as("alice", "contact", "list").out()).isEqualTo(bob + "  pending\n");

        until(out -> out.contains(alice + "  Alice Liddell  "), "bob", "request", "list");
        assertThat(as("bob", "request", "accept", alice).out()).isEqualTo("accepted " + alice + "\n");
        assertThat(as("bob", "contact", "list").out()).isEqualTo(alice + "  confirmed\n");
        assertThat(run("bob", "request", "list").err()).contains("no pending trust requests");
        until(out -> out.equals(bob + "  confirmed\n"), "alice", "contact", "list");

        CliRun sent = as("alice", "message", "send", bob, "hello", "through", "the", "daemon", "--timeout", "20s");
        Matcher accepted = ACCEPTED.matcher(sent.out());
        assertThat(accepted.find()).as(sent.out()).isTrue();
        String id = accepted.group(1);
        assertThat(sent.out()).as("the same report as without a daemon").contains("delivered " + id);
        assertThat(sent.err()).doesNotContain("ignored").doesNotContain("not delivered");
        assertThat(until(
                                out -> out.contains("hello through the daemon"),
                                "bob",
                                "message",
                                "list",
                                alice.substring(0, 6))
                        .out())
                .containsPattern(id + "  them  -\\s+hello through the daemon\n");
        assertThat(as("alice", "message", "list", bob).out()).contains(id + "  me    ✓✓");
        assertThat(as("bob", "message", "search", "DAEM").out())
                .contains(alice + "  ")
                .contains("hello through");
        assertThat(run("bob", "message", "search", "nowhere").err()).contains("no message matches 'nowhere'");

        String tooLarge = "x".repeat(org.carillon.core.message.Messenger.MAX_TEXT_BYTES + 1);
        CliRun lines = carillon(
                MessageCommandEndToEndTest.stdin(new StringReader("second\n\nthird\n" + tooLarge + "\n")),
                new StringWriter(),
                "message",
                "send",
                "--stdin",
                bob,
                "--timeout",
                "20s",
                "--data-dir",
                tmp.resolve("alice").toString());
        assertThat(lines.exitCode()).as("a line was refused").isEqualTo(1);
        assertThat(lines.err()).contains("line 4: the message is too large");
        List<String> newest = as("alice", "message", "list", bob, "--limit", "2")
                .out()
                .lines()
                .toList();
        assertThat(newest).hasSize(2);
        assertThat(newest.get(0)).endsWith("second");
        assertThat(newest.get(1)).endsWith("third");
        String secondId = newest.get(0).split("\\s+")[1];
        assertThat(as("alice", "message", "list", bob, "--before", secondId).out())
                .as("the page before")
                .endsWith("hello through the daemon\n")
                .doesNotContain("second");
        assertThat(run("bob", "message", "search", "hello", "--limit", "1000").err())
                .contains("the daemon finds at most 500 messages");

        assertThat(as("bob", "contact", "block", alice).out()).isEqualTo("blocked " + alice + "\n");
        assertThat(as("bob", "contact", "list").out()).isEqualTo(alice + "  blocked\n");
        assertThat(run("bob", "message", "send", alice, "hi").err()).contains(alice + " is blocked");
        assertThat(as("bob", "contact", "unblock", alice).out()).isEqualTo("unblocked " + alice + "\n");
        assertThat(as("alice", "contact", "remove", bob).out()).isEqualTo("removed " + bob + "\n");
        assertThat(as("alice", "contact", "list").out()).isEqualTo(bob + "  removed\n");
        assertThat(as("alice", "message", "list", bob).out())
                .as("a former contact's conversation stays readable")
                .contains("hello through the daemon");
        assertThat(run("alice", "message", "send", bob, "hi").err()).contains(bob + " is not a contact any more");
    }

    @Test
    void whatTheDaemonRefusesIsOneLineAndExitOne() {
        CliRun unknown = run("alice", "contact", "list", "--account", "nobody");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err())
                .as("the daemon's text without its JSON-RPC code")
                .isEqualTo("carillon contact list: no account 'nobody' in " + tmp.resolve("alice") + "\n");

        String stranger = "0123456789abcdef0123456789abcdef01234567";
        CliRun badId = run("alice", "contact", "block", "12345");
        assertThat(badId.exitCode()).isEqualTo(1);
        assertThat(badId.err())
                .startsWith("carillon contact block: ")
                .contains("12345")
                .doesNotContain("Exception");
        CliRun notAContact = run("alice", "contact", "remove", stranger);
        assertThat(notAContact.exitCode()).isEqualTo(1);
        assertThat(notAContact.err()).isEqualTo("carillon contact remove: " + stranger + " is not a contact\n");
        CliRun notBlocked = run("alice", "contact", "unblock", stranger);
        assertThat(notBlocked.exitCode()).isEqualTo(1);
        assertThat(notBlocked.err()).isEqualTo("carillon contact unblock: " + stranger + " is not blocked\n");
        CliRun send = run("alice", "message", "send", stranger, "hi");
        assertThat(send.exitCode()).isEqualTo(1);
        assertThat(send.err()).contains(stranger + " is not a contact of this account");
        CliRun answer = run("alice", "request", "accept", stranger);
        assertThat(answer.exitCode()).isEqualTo(1);
        assertThat(answer.err()).contains("no pending trust request from " + stranger);
        CliRun self = run("alice", "contact", "add", alice);
        assertThat(self.exitCode()).isEqualTo(1);
        assertThat(self.err()).contains("that is this account's own id");
    }

    @Test
    void theFileOfADeadDaemonLeadsToTheCommandGoingOnlineItself() throws Exception {
        Path home = tmp.resolve("carol");
        String carol;
        String endpoint;
        try (Daemon carolsDaemon = Daemon.start(settings(home))) {
            carol = created(as("carol", "account", "create", "--alias", "carol"));
            endpoint = Files.readString(home.resolve(CarillonClient.ENDPOINT_FILE));
        }
        // as a killed daemon leaves it (with its token): an address that nothing answers any more
        Files.writeString(home.resolve(CarillonClient.ENDPOINT_FILE), endpoint);
        assertThat(CarillonClient.find(home, java.time.Duration.ofSeconds(5))).isEmpty();

        assertThat(as("carol", "contact", "list").err()).isEqualTo("no contacts\n");
        CliRun added = as(
                "carol",
                "contact",
                "add",
                bob,
                "--bootstrap",
                "127.0.0.1:" + seed.port(),
                "--bind",
                "127.0.0.1",
                "--timeout",
                "20s");
        assertThat(added.err())
                .contains("no Carillon daemon runs for " + home + ": going online for this command only");
        assertThat(added.out()).contains("trust request sent to " + bob + " (1 device)");
        until(out -> out.contains(carol), "bob", "request", "list");
        assertThat(as("bob", "request", "decline", carol).out()).isEqualTo("declined " + carol + "\n");
    }

    @Test
    void withNoDaemonContactAddSaysItGoesOnlineItself() {
        Path home = tmp.resolve("dave");
        created(as("dave", "account", "create", "--alias", "dave", "--key-bits", "2048"));
        CliRun added = run(
                "dave",
                "contact",
                "add",
                "0123456789abcdef0123456789abcdef01234567",
                "--bootstrap",
                "127.0.0.1:" + seed.port(),
                "--bind",
                "127.0.0.1",
                "--timeout",
                "2s");
        assertThat(added.err())
                .startsWith("no Carillon daemon runs for " + home + ": going online for this command only (up to 2 s);"
                        + " start one with ./carillon\n");
        assertThat(added.exitCode())
                .as("no device of that account is on the DHT")
                .isEqualTo(1);
    }
}
