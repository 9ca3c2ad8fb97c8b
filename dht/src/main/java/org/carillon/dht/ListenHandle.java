package org.carillon.dht;

/** A running listen; closing it stops the renewals on the network and the callbacks. */
public interface ListenHandle extends AutoCloseable {
    /** The token dhtnode's console prints for this listen ({@code cl <key> <token>}). */
    long token();

    @Override
    void close();
}
