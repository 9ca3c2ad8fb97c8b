package org.carillon.core.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.carillon.core.account.AccountGenerator;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.account.Progress;
import org.carillon.core.contact.Contact;
import org.carillon.core.contact.MemoryAccountState;
import org.carillon.core.contact.OnlineAccount;
import org.carillon.core.contact.TrustRequest;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.interop.DhtnodeProcess;
import org.carillon.dht.secure.SecureDht;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Carillon's {@link OnlineAccount} (a real {@link DhtRunner} and {@link SecureDht}) and a real
 * jamid 13.7 account on one loopback DHT (a dhtnode bootstrap), in the test's private network:
 * trust requests with vCards both ways, acceptance seen as a confirmed contact on the other side,
 * and each side seeing the other's device online.
 */
@Timeout(300)
class JamiContactsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    private static JamiNetwork network;
    private static DhtnodeProcess bootstrap;
    private static JamiDaemon jamid;
    private static DhtRunner runner;

    private OnlineAccount carillon;

    @BeforeAll
    static void network() throws Exception {
        network = JamiNetwork.start("jami-contacts", dir, WAIT);
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
    void closeAccount() {
        if (carillon != null) {
            carillon.close();
        }
    }

    private OnlineAccount startCarillon(AccountKeys keys, RecordingEvents events) throws Exception {
        SecureDht secure = new SecureDht(runner, keys.device(), new SecureRandom());
        carillon = new OnlineAccount(
                keys, secure, new MemoryAccountState(), events, System::currentTimeMillis, new SplittableRandom());
        carillon.start().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return carillon;
    }

    private static AccountKeys newCarillonAccount(String name) {
        return new AccountGenerator(new SecureRandom(), 2048).newAccount(name, Progress.NONE);
    }

    @Test
    void carillonAsksJamidAccepts() throws Exception {
        byte[] vcard = "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:carillon ☃\r\nEND:VCARD\r\n".getBytes(StandardCharsets.UTF_8);
        JamiDaemon.Account bob = jamid.addAccount("bob", bootstrap.address(), WAIT);
        AccountId bobId = AccountId.parse(bob.uri());
        AccountKeys keys = newCarillonAccount("alice");
        RecordingEvents events = new RecordingEvents();
        OnlineAccount alice = startCarillon(keys, events);
        String aliceUri = keys.accountId().hex();

        long t0 = System.nanoTime();
        int devices = alice.sendTrustRequest(bobId, vcard).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        JamiDaemon.Event request = jamid.awaitEvent(
                "incomingTrustRequest",
                e -> e.arg(0).equals(bob.localId()) && e.arg(2).equals(aliceUri),
                WAIT);
        long received = System.nanoTime();
        assertThat(devices).as("jamid's device found through its announcement").isEqualTo(1);
        assertThat(Base64.getDecoder().decode(request.arg(3))).isEqualTo(vcard);

        assertThat(jamid.acceptTrustRequest(bob, aliceUri)).isTrue();
        Contact confirmed = events.await(Contact.class, c -> c.id().equals(bobId) && c.confirmed(), WAIT);
        long accepted = System.nanoTime();
        assertThat(confirmed.isActive()).isTrue();

        events.await(RecordingEvents.Presence.class, p -> p.contact().equals(bobId) && p.online(), WAIT);
        jamid.subscribeBuddy(bob, aliceUri);
        jamid.awaitEvent(
                "newBuddyNotification",
                e -> e.arg(0).equals(bob.localId())
                        && e.arg(1).equals(aliceUri)
                        && e.args().get(2).asInt() > 0,
                WAIT);
        long present = System.nanoTime();
        System.out.printf(
                "[interop] Carillon -> jamid: request received %d ms, confirmation seen %d ms later, both online %d ms later%n",
                (received - t0) / 1_000_000, (accepted - received) / 1_000_000, (present - accepted) / 1_000_000);
    }

    @Test
    void jamidAsksCarillonAccepts() throws Exception {
        byte[] vcard = "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:jamid\r\nEND:VCARD\r\n".getBytes(StandardCharsets.UTF_8);
        JamiDaemon.Account carol = jamid.addAccount("carol", bootstrap.address(), WAIT);
        AccountId carolId = AccountId.parse(carol.uri());
        AccountKeys keys = newCarillonAccount("dave");
        RecordingEvents events = new RecordingEvents();
        OnlineAccount dave = startCarillon(keys, events);
        String daveUri = keys.accountId().hex();

        long t0 = System.nanoTime();
        jamid.sendTrustRequest(carol, daveUri, vcard);
        TrustRequest request = events.await(TrustRequest.class, r -> r.from().equals(carolId), WAIT);
        long received = System.nanoTime();
        assertThat(request.vcard()).isEqualTo(vcard);
        assertThat(request.conversationId())
                .as("jamid 13.7 names its one-to-one swarm")
                .matches("[0-9a-f]{40}");

        dave.accept(carolId).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        jamid.awaitEvent(
                "contactAdded",
                e -> e.arg(0).equals(carol.localId())
                        && e.arg(1).equals(daveUri)
                        && e.args().get(2).asBoolean(),
                WAIT);
        long accepted = System.nanoTime();
        assertThat(jamid.contacts(carol).findValues("id"))
                .extracting(n -> n.asText())
                .contains(daveUri);

        events.await(RecordingEvents.Presence.class, p -> p.contact().equals(carolId) && p.online(), WAIT);
        jamid.subscribeBuddy(carol, daveUri);
        jamid.awaitEvent(
                "newBuddyNotification",
                e -> e.arg(0).equals(carol.localId())
                        && e.arg(1).equals(daveUri)
                        && e.args().get(2).asInt() > 0,
                WAIT);
        long present = System.nanoTime();
        System.out.printf(
                "[interop] jamid -> Carillon: request received %d ms, confirmation seen %d ms later, both online %d ms later%n",
                (received - t0) / 1_000_000, (accepted - received) / 1_000_000, (present - accepted) / 1_000_000);
    }
}
