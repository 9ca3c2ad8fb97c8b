package org.carillon.dht.storage;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;

/**
 * A value type: how long values of it live and which puts and edits a storage node accepts
 * (§9.3). Upper layers register their own types in {@link ValueTypes}.
 */
public record ValueType(int id, String name, Duration expiration, StorePolicy storePolicy, EditPolicy editPolicy) {

    /** Decides whether a new value is stored, possibly rewriting it; null rejects. */
    @FunctionalInterface
    public interface StorePolicy {
        Value accept(InfoHash key, Value value, InetSocketAddress source);
    }

    /** Decides whether {@code replacement} may take the place of {@code stored} under the same id. */
    @FunctionalInterface
    public interface EditPolicy {
        boolean allows(InfoHash key, Value stored, Value replacement, InetSocketAddress source);
    }
}
