package org.carillon.dht;

/** An operation on the DHT that could not be carried out, e.g. because no node answered. */
public final class DhtException extends RuntimeException {
    public DhtException(String message) {
        super(message);
    }
}
