package org.carillon.core.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.carillon.core.account.AccountGenerator;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.account.Progress;
import org.carillon.core.contact.Contact;
import org.carillon.core.contact.OnlineAccount;
import org.carillon.core.contact.PeerDevice;
import org.carillon.core.local.WallClockScheduler;
import org.carillon.core.message.Message;
import org.carillon.core.message.MessagePolicy;
import org.carillon.core.message.MessageStatus;
import org.carillon.core.message.Messenger;
import org.carillon.core.store.AccountRecords;
import org.carillon.core.store.Database;
import org.carillon.core.store.LocalAccount;
import org.carillon.core.store.SqliteAccountState;
import org.carillon.core.store.SqliteMessageStore;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.InfoHash;
import org.carillon.dht.ListenHandle;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.interop.DhtnodeProcess;
import org.carillon.dht.secure.SecureDht;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text messages between Carillon's {@link Messenger} and a real jamid 13.7 account that are
 * contacts, on one loopback DHT (a dhtnode bootstrap) in the test's private network. The wire is
 * jamid's legacy DHT message: a type-3 value at {@code inbox:<recipient device>}, acknowledged
 * by the recipient at its own inbox; jamid reports a message it got with {@code
 * incomingAccountMessage} and an acknowledgement it got as {@code accountMessageStatusChanged}
 * SENT, a display receipt as DISPLAYED.
 */
