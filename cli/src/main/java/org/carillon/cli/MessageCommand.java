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
import org.carillon.api.client.ApiException;
import org.carillon.api.client.CarillonClient;
import org.carillon.api.model.MessageView;
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
            Optional<CarillonClient> found = RunningDaemon.find(options.directory());
            if (found.isPresent()) {
                try (CarillonClient daemon = found.get()) {
                    return throughDaemon(daemon, text, out, err);
                }
            }
            try (LocalAccounts accounts = options.open()) {
                LocalAccount a = accounts.select(options.account);
                List<Contact> contacts = accounts.state(a).contacts();
                AccountId peer = ContactArgument.resolve(contact, contacts, a.id());
                ContactArgument.warning(contacts, peer).ifPresent(err::println);
                SendReport report = new SendReport(out);
                RunningDaemon.noticeNone(err, accounts.directory(), network.timeout);
                // the wait for delivery ends by itself after --timeout: the session's limit is only a backstop
                Duration backstop = network.timeout.plus(Duration.ofSeconds(10));
                int refused = Online.run(accounts, a, network, Online.refusalsTo(err), report, backstop, s -> {
                    Messenger messenger = s.messenger();
                    Sender sender = t -> report.accepted(messenger.send(peer, t));
                    int bad = fromStdin ? sendLines(sender, err) : 0;
                    if (text != null) {
                        sender.send(text);
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

        /**
         * The daemon stores and sends; this command reports as it would on its own, from the
         * daemon's events, for --timeout at most (a daemon has its network: the other network
         * options mean nothing to it).
         */
        private int throughDaemon(CarillonClient daemon, String text, PrintWriter out, PrintWriter err)
                throws IOException, InterruptedException {
            RunningDaemon.noticeIgnored(spec, List.of("--bootstrap", "--bind"));
            String account = RunningDaemon.account(daemon, options.account);
            List<Contact> contacts = DaemonViews.contacts(daemon, account);
            AccountId peer = ContactArgument.resolve(contact, contacts, AccountId.parse(account));
            ContactArgument.warning(contacts, peer).ifPresent(err::println);
            SendReport report = new SendReport(out);
            new DaemonEvents(daemon, account).on("message.status", e -> {
                if (e.path("contact").asText().equals(peer.hex())) {
                    report.onStatus(
                            peer,
                            DaemonViews.messageId(e.path("id").asText()),
                            DaemonViews.status(e.path("status").asText()));
                }
            });
            Sender sender = t -> {
                MessageView m = daemon.send(account, peer.hex(), t);
                report.accepted(peer, DaemonViews.messageId(m.id()), DaemonViews.status(m.status()));
            };
            int bad = fromStdin ? sendLines(sender, err) : 0;
            if (text != null) {
                sender.send(text);
            }
            report.awaitSettled(network.timeout);
            int waiting = report.undelivered();
            if (waiting > 0) {
                err.println(waiting + " of " + report.acceptedCount() + " messages not delivered within "
                        + network.timeout.toSeconds() + " s: the daemon keeps them in the outbox and sends them"
                        + " again whenever " + peer + " is online");
            }
            return bad == 0 ? 0 : 1;
        }

        /** Sends one text and reports it accepted. */
        private interface Sender {
            void send(String text) throws IOException;
        }

        /** One message per line; a line that cannot be sent is reported and skipped. Returns how many were. */
        private int sendLines(Sender sender, PrintWriter err) throws IOException {
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
                    sender.send(MessageText.check(line, Messenger.MAX_TEXT_BYTES));
                } catch (CommandError | IllegalArgumentException | ApiException e) {
                    err.println("line " + number + ": "
                            + (e instanceof ApiException a ? a.error().message() : e.getMessage()));
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
            Optional<CarillonClient> found = RunningDaemon.find(options.directory());
            if (found.isPresent()) {
                try (CarillonClient daemon = found.get()) {
                    List<String> ignored = new ArrayList<>(NetworkOptions.NAMES);
                    ignored.addAll(List.of("--sync", "--wait"));
                    RunningDaemon.noticeIgnored(spec, ignored);
                    String account = RunningDaemon.account(daemon, options.account);
                    AccountId peer = ContactArgument.conversation(
                            contact, DaemonViews.contacts(daemon, account), AccountId.parse(account));
                    Optional<String> start = before == null
                            ? Optional.empty()
                            : Optional.of(Long.toUnsignedString(messageId(before), 16));
                    print(history(daemon, account, peer, start), peer);
                }
                return 0;
            }
            try (LocalAccounts accounts = options.open()) {
                LocalAccount a = accounts.select(options.account);
                AccountId peer =
                        ContactArgument.conversation(contact, accounts.state(a).contacts(), a.id());
                MessageStore store = accounts.messages(a);
                Optional<Message> start = before == null ? Optional.empty() : Optional.of(message(store, peer, before));
                if (sync) {
                    PrintWriter err = spec.commandLine().getErr();
                    RunningDaemon.noticeNone(err, accounts.directory(), network.timeout.plus(wait));
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
                print(store.history(peer, start, limit), peer);
            }
            return 0;
        }

        private void print(List<Message> page, AccountId peer) {
            page.forEach(m -> spec.commandLine().getOut().println(MessageLines.listLine(m)));
            if (page.isEmpty()) {
                spec.commandLine()
                        .getErr()
                        .println("no messages with " + peer + (before != null ? " before " + before : ""));
            }
        }

        /** The newest --limit messages before {@code start}, a page of the API at a time, oldest first. */
        private List<Message> history(CarillonClient daemon, String account, AccountId peer, Optional<String> start)
                throws IOException {
            List<Message> all = new ArrayList<>();
            Optional<String> cursor = start;
            while (all.size() < limit) {
                int asked = Math.min(limit - all.size(), RunningDaemon.MAX_PAGE);
                List<Message> page = daemon.history(account, peer.hex(), cursor, asked).stream()
                        .map(DaemonViews::message)
                        .toList();
                all.addAll(0, page);
                if (page.size() < asked) {
                    break;
                }
                cursor = Optional.of(page.get(0).idHex());
            }
            return all;
        }

        private static Message message(MessageStore store, AccountId peer, String hexId) {
            return store.message(peer, messageId(hexId))
                    .orElseThrow(() -> new CommandError("no message " + hexId + " in the conversation with " + peer));
        }

        private static long messageId(String hexId) {
            try {
                return Long.parseUnsignedLong(hexId.strip(), 16);
            } catch (NumberFormatException e) {
                throw new CommandError("'" + hexId + "' is not a message id: expected up to 16 hexadecimal digits");
            }
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
            List<Message> found;
            Optional<CarillonClient> daemon = RunningDaemon.find(options.directory());
            if (daemon.isPresent()) {
                try (CarillonClient d = daemon.get()) {
                    found = throughDaemon(d, query);
                }
            } else {
                try (LocalAccounts accounts = options.open()) {
                    LocalAccount a = accounts.select(options.account);
                    Optional<AccountId> peer = contact == null
                            ? Optional.empty()
                            : Optional.of(ContactArgument.conversation(
                                    contact, accounts.state(a).contacts(), a.id()));
                    found = accounts.messages(a).search(peer, query, limit);
                }
            }
            found.forEach(m -> out.println(m.peer() + "  " + MessageLines.listLine(m)));
            if (found.isEmpty()) {
                spec.commandLine().getErr().println("no message matches '" + query + "'");
            }
            return 0;
        }

        private List<Message> throughDaemon(CarillonClient daemon, String query) throws IOException {
            String account = RunningDaemon.account(daemon, options.account);
            Optional<AccountId> peer = contact == null
                    ? Optional.empty()
                    : Optional.of(ContactArgument.conversation(
                            contact, DaemonViews.contacts(daemon, account), AccountId.parse(account)));
            if (limit > RunningDaemon.MAX_PAGE) {
                // a search has no pages to ask for one after the other
                spec.commandLine()
                        .getErr()
                        .println("the daemon finds at most " + RunningDaemon.MAX_PAGE + " messages: --limit " + limit
                                + " is taken as " + RunningDaemon.MAX_PAGE);
            }
            return daemon
                    .search(account, peer.map(AccountId::hex), query, Math.min(limit, RunningDaemon.MAX_PAGE))
                    .stream()
                    .map(DaemonViews::message)
                    .toList();
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
