package org.carillon.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.carillon.core.account.AccountId;
import org.carillon.core.contact.AccountEvents;
import org.carillon.core.contact.Contact;
import org.carillon.core.local.LocalAccounts;
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
                    + " lines are read from stdin and shown plain, for scripts."
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
        try (LocalAccounts accounts = options.open()) {
            LocalAccount a = accounts.select(options.account);
            List<Contact> contacts = accounts.state(a).contacts();
            AccountId peer = ContactArgument.resolve(contact, contacts, a.id());
            ContactArgument.warning(contacts, peer).ifPresent(err::println);
            err.println("connecting…");
            err.flush();
            int undelivered = stdin.isTerminal() ? onTerminal(accounts, a, peer) : plain(accounts, a, peer);
            if (undelivered > 0) {
                err.println(undelivered + " of your messages are not delivered yet: they stay in the outbox and are"
                        + " sent again by any command of this account that goes online");
            }
        }
        return 0;
    }

    private int onTerminal(LocalAccounts accounts, LocalAccount a, AccountId peer) throws Exception {
        Chat[] chat = new Chat[1];
        LogSwitch logs = LogbackSwitch.install(false);
        try (TerminalChatScreen screen = TerminalChatScreen.open(PROMPT, empty -> chat[0].onEdit(empty));
                LogSwitch.Redirect aboveThePrompt = logs.redirect(screen.sink())) {
            chat[0] = new Chat(peer, screen, new MessageLines(ZoneId.systemDefault()));
            return converse(accounts, a, chat[0], screen);
        } finally {
            logs.close();
        }
    }

    private int plain(LocalAccounts accounts, LocalAccount a, AccountId peer) throws Exception {
        try (PlainChatScreen screen =
                new PlainChatScreen(stdin.reader(), spec.commandLine().getOut())) {
            return converse(accounts, a, new Chat(peer, screen, new MessageLines(ZoneId.systemDefault())), screen);
        }
    }

    /** Online until the user leaves; returns how many of the messages sent are not delivered yet. */
    private int converse(LocalAccounts accounts, LocalAccount a, Chat chat, ChatScreen screen) throws Exception {
        try (chat) {
            Online.run(accounts, a, network, new AccountEvents() {}, chat, network.timeout, s -> {
                chat.attach(s.messenger());
                String line;
                while ((line = screen.readLine()) != null && chat.handle(line)) {
                    // one line at a time; events are shown meanwhile
                }
                chat.leave(LINGER);
                return CompletableFuture.completedFuture(null);
            });
            return chat.undelivered();
        }
    }
}
