package org.carillon.core.contact;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.account.Progress;
import org.carillon.core.account.TestAccounts;
import org.carillon.dht.Value;
import org.carillon.dht.crypto.CertificateValues;
import org.carillon.dht.crypto.Identity;
import org.carillon.dht.secure.SecureDht;
import org.carillon.dht.sim.Simulation;
import org.carillon.dht.sim.SimulationSeed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Accounts on a simulated network of 24 nodes, in virtual time: trust requests, answers,
 * blocking, presence, two devices of one account, and what an attacker might send.
 */
class ContactSimulationTest {
    @RegisterExtension
    final SimulationSeed seed = new SimulationSeed(7_000_007L);

    private static final byte[] ALICE_CARD =
            "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:alice\r\nEND:VCARD\r\n".getBytes(StandardCharsets.UTF_8);

    private Simulation sim;
    private final List<Device> devices = new ArrayList<>();

    /** One device of an account, online on its own simulated node. */
    final class Device {
        final AccountKeys keys;
        final MemoryAccountState state = new MemoryAccountState();
        final RecordingEvents events = new RecordingEvents();
        final int node;
        final SecureDht dht;
        OnlineAccount account;

        Device(AccountKeys keys) {
            this.keys = keys;
            this.node = sim.add(List.of(sim.address(0)));
            this.dht = new SecureDht(sim.dht(node), keys.device(), new SecureRandom());
        }

        Device start() {
            account = new OnlineAccount(
                    keys, dht, state, events, () -> sim.clock().now(), new SecureRandom());
            account.start();
            return this;
        }

        /** Goes offline and comes back with what it remembers (a restart of the program). */
        void restart() {
            account.close();
            start();
        }

        AccountId id() {
            return keys.accountId();
        }
    }

    @BeforeEach
    void network() {
        sim = new Simulation(seed.get()).grow(24, 200, 30_000);
    }

    @AfterEach
    void close() {
        devices.forEach(d -> d.account.close());
    }

    private Device online(AccountKeys keys) {
        Device d = new Device(keys).start();
        devices.add(d);
        run(5_000);
        return d;
    }

    private void run(long millis) {
        sim.clock().runFor(millis);
    }

    private void await(BooleanSupplier done, String what) {
        await(done, what, 60_000);
    }

    private void await(BooleanSupplier done, String what, long maxMillis) {
        assertThat(sim.clock().runUntil(done, maxMillis)).as(what).isTrue();
    }

    @Test
    void aRequestIsReceivedAcceptedAndConfirmedOnBothSides() {
        Device alice = online(TestAccounts.alice());
        Device bob = online(TestAccounts.bob());

        alice.account.sendTrustRequest(bob.id(), ALICE_CARD);
        await(() -> !bob.events.requests.isEmpty(), "bob hears of alice's request");
        TrustRequest got = bob.events.requests.get(0);
        assertThat(got.from()).isEqualTo(alice.id());
        assertThat(got.vcard()).isEqualTo(ALICE_CARD);
        assertThat(got.conversationId()).matches("[0-9a-f]{40}");
        assertThat(alice.state.contact(bob.id())).hasValueSatisfying(c -> {
            assertThat(c.confirmed()).isFalse();
            assertThat(c.conversationId()).isEqualTo(got.conversationId());
        });

        bob.account.accept(alice.id());
        await(() -> !alice.events.confirmed.isEmpty(), "alice sees bob's confirmation");
        assertThat(alice.state.contact(bob.id()).orElseThrow().confirmed()).isTrue();
        assertThat(bob.state.contact(alice.id()).orElseThrow().confirmed()).isTrue();
        assertThat(bob.state.requests()).isEmpty();
        assertThat(alice.events.refusals).isEmpty();
        assertThat(bob.events.refusals).isEmpty();
    }

    @Test
    void declinedRequestsStayGoneAfterARestartAndBlockedSendersAreDroppedSilently() {
        Device alice = online(TestAccounts.alice());
        Device bob = online(TestAccounts.bob());
        Device carol = online(TestAccounts.generator().newAccount("carol", Progress.NONE));

        alice.account.sendTrustRequest(bob.id(), ALICE_CARD);
        await(() -> bob.state.request(alice.id()).isPresent(), "bob has alice's request");
        bob.account.decline(alice.id());
        assertThat(bob.state.requests()).isEmpty();
        bob.restart(); // the request is still on the DHT (7 days): it must not come back
        run(20_000);
        assertThat(bob.state.requests()).isEmpty();
        assertThat(bob.events.refusals).anySatisfy(r -> assertThat(r).contains("replayed"));

        bob.account.block(carol.id());
        carol.account.sendTrustRequest(bob.id(), "BEGIN:VCARD\r\nFN:carol\r\nEND:VCARD\r\n".getBytes());
        run(20_000);
        assertThat(bob.state.request(carol.id())).isEmpty();
        assertThat(bob.events.requests).extracting(TrustRequest::from).doesNotContain(carol.id());
        assertThat(bob.account.refused()).isGreaterThanOrEqualTo(2);

        bob.account.unblock(carol.id());
        carol.account.sendTrustRequest(bob.id(), "BEGIN:VCARD\r\nFN:carol\r\nEND:VCARD\r\n".getBytes());
        await(() -> bob.state.request(carol.id()).isPresent(), "carol's request after the unblock");
    }

