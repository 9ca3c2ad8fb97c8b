package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.carillon.cli.CliRun.carillon;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two contacts exchange messages through the commands alone, each command online for its own
 * time, through one seed node on loopback that keeps what they put while they are away.
 */
class MessageCommandEndToEndTest {
    private static final Pattern CREATED = Pattern.compile("created account ([0-9a-f]{40})");
    private static final Pattern ACCEPTED = Pattern.compile("accepted ([0-9a-f]{1,16})");

    @TempDir
    Path tmp;

    private DhtRunner seed;
    private String alice;
    private String bob;

    @BeforeEach
    void twoContacts() throws IOException {
        seed = DhtRunner.start(DhtConfig.defaults()
                .withBindAddresses(List.of(InetAddress.getLoopbackAddress()))
                .withPort(0));
        alice = create("alice");
        bob = create("bob");
        as("bob", "request", "list"); // bob's device is announced
        as("alice", "contact", "add", bob);
        as("bob", "request", "list");
        as("bob", "request", "accept", alice);
        as("alice", "request", "list"); // the confirmation
        assertThat(as("alice", "contact", "list").out()).contains(bob + "  confirmed");
    }

    @AfterEach
    void stopSeed() {
        seed.close();
    }

    private List<String> args(String user, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", tmp.resolve(user).toString()));
        boolean offline = (args[0].equals("account") && args[1].equals("create"))
                || (args[0].equals("contact") && args[1].equals("list"))
                || (args[0].equals("message")
                        && !args[1].equals("send")
                        && !List.of(args).contains("--sync"));
        if (!offline) {
            all.addAll(List.of("--bootstrap", "127.0.0.1:" + seed.port(), "--bind", "127.0.0.1"));
            if (!all.contains("--timeout")) {
                all.addAll(List.of("--timeout", "20s"));
            }
        }
        return all;
    }

    private CliRun as(String user, String... args) {
        List<String> all = args(user, args);
        CliRun run = carillon(all.toArray(String[]::new));
        assertThat(run.exitCode()).as(user + " " + all + "\n" + run.err()).isZero();
        return run;
    }

