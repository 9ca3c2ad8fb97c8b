package org.carillon.bench.throughput;

import java.net.InetSocketAddress;

/** A storage node running in a process of its own, which the load generator measures. */
interface NodeUnderTest extends AutoCloseable {
    /** "Carillon" or "OpenDHT". */
    String side();

    /** Where requests go: 127.0.0.1 and the node's port. */
    InetSocketAddress address();

    long pid();

    /** How the node was started, for the record. */
    String command();

    /** Milliseconds the node spent in garbage collection so far; NaN for a node without a GC. */
    default double gcMillis() {
        return Double.NaN;
    }

    /** Stops the process (by its PID if it does not quit). */
    @Override
    void close();
}
