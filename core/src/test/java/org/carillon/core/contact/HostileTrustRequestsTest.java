package org.carillon.core.contact;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.account.Progress;
import org.carillon.core.account.TestAccounts;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.carillon.dht.crypto.Identity;
import org.carillon.dht.secure.SecureDht;
import org.carillon.dht.sim.Simulation;
import org.carillon.dht.sim.SimulationSeed;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Values a hostile or broken peer puts in an inbox: each is refused with a reason, nothing is
 * stored, and a legitimate request sent afterwards still arrives.
 */
class HostileTrustRequestsTest {
    @RegisterExtension
    static final SimulationSeed SEED = new SimulationSeed(4_2026L);

    private static AccountKeys eve;

    Simulation sim;
    MemoryAccountState bobState;
    OnlineAccountSimulationTest.Recorder bobEvents;
    OnlineAccount bob;
    OnlineAccount alice;
    InfoHash bobDevice;

    static synchronized AccountKeys eve() {
        if (eve == null) {
            eve = TestAccounts.generator().newAccount("eve", Progress.NONE);
        }
        return eve;
    }

    @BeforeEach
    void network() {
        sim = new Simulation(SEED.get());
        sim.grow(25, 100, 30_000);
        bobState = new MemoryAccountState();
        bobEvents = new OnlineAccountSimulationTest.Recorder();
        bob = startBob(bobState, bobEvents);
        bobDevice = TestAccounts.bob().deviceId().shortId();
        alice = online(TestAccounts.alice(), 5, new MemoryAccountState(), new AccountEvents() {});
    }

    OnlineAccount startBob(MemoryAccountState state, AccountEvents events) {
        return online(TestAccounts.bob(), 12, state, events);
    }

    OnlineAccount online(AccountKeys keys, int node, AccountState state, AccountEvents events) {
        SecureDht dht = new SecureDht(sim.dht(node), keys.device(), new SecureRandom());
        OnlineAccount a = new OnlineAccount(keys, dht, state, events, sim.clock()::now, new SplittableRandom(node));
        await(a.start());
        return a;
    }

    <T> T await(CompletableFuture<T> f) {
        sim.clock().runUntil(f::isDone, 120_000);
        assertThat(f).isDone();
        return f.join();
    }

    /** A device that puts whatever it likes in bob's inbox, under the given identity. */
    SecureDht raw(Identity identity, int node) {
        SecureDht dht = new SecureDht(sim.dht(node), identity, new SecureRandom());
        await(dht.publishCertificate());
        return dht;
    }

    void putToBob(SecureDht from, byte[] data) {
        await(from.putEncrypted(OnlineAccount.inboxOf(bobDevice), bobDevice, Value.of(0, 4, data), false));
    }

    void legitRequestStillArrives() {
        await(alice.sendTrustRequest(bob.accountId(), OnlineAccountSimulationTest.ALICE_CARD));
        sim.clock().runFor(10_000);
        assertThat(bob.requests()).extracting(TrustRequest::from).contains(alice.accountId());
    }

    @Test
    void aDeviceWhoseChainDoesNotLeadToTheAccountItNamesIsRefused() {
        // eve's device certificate with alice's account and CA above it: eve's account did not sign as alice
        AccountKeys e = eve();
        List<X509Certificate> forged = new ArrayList<>();
        forged.add(e.device().certificate());
        forged.addAll(TestAccounts.alice().account().chain());
        SecureDht mallory = raw(new Identity(e.device().key(), forged), 19);
        putToBob(mallory, TrustRequestMessage.request("", new byte[] {1}, 1).encode());
        sim.clock().runFor(10_000);

        assertThat(bob.refusals()).containsEntry("bad-chain", 1L);
        assertThat(bobEvents.refused)
                .singleElement()
                .asString()
                .startsWith("bad-chain: ")
                .contains("does not lead");
        assertThat(bob.requests()).isEmpty();
        assertThat(bobEvents.requests).isEmpty();
        legitRequestStillArrives();
    }