    private String create(String user) {
        Matcher m = CREATED.matcher(as(user, "account", "create", "--alias", user, "--key-bits", "2048")
                .out());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static String acceptedId(CliRun run) {
        Matcher m = ACCEPTED.matcher(run.out());
        assertThat(m.find()).as(run.out() + run.err()).isTrue();
        return m.group(1);
    }

    private static long count(String text, String part) {
        return text.lines().filter(l -> l.contains(part)).count();
    }

    @Test
    void aMessageToAnOfflineContactIsDeliveredOnceWhenItComesOnline() {
        CliRun sent = as("alice", "message", "send", bob.substring(0, 6), "hello", "bob", "--timeout", "5s");
        String id = acceptedId(sent);
        assertThat(sent.out()).startsWith("accepted " + id + "\n");
        assertThat(sent.err()).contains("1 of 1 messages not delivered within 5 s: they stay in the outbox");
        assertThat(as("alice", "message", "list", bob).out()).containsPattern(id + "  me    (…|✓) +hello bob");

        CliRun received = as("bob", "message", "list", alice, "--sync");
        assertThat(count(received.out(), "hello bob")).isEqualTo(1);
        assertThat(received.out()).containsPattern(id + "  them  - +hello bob");
        assertThat(count(as("bob", "message", "list", alice, "--sync").out(), "hello bob"))
                .as("a second sync brings no copy")
                .isEqualTo(1);

        // bob's acknowledgement waits in his inbox: alice's next command online takes it
        CliRun status = as("alice", "message", "list", bob, "--sync", "--wait", "15s");
        assertThat(status.out()).containsPattern(id + "  me    ✓✓ +hello bob");
    }

    @Test
    void aMessageToAContactOnlineInAChatAppearsThereAndIsDeliveredAndRead() throws Exception {
        StringWriter bobsScreen = new StringWriter();
        ScriptedStdin bobTypes = new ScriptedStdin()
                .then(() -> await(bobsScreen, s -> s.contains("chat with " + alice)))
                .then(() -> as("alice", "message", "send", bob, "are you there?", "--timeout", "20s"))
                .then(() -> await(bobsScreen, s -> s.contains(": are you there?")))
                .line("yes!")
                .then(() -> await(bobsScreen, s -> s.contains("me: yes!")))
                .line("/quit");
        CompletableFuture<CliRun> chat = CompletableFuture.supplyAsync(() ->
                carillon(stdin(bobTypes), bobsScreen, args("bob", "chat", alice).toArray(String[]::new)));
        CliRun bobsChat = chat.get(90, TimeUnit.SECONDS);
        assertThat(bobsChat.exitCode()).as(bobsChat.out() + bobsChat.err()).isZero();
        assertThat(bobsChat.out())
                .containsPattern("\\[1\\] \\d\\d:\\d\\d " + alice.substring(0, 8) + ": are you there\\?");
        assertThat(bobsChat.out()).containsPattern("\\[2\\] \\d\\d:\\d\\d me: yes! (…|✓)");

        CliRun alices = as("alice", "message", "list", bob, "--sync", "--wait", "15s");
        assertThat(alices.out()).containsPattern("  me    ✓✓ read +are you there\\?");
        assertThat(alices.out()).containsPattern("  them  - +yes!");
    }

    @Test
    void inAChatOwnMessagesAreEditedAndDeletedForThePeerToo() throws Exception {
        StringWriter screen = new StringWriter();
        ScriptedStdin typed = new ScriptedStdin()
                .line("first draft")
                .line("second one")
                .then(() -> await(screen, s -> s.contains("[2]") && s.contains("me: second one")))
                .line("/edit 1 first, corrected")
                .line("/delete 2")
                .line("/edit 7 nothing there")
                .line("/help")
                .line("/quit");
        CliRun chat = carillon(stdin(typed), screen, args("alice", "chat", bob).toArray(String[]::new));
        assertThat(chat.exitCode()).as(chat.out() + chat.err()).isZero();
        assertThat(chat.out()).contains("me: first, corrected (edited)");
        assertThat(chat.out()).containsPattern("\\[2\\] \\d\\d:\\d\\d me: \\(deleted\\)");
        assertThat(chat.out()).contains("no message [7] in this chat");
        assertThat(chat.out()).contains("/edit N TEXT");

        CliRun bobs = as("bob", "message", "list", alice, "--sync");
        assertThat(bobs.out()).contains("first, corrected (edited)").doesNotContain("first draft");
        assertThat(bobs.out()).contains("(deleted)").doesNotContain("second one");
    }

    @Test
    void sendingFromStdinAcceptsOneMessagePerLineAndListingPagesBackwards() {
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            lines.append("line ").append(i).append("\n\n");
        }
        lines.append("x".repeat(org.carillon.core.message.Messenger.MAX_TEXT_BYTES + 1))
                .append("\n");
        StringWriter out = new StringWriter();
        CliRun sent = carillon(
                stdin(new StringReader(lines.toString())),
                out,
                args("alice", "message", "send", "--stdin", bob, "--timeout", "3s")
                        .toArray(String[]::new));
        assertThat(sent.exitCode()).as("a line was refused").isEqualTo(1);
        assertThat(sent.err()).contains("line 25: the message is too large");
        assertThat(count(sent.out(), "accepted ")).isEqualTo(12);

        CliRun newest = as("alice", "message", "list", bob, "--limit", "5");
        List<String> page = newest.out().lines().toList();
        assertThat(page).hasSize(5);
        assertThat(page.get(0)).endsWith("line 8");
        assertThat(page.get(4)).endsWith("line 12");
        String firstId = page.get(0).split("\\s+")[1];
        List<String> before = as("alice", "message", "list", bob, "--limit", "5", "--before", firstId)
                .out()
                .lines()
                .toList();
        assertThat(before).hasSize(5);
        assertThat(before.get(0)).endsWith("line 3");
        assertThat(before.get(4)).endsWith("line 7");

        CliRun found = as("alice", "message", "search", "LINE", "1", "--contact", bob);
        assertThat(found.out().lines().toList()).hasSize(4).allMatch(l -> l.matches(bob + "  .*line 1\\d?"));
    }

    private static void await(StringWriter screen, Predicate<String> shown) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (!shown.test(screen.toString())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not shown within 40 s; the screen:\n" + screen);
            }
            Thread.sleep(50);
        }
    }

    static Stdin stdin(java.io.Reader reader) {
        return new Stdin() {
            @Override
            public boolean isTerminal() {
                return false;
            }

            @Override
            public java.io.Reader reader() {
                return reader;
            }
        };
    }
}
