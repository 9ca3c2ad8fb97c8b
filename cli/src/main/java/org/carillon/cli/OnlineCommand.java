package org.carillon.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.DeviceId;
import org.carillon.core.contact.AccountEvents;
import org.carillon.core.contact.Contact;
import org.carillon.core.contact.PeerDevice;
import org.carillon.core.contact.TrustRequest;
import org.carillon.core.local.LocalAccounts;
import org.carillon.core.message.Message;
import org.carillon.core.message.MessageEvents;
import org.carillon.core.message.MessageStatus;
import org.carillon.core.store.LocalAccount;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code carillon account online}: keeps the account online (announced, receiving requests,
 * following its contacts) and prints what happens, one line per event, until stopped.
 */
@Command(
        name = "online",
        mixinStandardHelpOptions = true,
        description = "Stay online and print events: requests, confirmations, contacts' devices coming and going,"
                + " messages and their status.")
final class OnlineCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AccountOptions options;

    @Mixin
    NetworkOptions network;

    @Option(
            names = "--for",
            paramLabel = "DURATION",
            converter = Converters.IntervalConverter.class,
            defaultValue = "0",
            description = "Go offline after this long (default: until interrupted).")
    Duration duration;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (LocalAccounts accounts = options.open()) {
            LocalAccount a = accounts.select(options.account);
            Duration limit = duration.isZero() ? Duration.ofDays(365_000) : duration.plus(network.timeout);
            Printer printer = new Printer(out);
            Online.run(accounts, a, network, printer, printer, limit, s -> {
                print(
                        out,
                        "online " + a.id() + " device " + s.account().deviceId().shortId());
                return duration.isZero()
                        ? new CompletableFuture<Void>()
                        : CompletableFuture.runAsync(
                                () -> {},
                                CompletableFuture.delayedExecutor(duration.toMillis(), TimeUnit.MILLISECONDS));
            });
            print(out, "offline");
        }
        return 0;
    }

    static void print(PrintWriter out, String line) {
        synchronized (out) {
            out.println(Instant.now() + " " + line);
            out.flush();
        }
    }

    /** One line per event, prefixed by the time. */
    private static final class Printer implements AccountEvents, MessageEvents {
        private final PrintWriter out;

        Printer(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void onTrustRequest(TrustRequest r) {
            print(out, "request from " + r.from() + " " + RequestCommand.formattedName(r.vcard()));
        }

        @Override
        public void onContactConfirmed(Contact c) {
            print(out, "confirmed " + c.id());
        }

        @Override
        public void onContactRemoved(AccountId id) {
            print(out, "removed " + id);
        }

        @Override
        public void onPresence(AccountId contact, DeviceId device, boolean online) {
            print(out, (online ? "online " : "offline ") + contact + " device " + device.shortId());
        }

        @Override
        public void onRefused(String reason) {
            print(out, "refused " + reason);
        }

        @Override
        public void onMessage(Message m) {
            print(
                    out,
                    (m.outgoing() ? "message to " : "message from ") + m.peer() + " " + m.idHex() + ": "
                            + MessageLines.printable(m.body()));
        }

        @Override
        public void onStatus(AccountId peer, long messageId, MessageStatus status) {
            print(out, StatusMarks.word(status) + " " + Long.toUnsignedString(messageId, 16) + " (" + peer + ")");
        }

        @Override
        public void onEdited(Message m) {
            print(
                    out,
                    (m.deleted() ? "deleted " : "edited ") + m.idHex() + " (" + m.peer() + ")"
                            + (m.deleted() ? "" : ": " + MessageLines.printable(m.body())));
        }

        @Override
        public void onTyping(AccountId peer, boolean typing) {
            print(out, (typing ? "typing " : "idle ") + peer);
        }

        @Override
        public void onOwnDevice(PeerDevice device) {
            print(out, "own device " + device.id().shortId());
        }
    }
}
