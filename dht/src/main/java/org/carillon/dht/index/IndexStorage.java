package org.carillon.dht.index;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.InfoHash;
import org.carillon.dht.ListenHandle;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.storage.ValueType;
import org.carillon.dht.storage.ValueTypes;

/**
 * The three DHT operations an index is built on. {@link #of(DhtRunner)} binds them to a running
 * node; tests bind them to an in-memory map.
 */
public interface IndexStorage {
    /**
     * The value type of every index value (entries and canaries): OpenDHT's {@code IndexEntry::TYPE}
     * is {@code USER_DATA}, type 0 with a 10-minute lifetime.
     */
    ValueType VALUE_TYPE = ValueTypes.builtIn().get(0);

    /** Every value at {@code key}; fails when no node could be asked. */
    CompletableFuture<List<Value>> get(InfoHash key);

    /** Stores {@code value} at {@code key} (a random id when its id is 0); completes with the id. */
    CompletableFuture<Long> put(InfoHash key, Value value);

    /**
     * Calls {@code onValues} with the values at {@code key} now and with each new one later, until
     * the handle is closed.
     */
    ListenHandle listen(InfoHash key, Consumer<List<Value>> onValues);

    /** The operations of a running node; registers the index value type with it. */
    static IndexStorage of(DhtRunner runner) {
        Objects.requireNonNull(runner, "runner");
        runner.registerType(VALUE_TYPE);
        return new IndexStorage() {
            @Override
            public CompletableFuture<List<Value>> get(InfoHash key) {
                return runner.get(key);
            }

            @Override
            public CompletableFuture<Long> put(InfoHash key, Value value) {
                return runner.put(key, value);
            }

            @Override
            public ListenHandle listen(InfoHash key, Consumer<List<Value>> onValues) {
                return runner.listen(key, Query.ALL, (values, expired) -> {
                    if (!expired) {
                        onValues.accept(values);
                    }
                });
            }
        };
    }
}
