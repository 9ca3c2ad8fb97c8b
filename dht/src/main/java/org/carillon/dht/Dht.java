package org.carillon.dht;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What upper layers use of the DHT: get, put and listen. {@link DhtRunner} is the plain
 * network node; {@link org.carillon.dht.secure.SecureDht} adds signing, encryption and the
 * checks of received values behind the same calls.
 */
public interface Dht {
    /**
     * Gets the values at {@code key} matching {@code where}, handing each batch to {@code
     * onValues} as it arrives (each value once); the future completes with all of them when the
     * 8 closest nodes answered, or fails with {@link DhtException} when no node could be asked.
     */
    CompletableFuture<List<Value>> get(InfoHash key, Query where, Consumer<List<Value>> onValues);

    /** All values stored at {@code key}. */
    default CompletableFuture<List<Value>> get(InfoHash key) {
        return get(key, Query.ALL, values -> {});
    }

    /** The values at {@code key} that meet {@code where}'s conditions (its select must be empty). */
    default CompletableFuture<List<Value>> get(InfoHash key, Query where) {
        return get(key, where, values -> {});
    }

    /** Runs a query with a select: one row of the selected fields per matching value. */
    CompletableFuture<List<Map<Field, Object>>> query(InfoHash key, Query query);

    /**
     * Stores {@code value} on the 8 nodes closest to {@code key}, giving it a random id when its
     * id is 0. The future completes with the id once they acknowledged, or fails with {@link
     * DhtException}. A permanent put keeps refreshing the value before it expires until {@link
     * #cancelPut}.
     */
    CompletableFuture<Long> put(InfoHash key, Value value, boolean permanent);

    /** Announces a value for its type's lifetime. */
    default CompletableFuture<Long> put(InfoHash key, Value value) {
        return put(key, value, false);
    }

    /** Stops refreshing a permanent put. */
    void cancelPut(InfoHash key, long valueId);

    /**
     * Listens at {@code key}: {@code listener} hears of values already there and of new ones,
     * and of values that expired, on a thread of its own (never the node's).
     */
    ListenHandle listen(InfoHash key, Query where, ValueListener listener);
}
