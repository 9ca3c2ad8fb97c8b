package org.carillon.bench.messages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.carillon.core.account.AccountId;
import org.carillon.core.contact.Contact;
import org.carillon.core.local.AccountSession;
import org.carillon.core.local.LocalAccounts;
import org.carillon.core.message.MessagePolicy;
import org.carillon.core.store.LocalAccount;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.NodeMetrics;
import org.carillon.dht.wire.Family;

/**
 * Carillon on real UDP: a few {@link DhtRunner} nodes on 127.0.0.1 in this JVM, and the two
 * accounts each in an {@link AccountSession} of its own (its own node, SQLite store, wall-clock
 * timers), as the CLI runs them.
 */
final class LoopbackPair implements MessagingPair {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration CONNECT = Duration.ofSeconds(30);

    private final List<DhtRunner> network;
    private final LocalAccounts aliceAccounts;
    private final LocalAccounts bobAccounts;
    private final LocalAccount alice;
    private final LocalAccount bob;
    private final ArrivalLog aliceLog = new ArrivalLog(System::nanoTime);
    private final ArrivalLog bobLog = new ArrivalLog(System::nanoTime);
    private AccountSession aliceSession;
    private AccountSession bobSession;

    private LoopbackPair(List<DhtRunner> network, LocalAccounts aliceAccounts, LocalAccounts bobAccounts) {
        this.network = network;
        this.aliceAccounts = aliceAccounts;
        this.bobAccounts = bobAccounts;
        this.alice = aliceAccounts.list().get(0);
        this.bob = bobAccounts.list().get(0);
    }

    /** Starts {@code nodes} nodes, both accounts' sessions, and makes the accounts contacts. */
    static LoopbackPair start(int nodes, BenchAccounts accounts, Path dir) {
        List<DhtRunner> network = new ArrayList<>();
        LoopbackPair pair = null;
        try {
            DhtConfig base = DhtConfig.defaults().withPort(0).withBindAddresses(List.of(LOOPBACK));
            network.add(DhtRunner.start(base));
            for (int i = 1; i < nodes; i++) {
                network.add(DhtRunner.start(base.withBootstrap(List.of(address(network.get(0))))));
            }
            for (DhtRunner node : network) {
                awaitWall(() -> node.isConnected(Family.IPV4), CONNECT, "a loopback DHT node to connect");
            }
            pair = new LoopbackPair(
                    network, accounts.open(dir, BenchAccounts.ALICE), accounts.open(dir, BenchAccounts.BOB));
            pair.aliceSession = pair.session(pair.aliceAccounts, pair.alice, pair.aliceLog);
            pair.bobSession = pair.session(pair.bobAccounts, pair.bob, pair.bobLog);
            pair.contacts();
            return pair;
        } catch (IOException e) {
            closeAll(pair, network);
            throw new UncheckedIOException("the Carillon loopback network did not start: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeAll(pair, network);
            throw e;
        }
    }

    private static void closeAll(LoopbackPair pair, List<DhtRunner> network) {
        if (pair != null) {
            pair.close();
        } else {
            network.forEach(DhtRunner::close);
        }
    }

    private static InetSocketAddress address(DhtRunner node) {
        return new InetSocketAddress(LOOPBACK, node.port());
    }

    private AccountSession session(LocalAccounts accounts, LocalAccount account, ArrivalLog log) throws IOException {
        DhtConfig config = DhtConfig.defaults()
                .withPort(0)
                .withBindAddresses(List.of(LOOPBACK))
                .withBootstrap(network.stream().map(LoopbackPair::address).toList());
        return AccountSession.start(
                accounts.keys(account),
                accounts.state(account),
                null,
                accounts.messages(account),
                log,
                Optional.empty(),
                config,
                CONNECT,
                MessagePolicy.DEFAULT);
    }

    /** A asks, B accepts, A hears the confirmation. */
    private void contacts() {
        AccountId a = alice.id();
        AccountId b = bob.id();
        join(aliceSession.account().sendTrustRequest(b, BenchAccounts.CARD), "A's trust request");
        awaitWall(() -> !bobSession.account().requests().isEmpty(), CONNECT, "B to receive A's trust request");
        join(bobSession.account().accept(a), "B's acceptance");
        awaitWall(
                () -> aliceSession.account().contact(b).map(Contact::confirmed).orElse(false),
                CONNECT,
                "A to hear B's confirmation");
    }

    private static <T> T join(java.util.concurrent.CompletableFuture<T> f, String what) {
        try {
            return f.get(CONNECT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " did not complete within " + CONNECT.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + what, e);
        }
    }

    private static void awaitWall(BooleanSupplier done, Duration timeout, String what) {
        if (!pollWall(done, timeout)) {
            throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
        }
    }

    private static boolean pollWall(BooleanSupplier done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return done.getAsBoolean();
            }
        }
        return true;
    }

    @Override
    public long nanos() {
        return System.nanoTime();
    }

    @Override
    public long send(String text) {
        return aliceSession.messenger().send(bob.id(), text).id();
    }

    @Override
    public boolean await(BooleanSupplier done, Duration timeout) {
        return pollWall(done, timeout);
    }

    /** Summed over every node of the network and of the sessions; drops are counted since each node started. */
    @Override
    public Optional<String> networkState() {
        List<DhtRunner> nodes = new ArrayList<>(network);
        for (AccountSession s : new AccountSession[] {aliceSession, bobSession}) {
            if (s != null) {
                nodes.add(s.node());
            }
        }
        long listeners = 0;
        java.util.Map<String, Long> drops = new java.util.TreeMap<>();
        for (DhtRunner node : nodes) {
            NodeMetrics m = node.metrics();
            listeners += m.remoteListeners();
            m.drops().forEach((reason, n) -> drops.merge(reason, n, Long::sum));
        }
        return Optional.of("remote listeners held by the nodes " + listeners + ", datagrams dropped " + drops);
    }

    @Override
    public ArrivalLog sender() {
        return aliceLog;
    }

    @Override
    public ArrivalLog recipient() {
        return bobLog;
    }

    @Override
    public void stopRecipient() {
        bobSession.close();
        bobSession = null;
    }

    @Override
    public void startRecipient() {
        try {
            bobSession = session(bobAccounts, bob, bobLog);
        } catch (IOException e) {
            throw new UncheckedIOException("B's session did not start again: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (AccountSession s : new AccountSession[] {aliceSession, bobSession}) {
            if (s != null) {
                s.close();
            }
        }
        aliceAccounts.close();
        bobAccounts.close();
        network.forEach(DhtRunner::close);
    }
}
