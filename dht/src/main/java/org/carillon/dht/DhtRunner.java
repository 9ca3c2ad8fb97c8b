package org.carillon.dht;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.carillon.dht.discovery.PeerDiscovery;
import org.carillon.dht.engine.EventLoop;
import org.carillon.dht.engine.NodeCore;
import org.carillon.dht.engine.UdpTransport;
import org.carillon.dht.routing.RemoteNode;
import org.carillon.dht.state.NodeStateKeeper;
import org.carillon.dht.storage.ValueType;
import org.carillon.dht.storage.ValueTypes;
import org.carillon.dht.wire.Family;
import org.carillon.dht.wire.NodeInfo;
import org.carillon.dht.wire.Packet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running node on real UDP sockets: the thread-safe face of the single-threaded core.
 * Every call is posted onto the node's event loop.
 */
public final class DhtRunner implements Dht, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DhtRunner.class);

    private final EventLoop loop;
    private final NodeCore core;
    private final Thread thread;
    private final int port;
    /** User callbacks run here, in order, so slow user code never stalls the node. */
    private final ExecutorService callbacks;
    /** Null without a state file. */
    private final NodeStateKeeper state;
    /** Null unless peer discovery is on and could start. */
    private final PeerDiscovery discovery;

    private DhtRunner(EventLoop loop, NodeCore core, int port, NodeStateKeeper state, PeerDiscovery discovery) {
        this.loop = loop;
        this.core = core;
        this.port = port;
        this.state = state;
        this.discovery = discovery;
        this.thread = new Thread(loop, "carillon-dht-" + port);
        this.callbacks = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "carillon-dht-callbacks-" + port);
            t.setDaemon(true);
            return t;
        });
    }

    /** Binds the sockets, starts the event loop and pings the bootstrap nodes. */
    public static DhtRunner start(DhtConfig config) throws IOException {
        RandomGenerator random = new SecureRandom();
        EventLoop loop = new EventLoop();
        DatagramChannel v4 = null;
        DatagramChannel v6 = null;
        boolean dualStack = false;
        int port = config.port();
        InetAddress bind4 = null;
        InetAddress bind6 = null;
        for (InetAddress a : config.bindAddresses()) {
            if (a instanceof Inet4Address) {
                bind4 = a;
            } else {
                bind6 = a;
            }
        }
        try {
            if (bind4 != null && bind4.isAnyLocalAddress() && bind6 != null && bind6.isAnyLocalAddress()) {
                // One dual-stack socket on [::] serves both families on the same port.
                try {
                    v6 = open(StandardProtocolFamily.INET6, new InetSocketAddress(bind6, port));
                    dualStack = true;
                    bind4 = null;
                } catch (java.net.BindException e) {
                    throw e; // the port is taken: that is no reason to give up IPv6
                } catch (IOException | UnsupportedOperationException e) {
                    LOG.warn("no IPv6 on this host ({}), running IPv4 only", e.toString());
                    v6 = null;
                    bind6 = null;
                }
            }
            if (bind4 != null) {
                v4 = open(StandardProtocolFamily.INET, new InetSocketAddress(bind4, port));
                port = ((InetSocketAddress) v4.getLocalAddress()).getPort();
            }
            if (bind6 != null && v6 == null) {
                v6 = open(StandardProtocolFamily.INET6, new InetSocketAddress(bind6, port));
            }
            if (v6 != null) {
                port = ((InetSocketAddress) v6.getLocalAddress()).getPort();
            }
            if (v4 != null) {
                loop.register(v4);
            }
            if (v6 != null) {
                loop.register(v6);
            }
        } catch (IOException e) {
            closeQuietly(v4);
            closeQuietly(v6);
            throw new IOException(
                    "cannot bind UDP port " + config.port() + " on " + config.bindAddresses() + ": " + e.getMessage(),
                    e);
        }
        NodeCore core = new NodeCore(
                InfoHash.random(random),
                new NodeCore.Options(
                        config.network(), config.rateLimited(), config.storageLimit(), Packet.DEFAULT_AGENT),
                loop,
                new UdpTransport(v4, v6, dualStack),
                ValueTypes.builtIn(),
                random);
        loop.onDatagram(core::onDatagram);
        NodeStateKeeper state = config.stateFile() == null
                ? null
                : new NodeStateKeeper(config.stateFile(), core.id(), loop, () -> goodNodes(loop, core));
        List<NodeInfo> saved = state == null ? List.of() : state.load();
        PeerDiscovery discovery = config.peerDiscovery() ? startDiscovery(config, loop, core, port) : null;
        DhtRunner runner = new DhtRunner(loop, core, port, state, discovery);
        runner.thread.start();
        loop.post(() -> {
            core.start(config.bootstrap());
            saved.forEach(n -> core.insertNode(n.id(), n.address()));
            if (state != null) {
                state.start();
            }
        });
        LOG.info(
                "node {} listening on UDP port {} ({})",
                core.id(),
                port,
                dualStack ? "IPv4+IPv6" : v4 != null && v6 != null ? "IPv4+IPv6" : v4 != null ? "IPv4" : "IPv6");
        return runner;
    }

    /** The good nodes of both tables, as the state file keeps them; on the loop. */
    private static List<NodeInfo> goodNodes(EventLoop loop, NodeCore core) {
        long now = loop.now();
        List<NodeInfo> good = new ArrayList<>();
        for (Family family : Family.values()) {
            for (RemoteNode n : core.routingNodes(family)) {
                if (n.isGood(now)) {
                    good.add(new NodeInfo(n.id(), n.address()));
                }
            }
        }
        return good;
    }

    /** Discovered peers join the node on its loop; a node without discovery still runs. */
    private static PeerDiscovery startDiscovery(DhtConfig config, EventLoop loop, NodeCore core, int port) {
        try {
            return PeerDiscovery.start(
                    config.discoveryChannel(),
                    core.id(),
                    port,
                    config.network(),
                    (id, address) -> loop.post(() -> core.insertNode(id, address)));
        } catch (IOException e) {
            LOG.warn("running without peer discovery: {}", e.getMessage());
            return null;
        }
    }

    private static DatagramChannel open(StandardProtocolFamily family, InetSocketAddress at) throws IOException {
        DatagramChannel c = DatagramChannel.open(family);
        try {
            c.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            c.bind(at);
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static void closeQuietly(DatagramChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }

    public InfoHash nodeId() {
        return core.id();
    }

    /** The UDP port every socket of the node is bound to. */
    public int port() {
        return port;
    }

    /** Pings {@code address}; the node joins through it when it answers. */
    public void bootstrap(InetSocketAddress address) {
        loop.post(() -> core.bootstrap(address));
    }

    /** A snapshot of the node's counters, taken on the event loop. */
    public NodeMetrics metrics() {
        return call(core::metrics);
    }

    /** The nodes of one family's routing table. */
    public List<NodeInfo> routingTable(Family family) {
        return call(() -> core.routingNodes(family).stream()
                .map(n -> new NodeInfo(n.id(), n.address()))
                .toList());
    }

    /** One family's routing table with each node's state and last answer. */
    public List<RoutingEntry> routingEntries(Family family) {
        return call(() -> core.routingEntries(family));
    }

    public boolean isConnected(Family family) {
        return call(() -> core.isConnected(family));
    }

    // ---------------------------------------------------------------- operations

    /**
     * Gets the values at {@code key} matching {@code where}, handing each batch to {@code
     * onValues} as it arrives (each value once); the future completes with all of them when the
     * 8 closest nodes answered, or fails with {@link DhtException} when no node could be asked.
     */
    @Override
    public CompletableFuture<List<Value>> get(InfoHash key, Query where, Consumer<List<Value>> onValues) {
        if (!where.select().isEmpty()) {
            throw new IllegalArgumentException("get returns whole values: use query() for a select");
        }
        CompletableFuture<List<Value>> result = new CompletableFuture<>();
        List<Value> all = new ArrayList<>();
        loop.post(() -> core.get(
                key,
                where,
                values -> callbacks.execute(() -> {
                    all.addAll(values);
                    onValues.accept(values);
                }),
                ok -> callbacks.execute(() -> {
                    if (ok) {
                        result.complete(List.copyOf(all));
                    } else {
                        result.completeExceptionally(new DhtException("get " + key + ": no node answered"));
                    }
                })));
        return result;
    }

    /** Runs a query with a select: one row of the selected fields per matching value. */
    @Override
    public CompletableFuture<List<Map<Field, Object>>> query(InfoHash key, Query query) {
        if (query.select().isEmpty()) {
            throw new IllegalArgumentException("query needs a select: use get() for whole values");
        }
        CompletableFuture<List<Map<Field, Object>>> result = new CompletableFuture<>();
        List<Map<Field, Object>> rows = new ArrayList<>();
        loop.post(() -> core.query(
                key,
                query,
                rows::addAll,
                ok -> callbacks.execute(() -> {
                    if (ok) {
                        result.complete(List.copyOf(rows));
                    } else {
                        result.completeExceptionally(new DhtException("query " + key + ": no node answered"));
                    }
                })));
        return result;
    }

    /**
     * Stores {@code value} on the 8 nodes closest to {@code key}, giving it a random id when its
     * id is 0. The future completes with the id once they acknowledged, or fails with {@link
     * DhtException}. A permanent put keeps refreshing the value before it expires until {@link
     * #cancelPut}.
     */
    @Override
    public CompletableFuture<Long> put(InfoHash key, Value value, boolean permanent) {
        CompletableFuture<Long> result = new CompletableFuture<>();
        loop.post(() -> {
            // The outcome may be known before put() returns the id (no network at all).
            CompletableFuture<Boolean> outcome = new CompletableFuture<>();
            long id = core.put(key, value, permanent, outcome::complete);
            outcome.thenAcceptAsync(
                    ok -> {
                        if (ok) {
                            result.complete(id);
                        } else {
                            result.completeExceptionally(new DhtException("put " + key + ": no node acknowledged"));
                        }
                    },
                    callbacks);
        });
        return result;
    }

    /** Stops refreshing a permanent put. */
    @Override
    public void cancelPut(InfoHash key, long valueId) {
        loop.post(() -> core.cancelPut(key, valueId));
    }

    /**
     * Listens at {@code key}: {@code listener} hears of values already there and of new,
     * refreshed-then-expired ones, on a thread of its own (never the node's).
     */
    @Override
    public ListenHandle listen(InfoHash key, Query where, ValueListener listener) {
        ValueListener onCallbacks = (values, expired) -> callbacks.execute(() -> listener.onValues(values, expired));
        long token = call(() -> core.listen(key, where, onCallbacks));
        return new ListenHandle() {
            @Override
            public long token() {
                return token;
            }

            @Override
            public void close() {
                loop.post(() -> core.cancelListen(key, token));
            }
        };
    }

    /** Cancels a listen by its token, as dhtnode's {@code cl}. */
    public boolean cancelListen(InfoHash key, long token) {
        return call(() -> core.cancelListen(key, token));
    }

    /** Adds or replaces a value type; it applies to what this node stores from now on. */
    public void registerType(ValueType type) {
        loop.post(() -> core.registerType(type));
    }

    /** The searches this node runs. */
    public List<SearchStatus> searches() {
        return call(core::searches);
    }

    /** The values this node stores for others, by key. */
    public Map<InfoHash, List<Value>> storedValues() {
        return call(core::storedValues);
    }

    private <T> T call(Supplier<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.post(() -> {
            try {
                f.complete(task.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the node", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("node task failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the node's event loop did not answer within 10 s", e);
        }
    }

    /** Saves the node state, stops discovery and the event loop, closes the sockets; waits until done. */
    @Override
    public void close() {
        if (discovery != null) {
            discovery.close();
        }
        if (state != null) {
            try {
                call(() -> {
                    state.stop();
                    return state.save();
                });
            } catch (IllegalStateException e) {
                LOG.warn("node state not saved: {}", e.getMessage());
            }
        }
        loop.post(core::stop);
        loop.stop();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        callbacks.shutdown();
        LOG.info("node {} stopped", core.id());
    }
}
