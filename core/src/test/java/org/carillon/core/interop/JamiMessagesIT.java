package org.carillon.core.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.carillon.core.account.AccountGenerator;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.account.Progress;
import org.carillon.core.contact.Contact;
import org.carillon.core.contact.MemoryAccountState;
import org.carillon.core.contact.OnlineAccount;
import org.carillon.core.contact.PeerDevice;
import org.carillon.core.message.ImMessage;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.interop.DhtnodeProcess;
import org.carillon.dht.interop.Loopback;
import org.carillon.dht.secure.SecureDht;
import org.carillon.dht.wire.Family;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text messages between Carillon and a real jamid 13.7 account that are contacts, on one loopback
 * DHT (a dhtnode bootstrap) in the test's private network: jamid's legacy DHT messages (type 3 at
 * {@code inbox:<device>}) and their acknowledgements, both ways.
 */
@Timeout(300)
class JamiMessagesIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    private static DhtnodeProcess bootstrap;
    private static JamiDaemon jamid;
    private static DhtRunner runner;

    private OnlineAccount carillon;

    /** A Carillon account and a jamid account that are confirmed contacts on both sides. */
    private record Pair(
            AccountKeys carillonKeys,
            OnlineAccount carillon,
            SecureDht carillonDht,
            JamiDaemon.Account jamidAccount,
            AccountId jamidId,
            InfoHash jamidDevice) {
        String carillonUri() {
            return carillonKeys.accountId().hex();
        }
    }

    @BeforeAll
    static void network() throws Exception {
        JamiPeers.requireJamid();
        bootstrap = DhtnodeProcess.start(DhtnodeProcess.options().name("jami-messages-bootstrap"));
        jamid = JamiDaemon.start("jamid", dir.resolve("jamid"));
        runner = DhtRunner.start(DhtConfig.defaults()
                .withPort(0)
                .withBindAddresses(List.of(Loopback.IPV4))
                .withBootstrap(List.of(bootstrap.address())));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!runner.isConnected(Family.IPV4)) {
            assertThat(System.nanoTime())
                    .as("Carillon connected to the dhtnode")
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void stop() {
        if (runner != null) {
            runner.close();
        }
        if (jamid != null) {
            jamid.close();
        }
        if (bootstrap != null) {
            bootstrap.close();
        }
    }

    @AfterEach
    void closeAccount() {
        if (carillon != null) {
            carillon.close();
        }
    }

    /** Carillon asks, jamid accepts: both sides hold the other as a confirmed contact. */
    private Pair contacts(String carillonName, String jamidName) throws Exception {
        JamiDaemon.Account peer = jamid.addAccount(jamidName, bootstrap.address(), WAIT);
        AccountId peerId = AccountId.parse(peer.uri());
        AccountKeys keys = new AccountGenerator(new SecureRandom(), 2048).newAccount(carillonName, Progress.NONE);
        RecordingEvents events = new RecordingEvents();
        SecureDht secure = new SecureDht(runner, keys.device(), new SecureRandom());
        carillon = new OnlineAccount(
                keys, secure, new MemoryAccountState(), events, System::currentTimeMillis, new SplittableRandom());
        carillon.start().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        String uri = keys.accountId().hex();
        carillon.sendTrustRequest(peerId, new byte[0]).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        jamid.awaitEvent(
                "incomingTrustRequest",
                e -> e.arg(0).equals(peer.localId()) && e.arg(2).equals(uri),
                WAIT);
        assertThat(jamid.acceptTrustRequest(peer, uri)).isTrue();
        events.await(Contact.class, c -> c.id().equals(peerId) && c.confirmed(), WAIT);
        // 13.7 reports its device's long (SHA-256) id; DHT keys use the short (SHA-1) one
        List<PeerDevice> devices = carillon.directory().devicesOf(peerId).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(devices).extracting(d -> d.id().longId()).containsExactly(peer.deviceId());
        return new Pair(
                keys, carillon, secure, peer, peerId, devices.get(0).id().shortId());
    }

    @Test
    void jamidPutsItsMessageAtCarillonsInboxAndTakesCarillonsAcknowledgement() throws Exception {
        Pair p = contacts("alice", "bob");
        InfoHash carillonDevice = p.carillonKeys().deviceId().shortId();
        CompletableFuture<Value> arrived = new CompletableFuture<>();
        var listen = p.carillonDht().listen(OnlineAccount.inboxOf(carillonDevice), Query.ALL, (values, expired) -> {
            values.stream()
                    .filter(v -> !expired && v.type() == ImMessage.TYPE && carillonDevice.equals(v.recipient()))
                    .findFirst()
                    .ifPresent(arrived::complete);
        });
        try {
            String text = "hello from jamid ☃";
            long sent = jamid.nowMillis();
            long token = jamid.sendTextMessage(p.jamidAccount(), p.carillonUri(), Map.of("text/plain", text));
            Value value = arrived.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            long received = jamid.nowMillis();
            ImMessage message = ImMessage.decode(value.data());
            assertThat(value.ownerKeyId()).isEqualTo(p.jamidDevice());
            assertThat(message.id()).isEqualTo(token);
            assertThat(message.text()).isEqualTo(text);
            assertThat(message.datatype()).isEqualTo("text/plain");

            p.carillonDht()
                    .putEncrypted(
                            OnlineAccount.inboxOf(carillonDevice),
                            p.jamidDevice(),
                            Value.of(
                                    0,
                                    ImMessage.TYPE,
                                    ImMessage.acknowledgement(token, System.currentTimeMillis() / 1000)
                                            .encode()),
                            false)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            long acked = jamid.awaitMessageState(p.jamidAccount(), token, JamiDaemon.MessageState.SENT, WAIT);
            System.out.printf(
                    "[interop] raw jamid -> Carillon: message at the inbox %d ms, acknowledgement taken %d ms later%n",
                    received - sent, acked - received);
        } finally {
            listen.close();
        }
    }

    @Test
    void jamidReportsAHandMadeMessageAndAcknowledgesItAtItsInbox() throws Exception {
        Pair p = contacts("carol", "dave");
        InfoHash jamidInbox = OnlineAccount.inboxOf(p.jamidDevice());
        long id = new SecureRandom().nextLong() >>> 11; // jamid's own tokens stay below 2^53
        CompletableFuture<Value> ack = new CompletableFuture<>();
        var listen = p.carillonDht().listen(jamidInbox, Query.ALL, (values, expired) -> {
            values.stream()
                    .filter(v -> !expired && v.type() == ImMessage.TYPE)
                    .filter(v -> ImMessage.decode(v.data()).id() == id)
                    .findFirst()
                    .ifPresent(ack::complete);
        });
        try {
            String text = "hello from Carillon ☃";
            long sent = jamid.nowMillis();
            p.carillonDht()
                    .putEncrypted(
                            jamidInbox,
                            p.jamidDevice(),
                            Value.of(
                                    0,
                                    ImMessage.TYPE,
                                    ImMessage.text(id, text, System.currentTimeMillis() / 1000)
                                            .encode()),
                            false)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            String idHex = String.format("%016x", id);
            JamiDaemon.IncomingMessage got =
                    jamid.awaitIncomingMessage(p.jamidAccount(), m -> m.idHex().equals(idHex), WAIT);
            assertThat(got.from()).isEqualTo(p.carillonUri());
            assertThat(got.payloads()).isEqualTo(Map.of("text/plain", text));
            Value acknowledgement = ack.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            long acked = jamid.nowMillis();
            assertThat(acknowledgement.ownerKeyId()).isEqualTo(p.jamidDevice());
            assertThat(ImMessage.decode(acknowledgement.data()).isAcknowledgement())
                    .isTrue();
            System.out.printf(
                    "[interop] raw Carillon -> jamid: reported %d ms, acknowledgement seen %d ms later%n",
                    got.atMillis() - sent, acked - got.atMillis());
        } finally {
            listen.close();
        }
    }
}
