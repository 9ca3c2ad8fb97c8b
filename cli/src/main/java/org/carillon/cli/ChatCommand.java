package org.carillon.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.carillon.api.client.CarillonClient;
import org.carillon.core.account.AccountId;
import org.carillon.core.contact.AccountEvents;
import org.carillon.core.contact.Contact;
import org.carillon.core.local.LocalAccounts;
import org.carillon.core.store.DataDirectory;
import org.carillon.core.store.LocalAccount;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code carillon chat CONTACT}: a conversation in the terminal, online for as long as it is open. */
@Command(
        name = "chat",
        mixinStandardHelpOptions = true,
        description = {
            "Chat with a contact: the latest messages, then new ones as they arrive (also while you type),"
                    + " with status marks on yours: … sending, ✓ sent, ✓✓ delivered, ✓✓ read, ! failed.",
            "Type a line to send it; /edit N TEXT, /delete N, /help, /quit (or Ctrl-D). Without a terminal,"
                    + " lines are read from stdin and shown plain, for scripts.",
            "When a daemon runs for the data directory, the chat goes through it; otherwise the account goes"
                    + " online for the time of the chat."
        })
final class ChatCommand implements Callable<Integer> {
    static final String PROMPT = "> ";

    /** How long the chat may stay after /quit for what it sent to be acknowledged. */
    static final Duration LINGER = Duration.ofSeconds(5);

    @Spec
    CommandSpec spec;

    @Mixin
    AccountOptions options;

    @Mixin
    NetworkOptions network;

    @Parameters(paramLabel = "CONTACT", description = "The contact: its account id, or the first 4+ hex digits.")
    String contact;

    private final Stdin stdin;

    ChatCommand() {
        this(Stdin.SYSTEM);
    }

    ChatCommand(Stdin stdin) {
        this.stdin = stdin;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        DataDirectory dir = options.directory();
        Optional<CarillonClient> daemon = RunningDaemon.find(dir);
        if (daemon.isPresent()) {
            try (CarillonClient client = daemon.get()) {
                int undelivered = throughDaemon(client, err);
                if (undelivered > 0) {
                    err.println(
                            undelivered + " of your messages are not delivered yet: the daemon goes on sending them");
                }
            }
            return 0;
        }
        RunningDaemon.noticeNone(err, dir);
        try (LocalAccounts accounts = options.open()) {
            LocalAccount a = accounts.select(options.account);
            List<Contact> contacts = accounts.state(a).contacts();
            AccountId peer = ContactArgument.resolve(contact, contacts, a.id());
            ContactArgument.warning(contacts, peer).ifPresent(err::println);
            err.println("connecting…");
            err.flush();
            LocalConversation conversation = new LocalConversation(peer);
            int undelivered = onScreen(
                    peer,
                    (chat, screen) -> Online.run(
                            accounts, a, network, new AccountEvents() {}, conversation, network.timeout, s -> {
                                conversation.attach(s.messenger());
                                return CompletableFuture.completedFuture(converse(conversation, chat, screen));
                            }));
            if (undelivered > 0) {
                err.println(undelivered + " of your messages are not delivered yet: they stay in the outbox and are"
                        + " sent again by any command of this account that goes online");
            }
        }
        return 0;
    }

    /** The chat through the daemon, which has the account online already. */
    private int throughDaemon(CarillonClient daemon, PrintWriter err) throws Exception {
        String account = RunningDaemon.account(daemon, options.account);
        List<Contact> contacts = DaemonViews.contacts(daemon, account);
        AccountId peer = ContactArgument.resolve(contact, contacts, AccountId.parse(account));
        ContactArgument.warning(contacts, peer).ifPresent(err::println);
        err.println("through the daemon that runs for " + options.directory().root());
        err.flush();
        DaemonConversation conversation = new DaemonConversation(daemon, account, peer);
        return onScreen(peer, (chat, screen) -> converse(conversation, chat, screen));
    }

    /** What runs once the screen is up: the conversation, for as long as the user stays. */
    private interface Talk {
        int run(Chat chat, ChatScreen screen) throws IOException;
    }

    /** Opens the screen (the terminal when there is one), then talks on it; returns how many messages are not delivered. */
    private int onScreen(AccountId peer, Talk talk) throws IOException {
        MessageLines lines = new MessageLines(ZoneId.systemDefault());
        if (!stdin.isTerminal()) {
            try (PlainChatScreen screen =
                    new PlainChatScreen(stdin.reader(), spec.commandLine().getOut())) {
                return talk.run(new Chat(peer, screen, lines), screen);
            }
        }
        Chat[] chat = new Chat[1];
        LogSwitch logs = LogbackSwitch.install(false);
        try (TerminalChatScreen screen = TerminalChatScreen.open(PROMPT, empty -> chat[0].onEdit(empty));
                LogSwitch.Redirect aboveThePrompt = logs.redirect(screen.sink())) {
            chat[0] = new Chat(peer, screen, lines);
            return talk.run(chat[0], screen);
        } finally {
            logs.close();
        }
    }

    /**
     * Until the user leaves, or the conversation ends without them (the daemon stopped: an
     * IOException that says so); returns how many of the messages sent are not delivered yet.
     */
    static int converse(Conversation conversation, Chat chat, ChatScreen screen) throws IOException {
        CompletableFuture<String> ended = conversation.ended();
        // lines are read on a thread of their own, so that the chat can end while the user says nothing
        ExecutorService keyboard = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "chat input");
            t.setDaemon(true);
            return t;
        });
        try (chat) {
            chat.attach(conversation);
            while (true) {
                CompletableFuture<String> next = CompletableFuture.supplyAsync(() -> readLine(screen), keyboard);
                CompletableFuture.anyOf(next, ended).exceptionally(e -> null).join();
                if (ended.isDone()) {
                    throw new IOException(ended.join());
                }
                String line = next.join();
                if (line == null || !chat.handle(line)) {
                    break;
                }
            }
            chat.leave(LINGER);
            return chat.undelivered();
        } catch (IOException e) {
            throw ended.isDone() ? new IOException(ended.join(), e) : e;
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            throw e;
        } finally {
            keyboard.shutdownNow();
        }
    }

    private static String readLine(ChatScreen screen) {
        try {
            return screen.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
