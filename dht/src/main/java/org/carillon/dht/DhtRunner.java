package org.carillon.dht;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.carillon.dht.engine.EventLoop;
import org.carillon.dht.engine.NodeCore;
import org.carillon.dht.engine.UdpTransport;
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
public final class DhtRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DhtRunner.class);

    private final EventLoop loop;
    private final NodeCore core;
    private final Thread thread;
    private final int port;

    private DhtRunner(EventLoop loop, NodeCore core, int port) {
        this.loop = loop;
        this.core = core;
        this.port = port;
        this.thread = new Thread(loop, "carillon-dht-" + port);
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
        DhtRunner runner = new DhtRunner(loop, core, port);
        runner.thread.start();
        loop.post(() -> core.start(config.bootstrap()));
        LOG.info(
                "node {} listening on UDP port {} ({})",
                core.id(),
                port,
                dualStack ? "IPv4+IPv6" : v4 != null && v6 != null ? "IPv4+IPv6" : v4 != null ? "IPv4" : "IPv6");
        return runner;
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

    public boolean isConnected(Family family) {
        return call(() -> core.isConnected(family));
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

    /** Stops the event loop and closes the sockets; waits until both are done. */
    @Override
    public void close() {
        loop.post(core::stop);
        loop.stop();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("node {} stopped", core.id());
    }
}
