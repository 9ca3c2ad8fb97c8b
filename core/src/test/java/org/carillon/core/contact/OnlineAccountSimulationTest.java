package org.carillon.core.contact;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.account.DeviceId;
import org.carillon.core.account.Progress;
import org.carillon.core.account.TestAccounts;
import org.carillon.dht.secure.SecureDht;
import org.carillon.dht.sim.Simulation;
import org.carillon.dht.sim.SimulationSeed;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Accounts on a simulated network of 30 nodes, in virtual time. */
class OnlineAccountSimulationTest {
    @RegisterExtension
    static final SimulationSeed SEED = new SimulationSeed(7_2026L);

    static final byte[] ALICE_CARD =
            "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:alice\r\nEND:VCARD\r\n".getBytes(StandardCharsets.UTF_8);

    private static AccountKeys carol;
    private static AccountKeys bobSecond;

    Simulation sim;

    /** What one device heard. */
    static final class Recorder implements AccountEvents {
        final List<TrustRequest> requests = new ArrayList<>();
        final List<Contact> confirmed = new ArrayList<>();
        final List<AccountId> removed = new ArrayList<>();
        final List<String> presence = new ArrayList<>();
        final List<String> refused = new ArrayList<>();
        int synced;

        @Override
        public void onTrustRequest(TrustRequest request) {
            requests.add(request);
        }

        @Override
        public void onContactConfirmed(Contact contact) {
            confirmed.add(contact);
        }

        @Override
        public void onContactRemoved(AccountId contact) {
            removed.add(contact);
        }

        @Override
        public void onPresence(AccountId contact, DeviceId device, boolean online) {
            presence.add(contact + "/" + device + "=" + online);
        }

        @Override
        public void onRefused(String reason) {
            refused.add(reason);
        }

        @Override
        public void onSynced(DeviceId from) {
            synced++;
        }
    }

    /** One device of an account on node {@code node}. */
    final class Device {
        final AccountKeys keys;
        final int node;
        final MemoryAccountState state;
        final Recorder events = new Recorder();
        final SecureDht dht;
        OnlineAccount account;

        Device(AccountKeys keys, int node, MemoryAccountState state) {
            this.keys = keys;
            this.node = node;
            this.state = state;
            this.dht = new SecureDht(sim.dht(node), keys.device(), new SecureRandom());
            this.account = new OnlineAccount(keys, dht, state, events, sim.clock()::now, new SplittableRandom(node));
        }

        Device start() {
            CompletableFuture<Void> started = account.start();
            sim.clock().runUntil(started::isDone, 60_000);
            assertThat(started).isCompleted();
            return this;
        }

        AccountId id() {
            return keys.accountId();
        }
    }

    static synchronized AccountKeys carol() { // shared with HostileTrustRequestsTest
        if (carol == null) {
            carol = TestAccounts.generator().newAccount("carol", Progress.NONE);
        }
        return carol;
    }

    static synchronized AccountKeys bobSecond() {
        if (bobSecond == null) {
            bobSecond = TestAccounts.generator().newDevice(TestAccounts.bob(), "bob's laptop", Progress.NONE);
        }
        return bobSecond;
    }

    @BeforeEach
    void network() {
        sim = new Simulation(SEED.get());
        sim.grow(30, 100, 30_000);
    }

    Device device(AccountKeys keys, int node) {
        return new Device(keys, node, new MemoryAccountState()).start();
    }

    <T> T await(CompletableFuture<T> f) {
        sim.clock().runUntil(f::isDone, 120_000);
        assertThat(f).as("operation finished in virtual time").isDone();
        return f.join();
    }

