package org.carillon.dht.secure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.carillon.dht.Dht;
import org.carillon.dht.Field;
import org.carillon.dht.InfoHash;
import org.carillon.dht.ListenHandle;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.ValueListener;

/**
 * A whole DHT in one map, with no storage policy: whatever is put is stored and handed to
 * getters and listeners as is, on the caller's thread. Lets a test put hostile values where a
 * {@link SecureDht} will read them.
 */
final class FakeDht implements Dht {
    private final Map<InfoHash, Map<Long, Value>> stored = new LinkedHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private long nextId = 1;
    private long nextToken = 1;

    private record Listener(InfoHash key, Query where, ValueListener listener, long token) {}

    @Override
    public synchronized CompletableFuture<List<Value>> get(InfoHash key, Query where, Consumer<List<Value>> onValues) {
        List<Value> found = matching(key, where);
        if (!found.isEmpty()) {
            onValues.accept(found);
        }
        return CompletableFuture.completedFuture(found);
    }

    @Override
    public CompletableFuture<List<Map<Field, Object>>> query(InfoHash key, Query query) {
        throw new UnsupportedOperationException("SecureDht passes queries through unchecked");
    }

    @Override
    public CompletableFuture<Long> put(InfoHash key, Value value, boolean permanent) {
        Value v;
        synchronized (this) {
            v = value.id() != 0 ? value : value.withId(nextId++);
            stored.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(v.id(), v);
        }
        notify(key, v, false);
        return CompletableFuture.completedFuture(v.id());
    }

    /** Removes a stored value and tells the listeners it expired. */
    void expire(InfoHash key, long valueId) {
        Value v;
        synchronized (this) {
            Map<Long, Value> values = stored.get(key);
            v = values == null ? null : values.remove(valueId);
        }
        if (v != null) {
            notify(key, v, true);
        }
    }

    @Override
    public void cancelPut(InfoHash key, long valueId) {}

    @Override
    public ListenHandle listen(InfoHash key, Query where, ValueListener listener) {
        Listener l;
        List<Value> present;
        synchronized (this) {
            l = new Listener(key, where, listener, nextToken++);
            listeners.add(l);
            present = matching(key, where);
        }
        if (!present.isEmpty()) {
            listener.onValues(present, false);
        }
        return new ListenHandle() {
            @Override
            public long token() {
                return l.token();
            }

            @Override
            public void close() {
                listeners.remove(l);
            }
        };
    }

    private void notify(InfoHash key, Value v, boolean expired) {
        for (Listener l : listeners) {
            if (l.key().equals(key) && l.where().matches(v)) {
                l.listener().onValues(List.of(v), expired);
            }
        }
    }

    private List<Value> matching(InfoHash key, Query where) {
        List<Value> out = new ArrayList<>();
        for (Value v : stored.getOrDefault(key, Map.of()).values()) {
            if (where.matches(v)) {
                out.add(v);
            }
        }
        return out;
    }
}
