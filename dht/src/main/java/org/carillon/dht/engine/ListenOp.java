package org.carillon.dht.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.ValueListener;

/**
 * One listen. Each source (a storage node of either family, or this node's own storage) has
 * its own cache of what it holds; the listener sees a value once when the first source has
 * it and once more, as expired, when the last source drops it.
 */
final class ListenOp {
    /** Values kept per source ({@code src/value_cache.h}). */
    static final int CACHE_LIMIT = 4096;

    private record Cached(Value value, long expiresAt) {}

    private final long token;
    private final InfoHash key;
    private final Query where;
    private final ValueListener listener;
    private final Map<Object, Map<Long, Cached>> caches = new HashMap<>();
    private final Map<Long, Value> visible = new HashMap<>();
    private boolean cancelled;

    ListenOp(long token, InfoHash key, Query where, ValueListener listener) {
        this.token = token;
        this.key = key;
        this.where = where;
        this.listener = listener;
    }

    long token() {
        return token;
    }

    InfoHash key() {
        return key;
    }

    Query where() {
        return where;
    }

    boolean isCancelled() {
        return cancelled;
    }

    void cancel() {
        cancelled = true;
    }

    /** Values {@code source} holds (pushed or stored); new ones, or newer versions, are reported. */
    void add(Object source, List<Value> values, ToLongFunction<Value> expiresAt) {
        Map<Long, Cached> cache = caches.computeIfAbsent(source, s -> new HashMap<>());
        List<Value> fresh = new ArrayList<>();
        for (Value v : values) {
            if (!where.matches(v) || (!cache.containsKey(v.id()) && cache.size() >= CACHE_LIMIT)) {
                continue;
            }
            cache.put(v.id(), new Cached(v, expiresAt.applyAsLong(v)));
            Value shown = visible.get(v.id());
            if (shown == null || (v.seq() > shown.seq() && !shown.equals(v))) {
                visible.put(v.id(), v);
                fresh.add(v);
            }
        }
        report(fresh, false);
    }

    /** {@code source} refreshed these values: they live longer there. */
    void refresh(Object source, List<Long> ids, ToLongFunction<Value> expiresAt) {
        Map<Long, Cached> cache = caches.get(source);
        if (cache == null) {
            return;
        }
        for (long id : ids) {
            Cached c = cache.get(id);
            if (c != null) {
                cache.put(id, new Cached(c.value, Math.max(c.expiresAt, expiresAt.applyAsLong(c.value))));
            }
        }
    }

    /** {@code source} no longer holds these values. */
    void remove(Object source, List<Long> ids) {
        Map<Long, Cached> cache = caches.get(source);
        if (cache == null) {
            return;
        }
        Set<Long> gone = new LinkedHashSet<>();
        for (long id : ids) {
            if (cache.remove(id) != null) {
                gone.add(id);
            }
        }
        reportGone(gone);
    }

    /** Drops what outlived its type's lifetime in every cache. */
    void expire(long now) {
        Set<Long> gone = new LinkedHashSet<>();
        for (Map<Long, Cached> cache : caches.values()) {
            for (Iterator<Cached> it = cache.values().iterator(); it.hasNext(); ) {
                Cached c = it.next();
                if (c.expiresAt <= now) {
                    it.remove();
                    gone.add(c.value.id());
                }
            }
        }
        caches.values().removeIf(Map::isEmpty);
        reportGone(gone);
    }

    private void reportGone(Set<Long> ids) {
        List<Value> expired = new ArrayList<>();
        for (long id : ids) {
            boolean held = caches.values().stream().anyMatch(c -> c.containsKey(id));
            Value shown = held ? null : visible.remove(id);
            if (shown != null) {
                expired.add(shown);
            }
        }
        report(expired, true);
    }

    private void report(List<Value> values, boolean expired) {
        if (!values.isEmpty() && !cancelled) {
            listener.onValues(values, expired);
        }
    }
}
