package org.carillon.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.carillon.core.account.AccountId;
import org.carillon.core.contact.Contact;
import org.carillon.core.local.LocalAccounts;
import org.carillon.core.message.Message;
import org.carillon.core.message.MessageStore;
import org.carillon.core.message.Messenger;
import org.carillon.core.store.LocalAccount;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code carillon message ...}: one-to-one text messages with a contact. */
@Command(
        name = "message",
        mixinStandardHelpOptions = true,
        description = "Send messages to a contact, list and search the conversations.",
        subcommands = {MessageCommand.Send.class, MessageCommand.ListMessages.class, MessageCommand.Search.class})
final class MessageCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return spec.exitCodeOnInvalidInput();
    }

    @Command(
            name = "send",
            mixinStandardHelpOptions = true,
            description = {
                "Send a text message to a contact. 'accepted ID' is printed as soon as the message is stored"
                        + " here: from then on it is never lost. The command then stays online until it is"
                        + " delivered or --timeout passes, printing each change ('sent ID', 'delivered ID',"
                        + " 'read ID', 'failed ID'). What is not delivered yet stays in the outbox and is sent"
                        + " again by any later command of this account that goes online. Exits with 0 once the"
                        + " messages are accepted, delivered or not; with 1 when one could not be accepted."
            })
    static final class Send implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        AccountOptions options;

        @Mixin
        NetworkOptions network;

        @Option(
                names = "--stdin",
                description =
                        "Send one message per line of standard input (empty lines are skipped)" + " instead of TEXT.")
        boolean fromStdin;

        @Parameters(
                index = "0",
                paramLabel = "CONTACT",
                description = "The contact: its account id, or the first 4 or more hex digits of it.")
        String contact;

        @Parameters(
                index = "1..*",
                arity = "0..*",
                paramLabel = "TEXT",
                description = "The message (several words are joined by spaces; put -- before a text that starts"
                        + " with -).")
        List<String> words = new ArrayList<>();

        private final Stdin stdin;

        Send() {
            this(Stdin.SYSTEM);
        }

        Send(Stdin stdin) {
            this.stdin = stdin;
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (fromStdin && !words.isEmpty()) {
                throw new CommandError("give the text as arguments or with --stdin, not both");
            }
            if (!fromStdin && words.isEmpty()) {
                throw new CommandError("no text given: carillon message send CONTACT TEXT (or --stdin)");
            }
            String text = fromStdin ? null : MessageText.check(String.join(" ", words), Messenger.MAX_TEXT_BYTES);
            try (LocalAccounts accounts = options.open()) {
                LocalAccount a = accounts.select(options.account);
                List<Contact> contacts = accounts.state(a).contacts();
                AccountId peer = ContactArgument.resolve(contact, contacts, a.id());
                ContactArgument.warning(contacts, peer).ifPresent(err::println);
                SendReport report = new SendReport(out);
                // the wait for delivery ends by itself after --timeout: the session's limit is only a backstop
                Duration backstop = network.timeout.plus(Duration.ofSeconds(10));
                int refused = Online.run(accounts, a, network, Online.refusalsTo(err), report, backstop, s -> {
                    Messenger messenger = s.messenger();
                    int bad = fromStdin ? sendLines(messenger, peer, report, err) : 0;
                    if (text != null) {
                        report.accepted(messenger.send(peer, text));
                    }
                    return report.delivered(messenger, peer)
                            .completeOnTimeout(null, network.timeout.toMillis(), TimeUnit.MILLISECONDS)
                            .thenApply(done -> bad);
                });
                int waiting = report.undelivered();
                if (waiting > 0) {
                    err.println(waiting + " of " + report.acceptedCount() + " messages not delivered within "
                            + network.timeout.toSeconds() + " s: they stay in the outbox and are sent again by any"
                            + " command of this account that goes online");
                }
                return refused == 0 ? 0 : 1;
            }
        }

        /** One message per line; a line that cannot be sent is reported and skipped. Returns how many were. */
        private int sendLines(Messenger messenger, AccountId peer, SendReport report, PrintWriter err)
                throws IOException {
            BufferedReader lines = new BufferedReader(stdin.reader());
            int refused = 0;
            int number = 0;
            String line;
            while ((line = lines.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    report.accepted(messenger.send(peer, MessageText.check(line, Messenger.MAX_TEXT_BYTES)));
                } catch (CommandError | IllegalArgumentException e) {
                    err.println("line " + number + ": " + e.getMessage());
                    err.flush();
                    refused++;
                }
            }
            return refused;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = {
                "List the conversation with a contact from this device's store, oldest first: send time (UTC),"
                        + " message id, who wrote it, status (… sending, ✓ sent, ✓✓ delivered, ✓✓ read,"
                        + " ! failed), text. No network unless --sync."
            })
    static final class ListMessages implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        AccountOptions options;

        @Mixin
        NetworkOptions network;

        @Parameters(paramLabel = "CONTACT", description = "The contact: its account id, or the first 4+ hex digits.")
        String contact;

        @Option(
                names = "--limit",
                paramLabel = "N",
                defaultValue = "50",
                description = "At most N messages, the newest (default ${DEFAULT-VALUE}).")
        int limit;

        @Option(
                names = "--before",
                paramLabel = "ID",
                description = "Only messages before the one with this id (the page before the one listed).")
        String before;

        @Option(
                names = "--sync",
                description = "Go online first: take the messages waiting in the inbox, and give those not"
                        + " delivered yet --wait to be acknowledged.")
        boolean sync;

        @Option(
                names = "--wait",
                paramLabel = "DURATION",
                defaultValue = "5s",
                converter = Converters.IntervalConverter.class,
                description = "With --sync: how long to wait for acknowledgements (default ${DEFAULT-VALUE}).")
        Duration wait;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            checkLimit(limit);
            try (LocalAccounts accounts = options.open()) {
                LocalAccount a = accounts.select(options.account);
                AccountId peer =
                        ContactArgument.conversation(contact, accounts.state(a).contacts(), a.id());
                MessageStore store = accounts.messages(a);
                Optional<Message> start = before == null ? Optional.empty() : Optional.of(message(store, peer, before));
                if (sync) {
                    PrintWriter err = spec.commandLine().getErr();
                    Online.run(
                            accounts,
                            a,
                            network,
                            Online.refusalsTo(err),
                            Online.messageRefusalsTo(err),
                            network.timeout.plus(wait),
                            s -> s.account()
                                    .checkInbox()
                                    .thenCompose(
                                            read -> SendReport.owed(s.messenger(), store.history(peer, start, limit))
                                                    .completeOnTimeout(null, wait.toMillis(), TimeUnit.MILLISECONDS)));
                }
                List<Message> page = store.history(peer, start, limit);
                page.forEach(m -> out.println(MessageLines.listLine(m)));
                if (page.isEmpty()) {
                    spec.commandLine()
                            .getErr()
                            .println("no messages with " + peer + (start.isPresent() ? " before " + before : ""));
                }
            }
            return 0;
        }

        private static Message message(MessageStore store, AccountId peer, String hexId) {
            long id;
            try {
                id = Long.parseUnsignedLong(hexId.strip(), 16);
            } catch (NumberFormatException e) {
                throw new CommandError("'" + hexId + "' is not a message id: expected up to 16 hexadecimal digits");
            }
            return store.message(peer, id)
                    .orElseThrow(() -> new CommandError("no message " + hexId + " in the conversation with " + peer));
        }
    }

    @Command(
            name = "search",
            mixinStandardHelpOptions = true,
            description = "Find messages that contain every one of the words (as word prefixes, any case), newest"
                    + " first, in one conversation or in all.")
    static final class Search implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        AccountOptions options;

        @Option(names = "--contact", paramLabel = "CONTACT", description = "Search only the conversation with CONTACT.")
        String contact;

        @Option(
                names = "--limit",
                paramLabel = "N",
                defaultValue = "20",
                description = "At most N messages (default ${DEFAULT-VALUE}).")
        int limit;

        @Parameters(arity = "1..*", paramLabel = "WORD", description = "The words to find.")
        List<String> words;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            checkLimit(limit);
            String query = String.join(" ", words).strip();
            if (query.isEmpty()) {
                throw new CommandError("nothing to search for: give at least one word");
            }
            try (LocalAccounts accounts = options.open()) {
                LocalAccount a = accounts.select(options.account);
                Optional<AccountId> peer = contact == null
                        ? Optional.empty()
                        : Optional.of(ContactArgument.conversation(
                                contact, accounts.state(a).contacts(), a.id()));
                List<Message> found = accounts.messages(a).search(peer, query, limit);
                found.forEach(m -> out.println(m.peer() + "  " + MessageLines.listLine(m)));
                if (found.isEmpty()) {
                    spec.commandLine().getErr().println("no message matches '" + query + "'");
                }
            }
            return 0;
        }
    }

    /** The largest page a command prints: more is a question for a script reading the store, not a terminal. */
    static final int MAX_LIMIT = 100_000;

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new CommandError("--limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
        }
    }
}
