package org.carillon.core.contact;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.account.Revocations;
import org.carillon.core.account.TestAccounts;
import org.carillon.dht.secure.SecureDht;
import org.carillon.dht.sim.Simulation;
import org.carillon.dht.sim.SimulationSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A device the account revoked (CRL at the account id) is no longer one of its devices. */
class RevokedDeviceTest {
    @RegisterExtension
    static final SimulationSeed SEED = new SimulationSeed(11_2026L);

    Simulation sim;

    <T> T await(CompletableFuture<T> f) {
        sim.clock().runUntil(f::isDone, 120_000);
        assertThat(f).isDone();
        return f.join();
    }

    OnlineAccount online(AccountKeys keys, int node, OnlineAccountSimulationTest.Recorder events) {
        SecureDht dht = new SecureDht(sim.dht(node), keys.device(), new SecureRandom());
        OnlineAccount a = new OnlineAccount(
                keys, dht, new MemoryAccountState(), events, sim.clock()::now, new SplittableRandom(node));
        await(a.start());
        return a;
    }

    @Test
    void revokedDeviceIsNotFoundAndItsRequestsAreRefused() {
        sim = new Simulation(SEED.get());
        sim.grow(25, 100, 30_000);
        AccountKeys bob1 = TestAccounts.bob();
        AccountKeys bob2 = OnlineAccountSimulationTest.bobSecond();
        OnlineAccount first = online(bob1, 3, new OnlineAccountSimulationTest.Recorder());
        OnlineAccountSimulationTest.Recorder secondEvents = new OnlineAccountSimulationTest.Recorder();
        OnlineAccount second = online(bob2, 9, secondEvents);
        OnlineAccountSimulationTest.Recorder aliceEvents = new OnlineAccountSimulationTest.Recorder();
        OnlineAccount alice = online(TestAccounts.alice(), 17, aliceEvents);
        assertThat(await(alice.directory().devicesOf(bob1.accountId())))
                .extracting(PeerDevice::id)
                .containsExactlyInAnyOrder(bob1.deviceId(), bob2.deviceId());

        X509CRL crl = Revocations.revoke(bob1, null, List.of(bob2.device().certificate()));
        await(sim.dht(3).put(bob1.accountId().hash(), Revocations.toValue(crl), true));
        sim.clock().runFor(5_000);

        // a directory that never met bob finds the first device only
        SecureDht fresh = new SecureDht(sim.dht(20), TestAccounts.alice().device(), new SecureRandom());
        assertThat(await(new DeviceDirectory(fresh, sim.clock()::now).devicesOf(bob1.accountId())))
                .extracting(PeerDevice::id)
                .containsExactly(bob1.deviceId());
        // bob's first device drops it from its own devices
        sim.clock().runFor(5_000);
        assertThat(first.ownDevices()).isEmpty();

        // a request from the revoked device: refused
        await(second.sendTrustRequest(alice.accountId(), new byte[] {1}));
        sim.clock().runFor(10_000);
        assertThat(alice.requests()).isEmpty();
        assertThat(aliceEvents.refused)
                .singleElement()
                .asString()
                .startsWith("bad-chain: ")
                .contains("revoked");
        // the first device still gets through
        await(first.sendTrustRequest(alice.accountId(), new byte[] {2}));
        sim.clock().runFor(10_000);
        assertThat(alice.requests()).extracting(TrustRequest::from).containsExactly(bob1.accountId());
    }
}
