package org.carillon.bench.messages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.contact.AccountState;
import org.carillon.core.contact.Contact;
import org.carillon.core.contact.OnlineAccount;
import org.carillon.core.local.LocalAccounts;
import org.carillon.core.message.MessagePolicy;
import org.carillon.core.message.MessageStore;
import org.carillon.core.message.Messenger;
import org.carillon.dht.secure.SecureDht;
import org.carillon.dht.sim.LatencyModel;
import org.carillon.dht.sim.Simulation;

/**
 * Carillon in virtual time: a simulated network of {@code nodes} nodes with Internet-like links
 * (log-normal latency, loss), the two accounts on two of its nodes with their SQLite stores.
 * A recipient that goes offline closes its account and messenger (its node stays, as other
 * users' nodes would); time jumps from event to event, so hours pass in seconds.
 */
final class SimulatedPair implements MessagingPair {
    private static final long MAX_SETUP_MILLIS = 300_000;

    /** The links: {@code medianMillis} one way, log-normal with {@code sigma}, {@code loss} of datagrams lost. */
    record Links(double medianMillis, double sigma, double loss) {}

    private final Simulation sim;
    private final Device alice;
    private final Device bob;

    private final class Device {
        final LocalAccounts accounts;
        final AccountKeys keys;
        final AccountState state;
        final MessageStore store;
        final int node;
        final ArrivalLog log = new ArrivalLog(() -> sim.clock().now() * 1_000_000L);
        OnlineAccount account;
        Messenger messenger;

        Device(LocalAccounts accounts, int node) throws IOException {
            this.accounts = accounts;
            var local = accounts.list().get(0);
            this.keys = accounts.keys(local);
            this.state = accounts.state(local);
            this.store = accounts.messages(local);
            this.node = node;
        }

        void start() {
            SecureDht dht = new SecureDht(sim.dht(node), keys.device(), new SecureRandom());
            account = new OnlineAccount(keys, dht, state, null, sim.clock()::now, new SplittableRandom(node));
            messenger = new Messenger(
                    account, dht, store, log, sim.clock(), new SplittableRandom(node * 31L), MessagePolicy.DEFAULT);
            messenger.start();
            await(account.start(), "announcing " + keys.accountId());
        }

        void stop() {
            messenger.close();
            account.close();
        }
    }

    private SimulatedPair(long seed, int nodes, Links links, BenchAccounts accounts, Path dir) throws IOException {
        sim = new Simulation(seed);
        sim.network()
                .latency(LatencyModel.logNormal(links.medianMillis(), links.sigma()))
                .loss(links.loss());
        sim.grow(nodes, 100, 30_000);
        alice = new Device(accounts.open(dir, BenchAccounts.ALICE), 1);
        bob = new Device(accounts.open(dir, BenchAccounts.BOB), nodes / 2 + 1);
    }

    static SimulatedPair start(long seed, int nodes, Links links, BenchAccounts accounts, Path dir) {
        try {
            SimulatedPair pair = new SimulatedPair(seed, nodes, links, accounts, dir);
            pair.alice.start();
            pair.bob.start();
            pair.contacts();
            return pair;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the simulated accounts: " + e.getMessage(), e);
        }
    }

    private void contacts() {
        await(alice.account.sendTrustRequest(bob.keys.accountId(), BenchAccounts.CARD), "A's trust request");
        require(() -> !bob.account.requests().isEmpty(), "B to receive A's trust request");
        await(bob.account.accept(alice.keys.accountId()), "B's acceptance");
        require(
                () -> alice.account
                        .contact(bob.keys.accountId())
                        .map(Contact::confirmed)
                        .orElse(false),
                "A to hear B's confirmation");
    }

    private <T> T await(CompletableFuture<T> f, String what) {
        require(f::isDone, what);
        return f.join();
    }

    private void require(BooleanSupplier done, String what) {
        if (!sim.clock().runUntil(done, MAX_SETUP_MILLIS) && !done.getAsBoolean()) {
            throw new IllegalStateException(
                    "simulation: timed out after " + MAX_SETUP_MILLIS / 1000 + " virtual s waiting for " + what);
        }
    }

    @Override
    public long nanos() {
        return sim.clock().now() * 1_000_000L;
    }

    @Override
    public long send(String text) {
        return alice.messenger.send(bob.keys.accountId(), text).id();
    }

    @Override
    public boolean await(BooleanSupplier done, Duration timeout) {
        sim.clock().runUntil(done, timeout.toMillis());
        return done.getAsBoolean();
    }

    @Override
    public void pass(Duration duration) {
        sim.clock().runFor(duration.toMillis());
    }

    @Override
    public ArrivalLog sender() {
        return alice.log;
    }

    @Override
    public ArrivalLog recipient() {
        return bob.log;
    }

    @Override
    public void stopRecipient() {
        bob.stop();
    }

    @Override
    public void startRecipient() {
        bob.start();
    }

    @Override
    public void close() {
        alice.stop();
        bob.stop();
        alice.accounts.close();
        bob.accounts.close();
    }
}
