package org.carillon.dht;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A running node on real UDP sockets: the thread-safe face of the single-threaded core.
 * Everything posted here runs on the node's event loop.
 */
public final class DhtRunner implements AutoCloseable {
    private DhtRunner() {}

    /** Binds the sockets, starts the event loop and pings the bootstrap nodes. */
    public static DhtRunner start(DhtConfig config) throws IOException {
        throw new UnsupportedOperationException("the node arrives in the next commit");
    }

    public InfoHash nodeId() {
        throw new UnsupportedOperationException();
    }

    /** The UDP port every socket of the node is bound to. */
    public int port() {
        throw new UnsupportedOperationException();
    }

    /** Pings {@code address}; the node joins through it when it answers. */
    public void bootstrap(InetSocketAddress address) {
        throw new UnsupportedOperationException();
    }

    /** A snapshot of the node's counters, taken on the event loop. */
    public NodeMetrics metrics() {
        throw new UnsupportedOperationException();
    }

    /** Stops the event loop and closes the sockets; waits until both are done. */
    @Override
    public void close() {}
}
