package org.carillon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.carillon.api.client.CarillonClient;
import org.carillon.api.model.MessageView;
import org.carillon.api.rpc.RpcDispatcher;
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
import org.carillon.core.store.DataDirectory;
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
        description = {
            "Stay online and print events: requests, confirmations, contacts' devices coming and going,"
                    + " messages and their status.",
            "When a daemon runs for the data directory, prints what it hears for the account (which it keeps"
                    + " online); otherwise the account goes online for the time of the command."
        })
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
        DataDirectory dir = options.directory();
        Optional<CarillonClient> daemon = RunningDaemon.find(dir);
        if (daemon.isPresent()) {
            try (CarillonClient client = daemon.get()) {
                follow(client, out);
            }
            return 0;
        }
        if (duration.isZero()) {
            RunningDaemon.noticeNone(spec.commandLine().getErr(), dir);
        } else {
            RunningDaemon.noticeNone(spec.commandLine().getErr(), dir, duration);
        }
        try (LocalAccounts accounts = options.open()) {
            LocalAccount a = accounts.select(options.account);
            Duration limit = duration.isZero() ? Duration.ofDays(365_000) : duration.plus(network.timeout);
            Printer printer = new Printer(out);
            Online.run(accounts, a, network, printer, printer, limit, s -> {
                print(
                        out,
                        "online " + a.id() + " device " + s.account().deviceId().shortId());
                return stopped();
            });
            print(out, "offline");
        }
        return 0;
    }

    /** Completes when the user's {@code --for} is over; never without one. */
    private CompletableFuture<Void> stopped() {
        return duration.isZero()
                ? new CompletableFuture<Void>()
                : CompletableFuture.runAsync(
                        () -> {}, CompletableFuture.delayedExecutor(duration.toMillis(), TimeUnit.MILLISECONDS));
    }

    /**
     * The daemon has the account online: what it is, its contacts' devices online now, then
     * what happens, in the lines printed without a daemon. The daemon tells every connection
     * about every account: only this account's events are printed.
     */
    private void follow(CarillonClient daemon, PrintWriter out) throws IOException {
        String account = RunningDaemon.account(daemon, options.account);
        hear(daemon, account, new Printer(out));
        JsonNode details = daemon.accountDetails(account);
        print(
                out,
                "online " + account + " device " + details.path("deviceId").asText("?")
                        + (details.path("announced").asBoolean() ? "" : " (not announced on the DHT yet)")
                        + " (through the daemon)");
        daemon.presence(account)
                .forEach((contact, devices) ->
                        devices.forEach(device -> print(out, "online " + contact + " device " + device)));
        CompletableFuture<Void> gone = daemon.closed();
        try {
            CompletableFuture.anyOf(gone, stopped()).get();
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (gone.isDone()) {
            throw new IOException("the daemon stopped");
        }
        print(out, "done (the daemon keeps the account online)");
    }

    static void print(PrintWriter out, String line) {
        synchronized (out) {
            out.println(Instant.now() + " " + line);
            out.flush();
        }
    }

    /** Hears the daemon's events about {@code account} as the printer's lines. */
    private static void hear(CarillonClient daemon, String account, Printer printer) {
        DaemonEvents events = new DaemonEvents(daemon, account);
        events.on("request.received", p -> {
            JsonNode r = p.path("request");
            printer.request(
                    r.path("from").asText(),
                    RequestCommand.formattedName(r.path("vcard").asText().getBytes(StandardCharsets.UTF_8)));
        });
        events.on(
                "contact.confirmed",
                p -> printer.confirmed(p.path("contact").path("id").asText()));
        events.on("contact.removed", p -> printer.removed(p.path("contact").asText()));
        events.on("presence", p -> {
            printer.presence(
                    p.path("contact").asText(),
                    p.path("device").asText(),
                    p.path("online").asBoolean());
        });
        events.on("message.received", p -> {
            MessageView m = RpcDispatcher.json().treeToValue(p, MessageView.class);
            printer.message(m.outgoing(), m.contact(), m.id(), Objects.toString(m.text(), ""));
        });
        events.on("message.status", p -> {
            String word = StatusMarks.word(DaemonViews.status(p.path("status").asText()));
            printer.status(word, p.path("id").asText(), p.path("contact").asText());
        });
        events.on("message.edited", p -> {
            MessageView m = RpcDispatcher.json().treeToValue(p, MessageView.class);
            printer.edited(m.deleted(), m.id(), m.contact(), Objects.toString(m.text(), ""));
        });
        events.on(
                "message.typing",
                p -> printer.typing(p.path("contact").asText(), p.path("typing").asBoolean()));
        events.on(
                "account.announced",
                p -> printer.announced(p.path("ok").asBoolean(), p.path("error").asText("")));
    }

    /** One line per event, prefixed by the time; the same lines whether this process or the daemon is online. */
    private static final class Printer implements AccountEvents, MessageEvents {
        private final PrintWriter out;

        Printer(PrintWriter out) {
            this.out = out;
        }

        void request(String from, String name) {
            print(out, "request from " + from + " " + MessageLines.printable(name));
        }

        void confirmed(String contact) {
            print(out, "confirmed " + contact);
        }

        void removed(String contact) {
            print(out, "removed " + contact);
        }

        void presence(String contact, String device, boolean online) {
            print(out, (online ? "online " : "offline ") + contact + " device " + device);
        }

        void message(boolean outgoing, String peer, String idHex, String body) {
            print(
                    out,
                    (outgoing ? "message to " : "message from ") + peer + " " + idHex + ": "
                            + MessageLines.printable(body));
        }

        void status(String word, String idHex, String peer) {
            print(out, word + " " + idHex + " (" + peer + ")");
        }

        void edited(boolean deleted, String idHex, String peer, String body) {
            print(
                    out,
                    (deleted ? "deleted " : "edited ") + idHex + " (" + peer + ")"
                            + (deleted ? "" : ": " + MessageLines.printable(body)));
        }

        void typing(String peer, boolean typing) {
            print(out, (typing ? "typing " : "idle ") + peer);
        }

        void announced(boolean ok, String error) {
            print(out, ok ? "announced" : "not announced: " + MessageLines.printable(error));
        }

        @Override
        public void onTrustRequest(TrustRequest r) {
            request(r.from().toString(), RequestCommand.formattedName(r.vcard()));
        }

        @Override
        public void onContactConfirmed(Contact c) {
            confirmed(c.id().toString());
        }

        @Override
        public void onContactRemoved(AccountId id) {
            removed(id.toString());
        }

        @Override
        public void onPresence(AccountId contact, DeviceId device, boolean online) {
            presence(contact.toString(), device.shortId().toString(), online);
        }

        @Override
        public void onRefused(String reason) {
            print(out, "refused " + reason);
        }

        @Override
        public void onMessage(Message m) {
            message(m.outgoing(), m.peer().toString(), m.idHex(), m.body());
        }

        @Override
        public void onStatus(AccountId peer, long messageId, MessageStatus status) {
            status(StatusMarks.word(status), Long.toUnsignedString(messageId, 16), peer.toString());
        }

        @Override
        public void onEdited(Message m) {
            edited(m.deleted(), m.idHex(), m.peer().toString(), m.body());
        }

        @Override
        public void onTyping(AccountId peer, boolean typing) {
            typing(peer.toString(), typing);
        }

        @Override
        public void onOwnDevice(PeerDevice device) {
            print(out, "own device " + device.id().shortId());
        }
    }
}