    @Test
    void aContactIsOnlineWhileItsDeviceIsAnnouncedAndOfflineWhenItExpires() {
        Device alice = online(TestAccounts.alice());
        Device bob = online(TestAccounts.bob());
        alice.account.sendTrustRequest(bob.id(), ALICE_CARD);
        await(() -> bob.state.request(alice.id()).isPresent(), "bob has the request");
        bob.account.accept(alice.id());
        await(() -> alice.events.online(bob.id()) && bob.events.online(alice.id()), "both online");
        assertThat(alice.account.presence().get(bob.id())).containsExactly(bob.keys.deviceId());

        bob.account.close(); // stops refreshing the announcement: type 0 lives 10 minutes
        sim.stop(bob.node);
        await(() -> !alice.events.online(bob.id()), "bob goes offline", 15 * 60_000);
        assertThat(sim.clock().now() - Simulation.EPOCH).isGreaterThan(10 * 60_000);
        assertThat(alice.account.presence().get(bob.id())).isEmpty();
    }

    @Test
    void bothDevicesOfAnAccountReceiveARequestAndAnAcceptOnOneReachesTheOther() {
        AccountKeys bobKeys = TestAccounts.bob();
        AccountKeys bobPhone = TestAccounts.generator().newDevice(bobKeys, "phone", Progress.NONE);
        assertThat(bobPhone.accountId()).isEqualTo(bobKeys.accountId());
        Device laptop = online(bobKeys);
        Device phone = online(bobPhone);
        Device alice = online(TestAccounts.alice());

        alice.account.sendTrustRequest(laptop.id(), ALICE_CARD);
        await(() -> !laptop.events.requests.isEmpty() && !phone.events.requests.isEmpty(), "both devices hear");
        assertThat(phone.events.requests.get(0).vcard()).isEqualTo(ALICE_CARD);

        laptop.account.accept(alice.id());
        await(() -> phone.state.contact(alice.id()).map(Contact::confirmed).orElse(false), "the phone learns");
        assertThat(phone.state.requests()).isEmpty();
        await(() -> !alice.events.confirmed.isEmpty(), "alice is confirmed");
    }

    @Test
    void hostileRequestsAreRefusedWithAReasonAndTheRealOneStillArrives() throws Exception {
        Device alice = online(TestAccounts.alice());
        Device bob = online(TestAccounts.bob());
        AccountKeys mallory = TestAccounts.generator().newAccount("mallory", Progress.NONE);
        Device mal = online(mallory);

        AccountKeys forgerKeys = TestAccounts.generator().newDevice(mallory, "forger", Progress.NONE);
        // a device of mallory's whose published chain claims alice's account, which never certified it
        Identity forgedDevice = new Identity(
                forgerKeys.device().key(),
                List.of(
                        forgerKeys.device().certificate(),
                        alice.keys.account().certificate(),
                        alice.keys.caCertificate()));
        SecureDht impostor = new SecureDht(sim.dht(mal.node), forgedDevice, new SecureRandom());
        impostor.put(forgerKeys.deviceId().shortId(), CertificateValues.of(forgedDevice.chain()), false);
        run(5_000);
        InfoHashes target = new InfoHashes(bob);
        impostor.putEncrypted(target.inbox, target.device, request(ALICE_CARD), false);
        await(
                () -> bob.events.refusals.stream().anyMatch(r -> r.contains("does not lead to an account")),
                "the forged chain is refused");

        // an oversized vCard, put by hand (sendTrustRequest refuses it before sending)
        SecureDht malDht = mal.dht;
        malDht.putEncrypted(target.inbox, target.device, request(new byte[TrustRequest.MAX_VCARD + 100]), false);
        await(() -> bob.events.refusals.stream().anyMatch(r -> r.contains("vCard of")), "oversized refused");

        // a flood from one device: the first ones count (one request kept), the rest are refused
        for (int i = 0; i < OnlineAccount.MAX_MESSAGES_PER_SENDER_PER_HOUR + 10; i++) {
            malDht.putEncrypted(target.inbox, target.device, request(("flood " + i).getBytes()), false);
        }
        await(() -> bob.events.refusals.stream().anyMatch(r -> r.contains("messages in an hour")), "flood");
        run(20_000);
        assertThat(bob.state.requests()).extracting(TrustRequest::from).containsOnly(mallory.accountId());
        assertThat(bob.events.requests).hasSize(1); // duplicates of one sender's request: one event

        // garbage in a type-4 value
        malDht.putEncrypted(target.inbox, target.device, Value.of(0, 4, new byte[] {(byte) 0xc1}), false);
        run(20_000);

        alice.account.sendTrustRequest(bob.id(), ALICE_CARD);
        await(() -> bob.state.request(alice.id()).isPresent(), "alice's real request still arrives");
        assertThat(bob.state.request(alice.id()).orElseThrow().vcard()).isEqualTo(ALICE_CARD);
    }

    /** Bob's inbox key and device id. */
    private record InfoHashes(org.carillon.dht.InfoHash inbox, org.carillon.dht.InfoHash device) {
        InfoHashes(Device d) {
            this(
                    OnlineAccount.inbox(d.keys.deviceId().shortId()),
                    d.keys.deviceId().shortId());
        }
    }

    private static Value request(byte[] vcard) {
        TrustRequestMessage m = new TrustRequestMessage(
                TrustRequestMessage.JAMI_SERVICE,
                "0123456789abcdef0123456789abcdef01234567",
                vcard,
                false,
                java.util.OptionalLong.empty());
        return Value.of(0, OnlineAccount.TRUST_REQUEST_TYPE, m.encode());
    }
}