    @Test
    void requestThenAcceptBothSidesConfirmed() {
        Device alice = device(TestAccounts.alice(), 3);
        Device bob = device(TestAccounts.bob(), 17);

        assertThat(await(alice.account.sendTrustRequest(bob.id(), ALICE_CARD))).isEqualTo(1);
        sim.clock().runFor(10_000);
        assertThat(bob.events.requests).hasSize(1);
        TrustRequest r = bob.account.requests().get(0);
        assertThat(r.from()).isEqualTo(alice.id());
        assertThat(r.vcard()).isEqualTo(ALICE_CARD);
        assertThat(r.fromDevice()).isEqualTo(alice.keys.deviceId().shortId());
        assertThat(r.conversationId()).matches("[0-9a-f]{40}");
        assertThat(alice.account.contacts()).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo(bob.id());
            assertThat(c.confirmed()).isFalse();
            assertThat(c.conversationId()).isEqualTo(r.conversationId());
        });

        assertThat(await(bob.account.accept(alice.id()))).isEqualTo(1);
        sim.clock().runFor(10_000);
        assertThat(bob.account.requests()).isEmpty();
        assertThat(bob.account.contacts())
                .singleElement()
                .satisfies(c -> assertThat(c.confirmed()).isTrue());
        assertThat(alice.account.contacts())
                .singleElement()
                .satisfies(c -> assertThat(c.confirmed()).isTrue());
        assertThat(alice.events.confirmed).extracting(Contact::id).containsExactly(bob.id());
        assertThat(alice.events.refused).isEmpty();
        assertThat(bob.events.refused).isEmpty();
        // each sees the other online
        sim.clock().runFor(5_000);
        assertThat(alice.account.presence().get(bob.id())).containsExactly(bob.keys.deviceId());
        assertThat(bob.account.presence().get(alice.id())).containsExactly(alice.keys.deviceId());
    }

    @Test
    void requestsCrossingEachOtherMakeConfirmedContactsWithoutAnAccept() {
        Device alice = device(TestAccounts.alice(), 4);
        Device bob = device(TestAccounts.bob(), 19);

        CompletableFuture<Integer> fromAlice = alice.account.sendTrustRequest(bob.id(), ALICE_CARD);
        CompletableFuture<Integer> fromBob = bob.account.sendTrustRequest(
                alice.id(), "BEGIN:VCARD\r\nFN:bob\r\nEND:VCARD\r\n".getBytes(StandardCharsets.UTF_8));
        await(fromAlice);
        await(fromBob);
        sim.clock().runFor(20_000);

        // each had asked the other: a request from someone we asked confirms us both (Jami's rule)
        assertThat(alice.account.contacts()).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo(bob.id());
            assertThat(c.confirmed()).isTrue();
        });
        assertThat(bob.account.contacts()).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo(alice.id());
            assertThat(c.confirmed()).isTrue();
        });
        assertThat(alice.account.requests()).isEmpty();
        assertThat(bob.account.requests()).isEmpty();
        assertThat(alice.events.refused).isEmpty();
        assertThat(bob.events.refused).isEmpty();
    }

    @Test
    void threeAccountsDeclineAndBlock() {
        Device alice = device(TestAccounts.alice(), 2);
        Device bob = device(TestAccounts.bob(), 11);
        Device carol = device(carol(), 25);

        await(alice.account.sendTrustRequest(carol.id(), ALICE_CARD));
        await(bob.account.sendTrustRequest(
                carol.id(), "BEGIN:VCARD\r\nFN:bob\r\nEND:VCARD\r\n".getBytes(StandardCharsets.UTF_8)));
        sim.clock().runFor(10_000);
        assertThat(carol.account.requests())
                .extracting(TrustRequest::from)
                .containsExactlyInAnyOrder(alice.id(), bob.id());

        await(carol.account.decline(alice.id()));
        await(carol.account.block(bob.id()));
        assertThat(carol.account.requests()).isEmpty();
        assertThat(carol.account.contacts()).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo(bob.id());
            assertThat(c.banned()).isTrue();
            assertThat(c.isActive()).isFalse();
        });

        // the blocked sender asks again: dropped, nothing stored, no request reported
        int before = carol.events.requests.size();
        await(bob.account.sendTrustRequest(carol.id(), new byte[] {1}));
        sim.clock().runFor(10_000);
        assertThat(carol.events.requests).hasSize(before);
        assertThat(carol.account.requests()).isEmpty();
        assertThat(carol.account.refusals()).containsEntry("blocked", 1L);

        // unblocked, a new request gets through
        await(carol.account.unblock(bob.id()));
        assertThat(carol.account.contacts()).isEmpty();
        await(bob.account.sendTrustRequest(carol.id(), new byte[] {2}));
        sim.clock().runFor(10_000);
        assertThat(carol.account.requests()).extracting(TrustRequest::from).containsExactly(bob.id());
        assertThat(alice.account.contacts())
                .singleElement()
                .satisfies(c -> assertThat(c.confirmed()).isFalse());
    }

    @Test
    void presenceOnWhenADeviceStartsAndOffWhenItsNodeStops() {
        Device alice = device(TestAccounts.alice(), 4);
        Device bob = device(TestAccounts.bob(), 20);
        await(alice.account.sendTrustRequest(bob.id(), ALICE_CARD));
        sim.clock().runFor(10_000);
        await(bob.account.accept(alice.id()));
        sim.clock().runFor(10_000);
        String bobDevice = bob.id() + "/" + bob.keys.deviceId();
        assertThat(alice.events.presence).containsExactly(bobDevice + "=true");

        bob.account.close();
        sim.stop(bob.node);
        sim.clock().runFor(5 * 60_000);
        assertThat(alice.account.presence().get(bob.id()))
                .as("still within the 10 min of type 0")
                .isNotEmpty();
        sim.clock().runFor(7 * 60_000);
        assertThat(alice.account.presence().get(bob.id())).isEmpty();
        assertThat(alice.events.presence).containsExactly(bobDevice + "=true", bobDevice + "=false");

        // bob comes back: online again
        sim.restart(bob.node, true);
        sim.clock().runFor(20_000);
        Device again = new Device(bob.keys, bob.node, bob.state).start();
        sim.clock().runFor(20_000);
        assertThat(alice.account.presence().get(bob.id())).containsExactly(bob.keys.deviceId());
        assertThat(again.account.contacts())
                .singleElement()
                .satisfies(c -> assertThat(c.confirmed()).isTrue());
    }

    @Test
    void bothDevicesOfAnAccountReceiveTheRequestAndAnAcceptReachesTheOther() {
        Device bob1 = device(TestAccounts.bob(), 8);
        Device bob2 = device(bobSecond(), 22);
        sim.clock().runFor(20_000);
        assertThat(bob1.account.ownDevices()).extracting(PeerDevice::id).containsExactly(bob2.keys.deviceId());
        assertThat(bob2.account.ownDevices()).extracting(PeerDevice::id).containsExactly(bob1.keys.deviceId());

        Device alice = device(TestAccounts.alice(), 14);
        assertThat(await(alice.account.sendTrustRequest(bob1.id(), ALICE_CARD))).isEqualTo(2);
        sim.clock().runFor(10_000);
        assertThat(bob1.account.requests()).extracting(TrustRequest::from).containsExactly(alice.id());
        assertThat(bob2.account.requests()).extracting(TrustRequest::from).containsExactly(alice.id());
        assertThat(bob2.account.requests().get(0).vcard()).isEqualTo(ALICE_CARD);
        assertThat(bob2.events.refused).isEmpty();

        await(bob1.account.accept(alice.id()));
        sim.clock().runFor(10_000);
        assertThat(bob2.events.synced).isPositive();
        assertThat(bob2.account.requests()).isEmpty();
        assertThat(bob2.account.contacts()).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo(alice.id());
            assertThat(c.confirmed()).isTrue();
        });
        assertThat(alice.account.contacts())
                .singleElement()
                .satisfies(c -> assertThat(c.confirmed()).isTrue());

        // a block on the second device reaches the first
        await(bob2.account.block(alice.id()));
        sim.clock().runFor(10_000);
        assertThat(bob1.account.contacts())
                .singleElement()
                .satisfies(c -> assertThat(c.banned()).isTrue());
        assertThat(bob1.events.removed).containsExactly(alice.id());
    }
}