@Timeout(300)
class JamiMessagesIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int SERIES = 10;

    @TempDir
    static Path dir;

    private static JamiNetwork network;
    private static DhtnodeProcess bootstrap;
    private static JamiDaemon jamid;
    private static DhtRunner runner;

    private CarillonDevice carillon;

    /**
     * One Carillon device: its account and messenger over the test's DHT node, with its contacts
     * and messages in SQLite; stopped and started again it reopens the same database (a restart).
     */
    private static final class CarillonDevice implements AutoCloseable {
        final AccountKeys keys;
        final Path database;
        final RecordingEvents events = new RecordingEvents();
        Database db;
        OnlineAccount account;
        Messenger messenger;
        WallClockScheduler clock;

        CarillonDevice(String name) throws IOException {
            keys = new AccountGenerator(new SecureRandom(), 2048).newAccount(name, Progress.NONE);
            database = dir.resolve(name + ".db");
            try (Database created = Database.open(database)) {
                new AccountRecords(created)
                        .add(new LocalAccount(keys.accountId(), name, "", System.currentTimeMillis() / 1000));
            }
        }

        String uri() {
            return keys.accountId().hex();
        }

        void start() throws Exception {
            db = Database.open(database);
            SecureDht secure = new SecureDht(runner, keys.device(), new SecureRandom());
            clock = new WallClockScheduler();
            account = new OnlineAccount(
                    keys,
                    secure,
                    new SqliteAccountState(db, keys.accountId()),
                    events,
                    System::currentTimeMillis,
                    new SplittableRandom());
            messenger = new Messenger(
                    account,
                    secure,
                    new SqliteMessageStore(db, keys.accountId()),
                    events,
                    clock,
                    new SplittableRandom(),
                    MessagePolicy.DEFAULT);
            messenger.start(); // before the account: it takes the type-3 values of the inbox
            account.start().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        /** Stops what {@link #start()} started; a no-op when stopped. */
        @Override
        public void close() {
            if (messenger != null) {
                messenger.close();
                account.close();
                clock.close();
                db.close();
                messenger = null;
            }
        }
    }

    /** A jamid account, the contact of {@link #carillon}, and its one device. */
    private record Peer(JamiDaemon.Account account, AccountId id, InfoHash device) {}

    @BeforeAll
    static void network() throws Exception {
        network = JamiNetwork.start("jami-messages", dir, WAIT);
        bootstrap = network.bootstrap;
        jamid = network.jamid;
        runner = network.runner;
    }

    @AfterAll
    static void stop() {
        if (network != null) {
            network.close();
        }
    }

    @AfterEach
    void closeCarillon() {
        if (carillon != null) {
            carillon.close();
        }
    }

    /** A started Carillon device and a jamid account: Carillon asks, jamid accepts, both hold the other as a confirmed contact. */
    private Peer contacts(String carillonName, String jamidName) throws Exception {
        JamiDaemon.Account peer = jamid.addAccount(jamidName, bootstrap.address(), WAIT);
        AccountId peerId = AccountId.parse(peer.uri());
        carillon = new CarillonDevice(carillonName);
        carillon.start();
        String uri = carillon.uri();
        carillon.account.sendTrustRequest(peerId, new byte[0]).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        jamid.awaitEvent(
                "incomingTrustRequest",
                e -> e.arg(0).equals(peer.localId()) && e.arg(2).equals(uri),
                WAIT);
        assertThat(jamid.acceptTrustRequest(peer, uri)).isTrue();
        carillon.events.await(Contact.class, c -> c.id().equals(peerId) && c.confirmed(), WAIT);
        // 13.7 reports its device's long (SHA-256) id; DHT keys use the short (SHA-1) one
        List<PeerDevice> devices =
                carillon.account.directory().devicesOf(peerId).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(devices).extracting(d -> d.id().longId()).containsExactly(peer.deviceId());
        return new Peer(peer, peerId, devices.get(0).id().shortId());
    }

    /** jamid's {@code incomingAccountMessage} id: 16 hex digits (13.7's {@code to_hex_string}). */
    private static String jamidHex(long id) {
        return String.format("%016x", id);
    }

    @Test
    void carillonsMessagesAreReceivedByJamidAndDeliveredWhenItAcknowledges() throws Exception {
        Peer p = contacts("alice", "bob");
        List<Long> received = new ArrayList<>();
        List<Long> delivered = new ArrayList<>();
        for (int i = 0; i < SERIES; i++) {
            String text = "hello jamid ☃ #" + i;
            long t0 = jamid.nowMillis();
            Message sent = carillon.messenger.send(p.id(), text);
            assertThat(sent.status()).isEqualTo(MessageStatus.SENDING);

            JamiDaemon.IncomingMessage got =
                    jamid.awaitIncomingMessage(p.account(), m -> m.idHex().equals(jamidHex(sent.id())), WAIT);
            assertThat(got.from()).isEqualTo(carillon.uri());
            assertThat(got.payloads()).isEqualTo(Map.of("text/plain", text));

            carillon.messenger.delivered(p.id(), sent.id()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            long t2 = jamid.nowMillis();
            carillon.events.await(
                    RecordingEvents.Status.class,
                    s -> s.messageId() == sent.id() && s.status() == MessageStatus.DELIVERED,
                    WAIT);
            received.add(got.atMillis() - t0);
            delivered.add(t2 - got.atMillis());
        }
        assertThat(carillon.messenger.history(p.id(), Optional.empty(), SERIES * 2))
                .hasSize(SERIES)
                .allSatisfy(m -> assertThat(m.status()).isEqualTo(MessageStatus.DELIVERED));
        assertThat(jamid.incomingMessages(p.account()))
                .as("jamid reported each message once")
                .hasSize(SERIES);
        assertThat(carillon.messenger.owedDeliveries()).isZero();
        System.out.printf(
                "[interop] Carillon -> jamid, %d messages: reported by jamid %s ms, DELIVERED %s ms after that%n",
                SERIES, summary(received), summary(delivered));
    }

    @Test
    void jamidsMessagesReachCarillonAndAreAcknowledged() throws Exception {
        Peer p = contacts("carol", "dave");
        List<Long> received = new ArrayList<>();
        List<Long> acknowledged = new ArrayList<>();
        for (int i = 0; i < SERIES; i++) {
            String text = "hello Carillon ☃ #" + i;
            long t0 = jamid.nowMillis();
            long token = jamid.sendTextMessage(p.account(), carillon.uri(), Map.of("text/plain", text));
            Message got = carillon.events.await(Message.class, m -> m.peer().equals(p.id()) && m.id() == token, WAIT);
            long t1 = jamid.nowMillis();
            assertThat(got.body()).isEqualTo(text);
            assertThat(got.outgoing()).isFalse();
            assertThat(got.datatype()).isEqualTo("text/plain");
            assertThat(got.authorDevice()).isEqualTo(p.device());
            assertThat(got.status()).isEqualTo(MessageStatus.RECEIVED);

            long t2 = jamid.awaitMessageState(p.account(), token, JamiDaemon.MessageState.SENT, WAIT);
            received.add(t1 - t0);
            acknowledged.add(t2 - t1);
        }
        System.out.printf(
                "[interop] jamid -> Carillon, %d messages: received %s ms, jamid's SENT (acknowledged) %s ms after that%n",
                SERIES, summary(received), summary(acknowledged));
        assertThat(carillon.messenger.history(p.id(), Optional.empty(), SERIES * 2))
                .extracting(Message::body)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, SERIES)
                        .mapToObj(i -> "hello Carillon ☃ #" + i)
                        .toList());
    }

    @Test
    void aConversationWithJamidIsShownInTheOrderItWasWritten() throws Exception {
        Peer p = contacts("kim", "leo");
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String question = "Carillon asks " + i;
            Message sent = carillon.messenger.send(p.id(), question);
            jamid.awaitIncomingMessage(p.account(), m -> m.idHex().equals(jamidHex(sent.id())), WAIT);
            written.add(question);
            String answer = "jamid answers " + i;
            long token = jamid.sendTextMessage(p.account(), carillon.uri(), Map.of("text/plain", answer));
            carillon.events.await(Message.class, m -> m.id() == token, WAIT);
            written.add(answer);
        }
        // jamid dates a message to the second and numbers nothing: within its second, an answer
        // can only be placed by when it arrived, which is after the question it answers
        assertThat(carillon.messenger.history(p.id(), Optional.empty(), 20))
                .extracting(Message::body)
                .containsExactlyElementsOf(written);
    }

    @Test
    void readReceiptsCrossBothWays() throws Exception {
        Peer p = contacts("erin", "frank");
        long token = jamid.sendTextMessage(p.account(), carillon.uri(), Map.of("text/plain", "read me"));
        carillon.events.await(Message.class, m -> m.id() == token, WAIT);
        long t0 = jamid.nowMillis();
        carillon.messenger.markRead(p.id());
        long displayed = jamid.awaitMessageState(p.account(), token, JamiDaemon.MessageState.DISPLAYED, WAIT);

        Message sent = carillon.messenger.send(p.id(), "read this too");
        JamiDaemon.IncomingMessage got =
                jamid.awaitIncomingMessage(p.account(), m -> m.idHex().equals(jamidHex(sent.id())), WAIT);
        long t1 = jamid.nowMillis();
        assertThat(jamid.setMessageDisplayed(p.account(), carillon.uri(), got.idHex()))
                .isTrue();
        carillon.events.await(
                RecordingEvents.Status.class,
                s -> s.messageId() == sent.id() && s.status() == MessageStatus.READ,
                WAIT);
        long read = jamid.nowMillis();
        assertThat(carillon.messenger.history(p.id(), Optional.empty(), 10))
                .extracting(Message::status)
                .containsOnly(MessageStatus.READ);
        System.out.printf(
                "[interop] read receipts: Carillon -> jamid DISPLAYED %d ms, jamid -> Carillon READ %d ms%n",
                displayed - t0, read - t1);
    }

    @Test
    void typingIndicatorsCrossBothWays() throws Exception {
        Peer p = contacts("mia", "nick");
        long t0 = jamid.nowMillis();
        carillon.messenger.typing(p.id(), true);
        long active = jamid.awaitComposing(p.account(), carillon.uri(), true, t0, WAIT);
        carillon.messenger.typing(p.id(), false);
        long idle = jamid.awaitComposing(p.account(), carillon.uri(), false, active, WAIT);

        long t1 = jamid.nowMillis();
        jamid.setComposing(p.account(), carillon.uri(), true);
        carillon.events.await(RecordingEvents.Typing.class, t -> t.peer().equals(p.id()) && t.active(), WAIT);
        long heard = jamid.nowMillis();
        jamid.setComposing(p.account(), carillon.uri(), false);
        carillon.events.await(RecordingEvents.Typing.class, t -> t.peer().equals(p.id()) && !t.active(), WAIT);
        long stopped = jamid.nowMillis();
        System.out.printf(
                "[interop] typing: Carillon -> jamid active %d ms, idle %d ms later; jamid -> Carillon active %d ms, idle %d ms later%n",
                active - t0, idle - active, heard - t1, stopped - heard);
    }

    @Test
    void jamidTakesAMessageSentWhileItWasOfflineWhenItComesBack() throws Exception {
        Peer p = contacts("grace", "heidi");
        jamid.setAccountActive(p.account(), false, WAIT);
        Message sent = carillon.messenger.send(p.id(), "sent while you were away");
        carillon.events.await(
                RecordingEvents.Status.class,
                s -> s.messageId() == sent.id() && s.status() == MessageStatus.SENT,
                WAIT);

        long back = jamid.nowMillis();
        jamid.setAccountActive(p.account(), true, WAIT);
        long registered = jamid.nowMillis();
        JamiDaemon.IncomingMessage got =
                jamid.awaitIncomingMessage(p.account(), m -> m.idHex().equals(jamidHex(sent.id())), WAIT);
        assertThat(got.payloads()).isEqualTo(Map.of("text/plain", "sent while you were away"));
        assertThat(got.atMillis()).as("reported once jamid was back").isGreaterThanOrEqualTo(back);
        carillon.messenger.delivered(p.id(), sent.id()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        long delivered = jamid.nowMillis();
        System.out.printf(
                "[interop] jamid back online: registered %d ms, message reported %d ms and DELIVERED %d ms after that%n",
                registered - back, got.atMillis() - registered, delivered - registered);
    }

    @Test
    void carillonTakesAMessageSentWhileItWasStoppedWhenItStartsAgain() throws Exception {
        Peer p = contacts("ivan", "judy");
        InfoHash inbox = OnlineAccount.inboxOf(carillon.keys.deviceId().shortId());
        carillon.close();
        Set<Long> before = runner.get(inbox).get(WAIT.toSeconds(), TimeUnit.SECONDS).stream()
                .map(Value::id)
                .collect(Collectors.toSet());
        CompletableFuture<Void> stored = new CompletableFuture<>();
        // the plain node sees the sealed value arrive (only the device could open it)
        try (ListenHandle listen = runner.listen(inbox, Query.ALL, (values, expired) -> {
            if (!expired && values.stream().anyMatch(v -> !before.contains(v.id()))) {
                stored.complete(null);
            }
        })) {
            long token = jamid.sendTextMessage(p.account(), carillon.uri(), Map.of("text/plain", "wake up"));
            stored.get(WAIT.toSeconds(), TimeUnit.SECONDS);

            long restart = jamid.nowMillis();
            carillon.start();
            Message got = carillon.events.await(Message.class, m -> m.id() == token, WAIT);
            long received = jamid.nowMillis();
            assertThat(got.body()).isEqualTo("wake up");
            assertThat(got.peer()).isEqualTo(p.id());
            long acknowledged = jamid.awaitMessageState(p.account(), token, JamiDaemon.MessageState.SENT, WAIT);
            System.out.printf(
                    "[interop] Carillon restarted: message received %d ms after the start, jamid's SENT %d ms after that%n",
                    received - restart, acknowledged - received);
        }
    }

    /** "median (min–max)" of a series of milliseconds. */
    private static String summary(List<Long> millis) {
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2) + " (" + sorted.get(0) + "–" + sorted.get(sorted.size() - 1) + ")";
    }
}
