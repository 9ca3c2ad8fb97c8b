package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.carillon.cli.CliRun.carillon;
import static org.carillon.cli.MessageCommandEndToEndTest.stdin;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.carillon.api.client.CarillonClient;
import org.carillon.api.model.MessageView;
import org.carillon.core.account.AccountId;
import org.carillon.core.daemon.DaemonConfig;
import org.carillon.core.store.DataDirectory;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code carillon chat} and {@code carillon account online} while a daemon runs for the data
 * directory: two real daemons in this JVM (alice's and bob's, own data directories, own DHT
 * nodes on loopback, own APIs), contacts through their APIs; alice's commands go through her
 * daemon, and bob answers through his API.
 */
class ChatThroughDaemonTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path tmp;

    private static DhtRunner seed;
    private static Daemon aliceDaemon;
    private static Daemon bobDaemon;
    private static CarillonClient aliceApi;
    private static CarillonClient bobApi;
    private static String alice;
    private static String bob;

    @BeforeAll
    static void twoDaemonsWhoseAccountsAreContacts() throws Exception {
        seed = DhtRunner.start(DhtConfig.defaults()
                .withBindAddresses(List.of(InetAddress.getLoopbackAddress()))
                .withPort(0));
        aliceDaemon = daemon("alice");
        bobDaemon = daemon("bob");
        aliceApi = client("alice");
        bobApi = client("bob");
        alice = aliceApi.createAccount("alice").id();
        bob = bobApi.createAccount("bob").id();
        await("both announced", () -> announced(aliceApi, alice) && announced(bobApi, bob));
        aliceApi.addContact(alice, bob);
        await("bob hears alice's request", () -> !bobApi.requests(bob).isEmpty());
        bobApi.accept(bob, alice);
        await(
                "alice hears that bob accepted",
                () -> aliceApi.contacts(alice).stream().anyMatch(c -> c.id().equals(bob) && c.confirmed()));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {aliceApi, bobApi, aliceDaemon, bobDaemon, seed}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private static Daemon daemon(String user) throws Exception {
        DataDirectory dir = new DataDirectory(tmp.resolve(user)).ensureExists();
        return Daemon.start(new Daemon.Settings(
                dir,
                DaemonConfig.load(dir.root()),
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), seed.port())),
                InetAddress.getLoopbackAddress(),
                0,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                2048));
    }

    /** A client found the way the commands find it: through the data directory. */
    private static CarillonClient client(String user) throws IOException {
        return RunningDaemon.find(new DataDirectory(tmp.resolve(user))).orElseThrow();
    }

    private static boolean announced(CarillonClient api, String account) throws IOException {
        return api.accountDetails(account).path("announced").asBoolean();
    }

    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + WAIT.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }

    private static void awaitShown(StringWriter screen, String text) throws Exception {
        try {
            await("'" + text + "' shown", () -> screen.toString().contains(text));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the screen:\n" + screen, e);
        }
    }

    private static Optional<MessageView> inHistory(CarillonClient api, String account, String peer, String text)
            throws IOException {
        return api.history(account, peer, Optional.empty(), 50).stream()
                .filter(m -> m.text().equals(text))
                .findFirst();
    }

    private static String args(String user) {
        return tmp.resolve(user).toString();
    }

    @Test
    void aChatGoesThroughTheDaemonBothWaysWithMarksEditsAndTyping() throws Exception {
        StringWriter screen = new StringWriter();
        String bobName = bob.substring(0, 8);
        String[] bobsId = new String[1];
        ScriptedStdin alicesKeys = new ScriptedStdin()
                .then(() -> awaitShown(screen, "chat with " + bob))
                .line("hello through the daemon")
                .then(() -> await(
                        "bob's daemon has alice's line",
                        () -> inHistory(bobApi, bob, alice, "hello through the daemon")
                                .isPresent()))
                .then(() -> awaitShown(screen, "✓✓ delivered"))
                .then(() -> bobsId[0] =
                        bobApi.send(bob, alice, "hi alice, from my API").id())
                .then(() -> awaitShown(screen, bobName + ": hi alice, from my API"))
                .then(() -> await(
                        "alice's chat read bob's message",
                        () -> inHistory(bobApi, bob, alice, "hi alice, from my API")
                                .orElseThrow()
                                .status()
                                .equals("read")))
                .then(() -> bobApi.markRead(bob, alice))
                .then(() -> awaitShown(screen, "✓✓ read"))
                .then(() -> bobApi.typing(bob, alice, true))
                .then(() -> awaitShown(screen, "* " + bobName + " is typing…"))
                .then(() -> bobApi.edit(bob, alice, bobsId[0], "hi alice, edited"))
                .then(() -> awaitShown(screen, bobName + ": hi alice, edited (edited)"))
                .line("/edit 1 hello, corrected")
                .then(() -> await(
                        "bob's daemon has alice's edit",
                        () -> inHistory(bobApi, bob, alice, "hello, corrected").isPresent()))
                .line("/quit");
        // alice's daemon may have a second account (another test): the account is named, as an alias
        CliRun chat = carillon(
                stdin(alicesKeys),
                screen,
                "chat",
                bob.substring(0, 6),
                "--account",
                "alice",
                "--data-dir",
                args("alice"));

        assertThat(chat.exitCode()).as(chat.out() + chat.err()).isZero();
        assertThat(chat.err()).contains("through the daemon that runs for").doesNotContain("no Carillon daemon");
        assertThat(chat.out()).containsPattern("\\[1\\] \\d\\d:\\d\\d me: hello through the daemon (…|✓)");
        assertThat(chat.out()).contains("[1] ✓✓ delivered", "[1] ✓✓ read read");
        assertThat(chat.out()).containsPattern("\\[2\\] \\d\\d:\\d\\d " + bobName + ": hi alice, from my API");
        assertThat(chat.out().lines().filter(l -> l.contains("me: hello, corrected (edited)")))
                .as("an edit is shown once, though heard from the call and as an event")
                .hasSize(1);
        assertThat(inHistory(bobApi, bob, alice, "hello, corrected")
                        .orElseThrow()
                        .edited())
                .isPositive();
    }

    @Test
    void whatAnotherAccountOfTheSameDaemonHearsStaysOutOfTheChat() throws Exception {
        String second = aliceApi.createAccount("alice-at-work").id();
        // bob checks a request against the sender's announced certificate: it must be there first
        await("the second account announced", () -> announced(aliceApi, second));
        aliceApi.addContact(second, bob);
        await(
                "bob hears the second account's request",
                () -> bobApi.requests(bob).stream().anyMatch(r -> r.from().equals(second)));
        bobApi.accept(bob, second);
        List<String> secondHeard = new CopyOnWriteArrayList<>();
        aliceApi.onEvent("message.typing", p -> {
            if (p.path("account").asText().equals(second)) {
                secondHeard.add("typing");
            }
        });
        StringWriter screen = new StringWriter();
        ScriptedStdin keys = new ScriptedStdin()
                .then(() -> awaitShown(screen, "chat with " + bob))
                .then(() -> bobApi.typing(bob, second, true))
                .then(() -> bobApi.send(bob, second, "for the second account only"))
                .then(() -> await(
                        "the second account has bob's message",
                        () -> inHistory(aliceApi, second, bob, "for the second account only")
                                .isPresent()))
                .then(() -> await("the second account heard bob typing", () -> !secondHeard.isEmpty()))
                .line("/quit");
        CliRun chat = carillon(stdin(keys), screen, "chat", bob, "-a", alice, "--data-dir", args("alice"));
        assertThat(chat.exitCode()).as(chat.out() + chat.err()).isZero();
        assertThat(chat.out()).doesNotContain("for the second account only").doesNotContain("is typing");
    }

    @Test
    void theChatsTypingGoesToThePeerThroughTheDaemon() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        bobApi.onEvent("message.typing", p -> {
            if (p.path("account").asText().equals(bob)) {
                heard.add(p.path("contact").asText() + " " + p.path("typing").asBoolean());
            }
        });
        StringWriter shown = new StringWriter();
        Conversation conversation = new DaemonConversation(aliceApi, alice, AccountId.parse(bob));
        try (PlainChatScreen screen = new PlainChatScreen(new StringReader(""), new java.io.PrintWriter(shown, true));
                Chat chat = new Chat(AccountId.parse(bob), screen, new MessageLines(java.time.ZoneOffset.UTC))) {
            chat.attach(conversation);
            chat.onEdit(false);
            await("bob hears alice typing", () -> heard.contains(alice + " true"));
        }
        await("bob hears alice stop when she leaves", () -> heard.contains(alice + " false"));
        assertThat(shown.toString()).contains("chat with " + bob);
    }

    @Test
    void accountOnlineShowsTheDaemonsAccountBobOnlineAndWhatHappens() throws Exception {
        await(
                "alice's daemon sees bob online",
                () -> !aliceApi.presence(alice).getOrDefault(bob, List.of()).isEmpty());
        String bobsDevice = aliceApi.presence(alice).get(bob).get(0);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<CliRun> running = CompletableFuture.supplyAsync(() -> carillon(
                CliRun.dhtThatMustNotStart(),
                out,
                err,
                "account",
                "online",
                "--for",
                "3s",
                "-a",
                alice.substring(0, 6),
                "--data-dir",
                args("alice")));
        awaitShown(out, "online " + bob);
        bobApi.typing(bob, alice, true);
        awaitShown(out, "typing " + bob);
        bobApi.typing(bob, alice, false);
        CliRun online = running.get(30, TimeUnit.SECONDS);
        assertThat(online.exitCode()).as(online.err()).isZero();
        assertThat(online.err()).doesNotContain("no Carillon daemon");
        assertThat(online.out())
                .containsPattern("(?m)^\\S+ online " + alice + " device [0-9a-f]{40} \\(through the daemon\\)$");
        assertThat(online.out()).containsPattern("(?m)^\\S+ online " + bob + " device " + bobsDevice + "$");
        assertThat(online.out()).containsPattern("(?m)^\\S+ typing " + bob + "$");
        assertThat(online.out()).containsPattern("(?m)^\\S+ idle " + bob + "$");
        assertThat(online.out()).contains("done (the daemon keeps the account online)");
    }

    @Test
    void throughTheDaemonAWrongContactOrAccountIsNamedInOneLine() {
        CliRun unknown = carillon(
                stdin(new StringReader("")),
                new StringWriter(),
                "chat",
                "ffff",
                "-a",
                alice,
                "--data-dir",
                args("alice"));
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err())
                .contains("carillon chat: unknown contact 'ffff'")
                .doesNotContain("\tat ");

        CliRun noSuchAccount =
                carillon("account", "online", "-a", "nobody", "--for", "1s", "--data-dir", args("alice"));
        assertThat(noSuchAccount.exitCode()).isEqualTo(1);
        assertThat(noSuchAccount.err())
                .contains("carillon account online: ")
                .contains("nobody")
                .doesNotContain("\tat ");
    }

    @Test
    void withoutADaemonTheCommandsSaySoAndGoOnlineThemselves() throws Exception {
        String dave = tmp.resolve("dave").toString();
        CliRun created = carillon("account", "create", "--alias", "dave", "--key-bits", "2048", "--data-dir", dave);
        assertThat(created.exitCode()).as(created.err()).isZero();
        String network = "127.0.0.1:" + seed.port();

        CliRun online = carillon(
                "account",
                "online",
                "--for",
                "1s",
                "--data-dir",
                dave,
                "--bootstrap",
                network,
                "--bind",
                "127.0.0.1",
                "--timeout",
                "10s");
        assertThat(online.exitCode()).as(online.err()).isZero();
        assertThat(online.err())
                .contains("no Carillon daemon runs for " + dave + ": going online for this command only");
        assertThat(online.out()).containsPattern("(?m)^\\S+ online [0-9a-f]{40} device [0-9a-f]{40}$");
        assertThat(online.out()).containsPattern("(?m)^\\S+ offline$");

        CliRun chat = carillon(stdin(new StringReader("")), new StringWriter(), "chat", "abcd", "--data-dir", dave);
        assertThat(chat.exitCode()).isEqualTo(1);
        assertThat(chat.err())
                .contains("no Carillon daemon runs for " + dave + ": going online for this command only, until it ends")
                .contains("unknown contact 'abcd'");
    }

    @Test
    void aDaemonThatStopsMidChatEndsItWithALineThatSaysSo() throws Exception {
        Daemon carols = daemon("carol");
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        try (CarillonClient carolApi = client("carol")) {
            String carol = carolApi.createAccount("carol").id();
            carolApi.addContact(carol, bob); // a contact at once (bob has not accepted: the chat warns)
            StringWriter screen = new StringWriter();
            ScriptedStdin keys = new ScriptedStdin()
                    .then(() -> awaitShown(screen, "chat with " + bob))
                    .line("are you there?")
                    .then(() -> awaitShown(screen, "me: are you there?"))
                    .then(() -> {
                        stopped.set(true);
                        carols.close();
                    })
                    // the user says nothing more: the chat must end without waiting for a line
                    .then(() -> Thread.sleep(TimeUnit.SECONDS.toMillis(60)));
            StringWriter following = new StringWriter();
            CompletableFuture<CliRun> online = CompletableFuture.supplyAsync(() -> carillon(
                    CliRun.dhtThatMustNotStart(),
                    following,
                    new StringWriter(),
                    "account",
                    "online",
                    "--data-dir",
                    args("carol")));
            awaitShown(following, "online " + carol + " device");
            long start = System.nanoTime();
            CliRun chat = carillon(stdin(keys), screen, "chat", bob, "--data-dir", args("carol"));
            assertThat(chat.exitCode()).as(chat.out() + chat.err()).isEqualTo(1);
            assertThat(chat.err()).contains("carillon chat: the daemon stopped: the chat ends here");
            assertThat(chat.err()).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));

            CliRun followed = online.get(30, TimeUnit.SECONDS);
            assertThat(followed.exitCode()).as(followed.out() + followed.err()).isEqualTo(1);
            assertThat(followed.err()).isEqualTo("carillon account online: the daemon stopped\n");
        } finally {
            if (!stopped.get()) {
                carols.close();
            }
        }
    }
}