    @Test
    void replayedValueIsRefusedAfterARestart() {
        legitRequestStillArrives();
        assertThat(bobEvents.requests).hasSize(1);
        bob.close();
        // the same device comes back with the same state: the inbox still holds alice's value
        OnlineAccountSimulationTest.Recorder again = new OnlineAccountSimulationTest.Recorder();
        bob = startBob(bobState, again);
        sim.clock().runFor(10_000);
        assertThat(bob.refusals()).containsEntry("replay", 1L);
        assertThat(again.refused).singleElement().asString().startsWith("replay: ");
        assertThat(again.requests).isEmpty();
        assertThat(bob.requests()).hasSize(1);
    }

    @Test
    void duplicateOversizedUndecodableWrongServiceAndUnsolicitedConfirmAreRefused() {
        SecureDht carol = raw(OnlineAccountSimulationTest.carol().device(), 21);
        putToBob(
                carol,
                TrustRequestMessage.request("", "BEGIN:VCARD\r\nFN:carol\r\nEND:VCARD\r\n".getBytes(), 1)
                        .encode());
        sim.clock().runFor(5_000);
        assertThat(bob.requests()).hasSize(1);

        putToBob(carol, TrustRequestMessage.request("", new byte[] {9}, 2).encode());
        putToBob(
                carol,
                new TrustRequestMessage(
                                "cx.ring", "", new byte[TrustRequest.MAX_VCARD + 1], false, OptionalLong.empty())
                        .encode());
        putToBob(carol, new byte[] {(byte) 0x93, 1, 2, 3});
        putToBob(carol, new TrustRequestMessage("org.example", "", new byte[0], false, OptionalLong.empty()).encode());
        SecureDht eveDevice = raw(eve().device(), 23);
        putToBob(eveDevice, TrustRequestMessage.confirmation("").encode());
        sim.clock().runFor(10_000);

        assertThat(bob.refusals())
                .containsEntry("duplicate", 1L)
                .containsEntry("oversized-vcard", 1L)
                .containsEntry("undecodable", 1L)
                .containsEntry("wrong-service", 1L)
                .containsEntry("unsolicited-confirm", 1L);
        assertThat(bobEvents.refused).hasSize(5).allSatisfy(r -> assertThat(r).contains(": "));
        assertThat(bob.requests()).singleElement().satisfies(r -> {
            assertThat(r.from()).isEqualTo(OnlineAccountSimulationTest.carol().accountId());
            assertThat(new String(r.vcard())).contains("FN:carol");
        });
        assertThat(bob.contacts()).isEmpty();
        legitRequestStillArrives();
    }

    @Test
    void aFloodFromOneSenderIsRateLimited() {
        SecureDht carol = raw(OnlineAccountSimulationTest.carol().device(), 21);
        int flood = 30;
        for (int i = 0; i < flood; i++) {
            putToBob(
                    carol,
                    TrustRequestMessage.request("", new byte[] {(byte) i}, i + 1)
                            .encode());
        }
        sim.clock().runFor(10_000);
        int limit = OnlineAccount.MAX_MESSAGES_PER_SENDER_PER_HOUR;
        assertThat(bob.refusals())
                .containsEntry("rate-limited", (long) (flood - limit))
                .containsEntry("duplicate", (long) (limit - 1));
        assertThat(bob.requests()).hasSize(1);
        assertThat(bobEvents.requests).hasSize(1);
        legitRequestStillArrives();
        // an hour later the sender is heard again
        sim.clock().runFor(3_600_000);
        putToBob(carol, TrustRequestMessage.request("", new byte[] {1}, 99).encode());
        sim.clock().runFor(10_000);
        assertThat(bob.refusals())
                .containsEntry("rate-limited", (long) (flood - limit))
                .containsEntry("duplicate", (long) limit);
    }
}
