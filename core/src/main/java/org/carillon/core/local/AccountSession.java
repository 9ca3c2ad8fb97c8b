package org.carillon.core.local;

import java.io.IOException;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.account.Revocations;
import org.carillon.core.contact.AccountEvents;
import org.carillon.core.contact.AccountState;
import org.carillon.core.contact.OnlineAccount;
import org.carillon.core.message.MessageEvents;
import org.carillon.core.message.MessagePolicy;
import org.carillon.core.message.MessageStore;
import org.carillon.core.message.Messenger;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.secure.SecureDht;
import org.carillon.dht.wire.Family;

/**
 * One account online for as long as a command needs it: a DHT node of its own, the device's
 * identity on top ({@link SecureDht}), the account's contact logic ({@link OnlineAccount}) and its
 * messages ({@link Messenger}, which resumes the deliveries an earlier session left owed).
 */
public final class AccountSession implements AutoCloseable {
    private static final long POLL_MILLIS = 50;

    private final DhtRunner runner;
    private final OnlineAccount account;
    private final Messenger messenger;
    private final WallClockScheduler timers;
    private final boolean ownsRunner;
    private final CompletableFuture<Void> announced;

    private AccountSession(
            DhtRunner runner,
            OnlineAccount account,
            Messenger messenger,
            WallClockScheduler timers,
            boolean ownsRunner,
            CompletableFuture<Void> announced) {
        this.runner = runner;
        this.account = account;
        this.messenger = messenger;
        this.timers = timers;
        this.ownsRunner = ownsRunner;
        this.announced = announced;
    }

    /**
     * Starts a node with {@code config}, waits (at most {@code connectTimeout}) until it has
     * good nodes, then brings the account online, keeping its revocation list (if any) on the
     * DHT too: a type-0 value lives ten minutes, so every device of the account republishes it
     * while online, as jamid does. Fails with an {@link IOException} saying what did not answer.
     */
    public static AccountSession start(
            AccountKeys keys,
            AccountState state,
            AccountEvents events,
            MessageStore messages,
            MessageEvents messageEvents,
            Optional<X509CRL> revocations,
            DhtConfig config,
            Duration connectTimeout,
            MessagePolicy policy)
            throws IOException {
        DhtRunner runner = DhtRunner.start(config);
        AccountSession session;
        try {
            awaitConnected(runner, config, connectTimeout);
            session = online(runner, true, keys, state, events, messages, messageEvents, revocations, policy);
        } catch (IOException | RuntimeException e) {
            runner.close();
            throw e;
        }
        session.awaitAnnounced(connectTimeout); // on failure it closes the session, and so the node
        return session;
    }

    /**
     * Brings the account online on a node that is running already (the daemon's, shared by its
     * accounts), without waiting for the network: {@link #announced()} says when the device is
     * announced; until then messages are stored and wait. Closing the session leaves the node
     * running.
     */
    public static AccountSession on(
            DhtRunner runner,
            AccountKeys keys,
            AccountState state,
            AccountEvents events,
            MessageStore messages,
            MessageEvents messageEvents,
            Optional<X509CRL> revocations,
            MessagePolicy policy) {
        return online(runner, false, keys, state, events, messages, messageEvents, revocations, policy);
    }

    private static AccountSession online(
            DhtRunner runner,
            boolean ownsRunner,
            AccountKeys keys,
            AccountState state,
            AccountEvents events,
            MessageStore messages,
            MessageEvents messageEvents,
            Optional<X509CRL> revocations,
            MessagePolicy policy) {
        SecureRandom random = new SecureRandom();
        SecureDht dht = new SecureDht(runner, keys.device(), random);
        OnlineAccount account = new OnlineAccount(keys, dht, state, events, System::currentTimeMillis, random);
        WallClockScheduler timers = new WallClockScheduler();
        Messenger messenger = new Messenger(account, dht, messages, messageEvents, timers, random, policy);
        messenger.start();
        revocations.ifPresent(crl -> runner.put(keys.accountId().hash(), Revocations.toValue(crl), true));
        CompletableFuture<Void> announced = account.start();
        return new AccountSession(runner, account, messenger, timers, ownsRunner, announced);
    }

    /** Waits until the device is announced; closes the session and says why when it is not in time. */
    private void awaitAnnounced(Duration timeout) throws IOException {
        try {
            announced.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            close();
            throw new IOException(
                    "the DHT did not store this device's announcement within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            close();
            throw new IOException(
                    "could not announce this device: " + e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IOException("interrupted while announcing this device", e);
        }
    }

    /** Completes when the device's certificate and announcement are stored on the DHT. */
    public CompletableFuture<Void> announced() {
        return announced;
    }

    private static void awaitConnected(DhtRunner runner, DhtConfig config, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!runner.isConnected(Family.IPV4) && !runner.isConnected(Family.IPV6)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("no DHT node answered within " + timeout.toSeconds() + " s (bootstrap: "
                        + (config.bootstrap().isEmpty() ? "none given" : config.bootstrap()) + ")");
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while joining the DHT", e);
            }
        }
    }

    public OnlineAccount account() {
        return account;
    }

    public DhtRunner node() {
        return runner;
    }

    public Messenger messenger() {
        return messenger;
    }

    @Override
    public void close() {
        closeAll(messenger, account, timers);
        if (ownsRunner) {
            runner.close();
        }
    }

    private static void closeAll(Messenger messenger, OnlineAccount account, WallClockScheduler timers) {
        messenger.close();
        account.close();
        timers.close();
    }
}
