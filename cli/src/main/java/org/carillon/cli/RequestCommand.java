package org.carillon.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.carillon.api.client.CarillonClient;
import org.carillon.core.account.AccountId;
import org.carillon.core.contact.OnlineAccount;
import org.carillon.core.local.LocalAccounts;
import org.carillon.core.store.LocalAccount;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code carillon request ...}: trust requests received and not answered yet. */
@Command(
        name = "request",
        mixinStandardHelpOptions = true,
        description = "List, accept and decline the trust requests the account received.",
        subcommands = {RequestCommand.ListRequests.class, RequestCommand.Accept.class, RequestCommand.Decline.class})
final class RequestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return spec.exitCodeOnInvalidInput();
    }

    /** The FN line of a vCard, or an empty string. */
    static String formattedName(byte[] vcard) {
        for (String line : new String(vcard, StandardCharsets.UTF_8).split("\r?\n")) {
            if (line.regionMatches(true, 0, "FN:", 0, 3) || line.regionMatches(true, 0, "FN;", 0, 3)) {
                return line.substring(line.indexOf(':') + 1).strip();
            }
        }
        return "";
    }

    static String line(String from, byte[] vcard, long receivedSeconds) {
        return from + "  " + formattedName(vcard) + "  " + Instant.ofEpochSecond(receivedSeconds);
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Fetch the account's inbox from the DHT (unless --offline), then list pending requests.")
    static final class ListRequests implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        AccountOptions options;

        @Mixin
        NetworkOptions network;

        @Option(names = "--offline", description = "List what is already known, without going online.")
        boolean offline;

        @Option(
                names = "--wait",
                paramLabel = "DURATION",
                defaultValue = "0",
                converter = Converters.IntervalConverter.class,
                description = "After reading the inbox, listen this much longer for new requests (default none).")
        Duration wait;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            List<String> lines;
            Optional<CarillonClient> found = RunningDaemon.find(options.directory());
            if (found.isPresent()) {
                try (CarillonClient daemon = found.get()) {
                    RunningDaemon.noticeIgnored(spec, NetworkOptions.NAMES);
                    String account = RunningDaemon.account(daemon, options.account);
                    // the daemon hears requests as they come: waiting is all --wait asks of it
                    Thread.sleep(wait.toMillis());
                    lines = daemon.requests(account).stream()
                            .map(r -> line(r.from(), r.vcard().getBytes(StandardCharsets.UTF_8), r.received()))
                            .toList();
                }
            } else {
                lines = standalone();
            }
            lines.forEach(out::println);
            if (lines.isEmpty()) {
                spec.commandLine().getErr().println("no pending trust requests");
            }
            return 0;
        }

        private List<String> standalone() throws IOException {
            try (LocalAccounts accounts = options.open()) {
                LocalAccount a = accounts.select(options.account);
                if (!offline) {
                    RunningDaemon.noticeNone(
                            spec.commandLine().getErr(), accounts.directory(), network.timeout.plus(wait));
                    Online.run(
                            accounts,
                            a,
                            network,
                            spec.commandLine().getErr(),
                            s -> s.account().checkInbox().thenCompose(read -> after(wait)));
                }
                return accounts.state(a).requests().stream()
                        .map(r -> line(r.from().hex(), r.vcard(), r.receivedSeconds()))
                        .toList();
            }
        }

        private static CompletableFuture<Void> after(Duration wait) {
            return CompletableFuture.runAsync(
                    () -> {}, CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    /** Accept or decline: one pending request, answered online so the account's other devices hear of it. */
    abstract static class Answer implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        AccountOptions options;

        @Mixin
        NetworkOptions network;

        @Parameters(paramLabel = "ID", description = "The sender's account id.")
        String id;

        abstract CompletableFuture<?> answer(OnlineAccount account, AccountId from);

        abstract void answer(CarillonClient daemon, String account, String from) throws IOException;

        abstract String done();

        @Override
        public Integer call() throws Exception {
            AccountId from = AccountId.parse(id);
            Optional<CarillonClient> found = RunningDaemon.find(options.directory());
            if (found.isPresent()) {
                try (CarillonClient daemon = found.get()) {
                    RunningDaemon.noticeIgnored(spec, NetworkOptions.NAMES);
                    String account = RunningDaemon.account(daemon, options.account);
                    if (daemon.requests(account).stream()
                            .noneMatch(r -> r.from().equals(from.hex()))) {
                        throw noRequest(from);
                    }
                    answer(daemon, account, from.hex());
                    spec.commandLine().getOut().println(done() + " " + from);
                }
                return 0;
            }
            try (LocalAccounts accounts = options.open()) {
                LocalAccount a = accounts.select(options.account);
                if (accounts.state(a).request(from).isEmpty()) {
                    throw noRequest(from);
                }
                RunningDaemon.noticeNone(spec.commandLine().getErr(), accounts.directory(), network.timeout);
                Online.run(accounts, a, network, spec.commandLine().getErr(), s -> answer(s.account(), from));
                spec.commandLine().getOut().println(done() + " " + from);
            }
            return 0;
        }

        private static CommandError noRequest(AccountId from) {
            return new CommandError("no pending trust request from " + from + " (see 'carillon request list')");
        }
    }

    @Command(
            name = "accept",
            mixinStandardHelpOptions = true,
            description = "Accept a request: the sender becomes a confirmed contact and every one of its devices"
                    + " is told.")
    static final class Accept extends Answer {
        @Override
        CompletableFuture<?> answer(OnlineAccount account, AccountId from) {
            return account.accept(from);
        }

        @Override
        void answer(CarillonClient daemon, String account, String from) throws IOException {
            daemon.accept(account, from);
        }

        @Override
        String done() {
            return "accepted";
        }
    }

    @Command(
            name = "decline",
            mixinStandardHelpOptions = true,
            description = "Decline a request (the sender is not told).")
    static final class Decline extends Answer {
        @Override
        CompletableFuture<?> answer(OnlineAccount account, AccountId from) {
            return account.decline(from);
        }

        @Override
        void answer(CarillonClient daemon, String account, String from) throws IOException {
            daemon.decline(account, from);
        }

        @Override
        String done() {
            return "declined";
        }
    }
}
