package org.carillon.cli;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.carillon.dht.DhtException;
import org.carillon.dht.Field;
import org.carillon.dht.InfoHash;
import org.carillon.dht.ListenHandle;
import org.carillon.dht.NodeMetrics;
import org.carillon.dht.Query;
import org.carillon.dht.SearchStatus;
import org.carillon.dht.Value;
import org.carillon.dht.ValueListener;
import org.carillon.dht.wire.Family;
import org.carillon.dht.wire.NodeInfo;

/**
 * A node that keeps what is put in memory and answers gets from it, at once and on the calling
 * thread, recording every call. Tests switch it to failing or to never answering.
 */
final class FakeDhtNode implements DhtNode {
    static final InfoHash ID = InfoHash.fromHex("e4f330046ca5e702090239c0feb64849cde7c242");

    volatile int port = 4222;
    volatile boolean closed;
    volatile boolean failOperations;
    volatile boolean neverAnswer;
    volatile NodeMetrics metrics = new NodeMetrics(Map.of("ping", 1L), Map.of("reply", 1L), Map.of(), 0, 0, 0, 3, 1, 0);
    volatile List<NodeInfo> routing4 = List.of();
    volatile List<NodeInfo> routing6 = List.of();
    volatile List<SearchStatus> searches = List.of();
    final AtomicInteger metricsReads = new AtomicInteger();

    final Map<InfoHash, List<Value>> store = new ConcurrentHashMap<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<InetSocketAddress> pinged = new CopyOnWriteArrayList<>();
    final Map<Long, Listener> listeners = new ConcurrentHashMap<>();
    final List<CompletableFuture<?>> unanswered = new CopyOnWriteArrayList<>();
    private final AtomicLong tokens = new AtomicLong(1);

    record Listener(InfoHash key, Query where, ValueListener listener) {}

    @Override
    public InfoHash nodeId() {
        return ID;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public NodeMetrics metrics() {
        metricsReads.incrementAndGet();
        return metrics;
    }

    @Override
    public List<NodeInfo> routingTable(Family family) {
        return family == Family.IPV4 ? routing4 : routing6;
    }

    @Override
    public boolean isConnected(Family family) {
        return !routingTable(family).isEmpty();
    }

    @Override
    public List<SearchStatus> searches() {
        return searches;
    }

    @Override
    public Map<InfoHash, List<Value>> storedValues() {
        return new LinkedHashMap<>(store);
    }

    @Override
    public void bootstrap(InetSocketAddress address) {
        calls.add("bootstrap " + address);
        pinged.add(address);
    }

    @Override
    public CompletableFuture<List<Value>> get(InfoHash key, Query where, Consumer<List<Value>> onValues) {
        calls.add("get " + key + " " + where.toText());
        CompletableFuture<List<Value>> result = outcome("get " + key);
        if (result != null) {
            return result;
        }
        List<Value> found = matching(key, where);
        if (!found.isEmpty()) {
            onValues.accept(found);
        }
        return CompletableFuture.completedFuture(found);
    }

    @Override
    public CompletableFuture<List<Map<Field, Object>>> query(InfoHash key, Query query) {
        calls.add("query " + key + " " + query.toText());
        CompletableFuture<List<Map<Field, Object>>> result = outcome("query " + key);
        if (result != null) {
            return result;
        }
        List<Map<Field, Object>> rows = new ArrayList<>();
        for (Value v : matching(key, query)) {
            Map<Field, Object> row = new LinkedHashMap<>();
            for (Field f : query.select()) {
                if (f == Field.ID) {
                    row.put(f, v.id());
                } else if (f == Field.VALUE_TYPE) {
                    row.put(f, (long) v.type());
                } else if (f == Field.SEQ_NUM) {
                    row.put(f, (long) v.seq());
                } else if (f == Field.USER_TYPE) {
                    row.put(f, v.userType());
                }
            }
            rows.add(row);
        }
        return CompletableFuture.completedFuture(rows);
    }

    @Override
    public CompletableFuture<Long> put(InfoHash key, Value value, boolean permanent) {
        calls.add((permanent ? "permanent put " : "put ") + key + " " + value);
        CompletableFuture<Long> result = outcome("put " + key);
        if (result != null) {
            return result;
        }
        store.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(value);
        for (Listener l : listeners.values()) {
            if (l.key().equals(key) && l.where().matches(value)) {
                l.listener().onValues(List.of(value), false);
            }
        }
        return CompletableFuture.completedFuture(value.id());
    }

    @Override
    public void cancelPut(InfoHash key, long valueId) {
        calls.add("cancelPut " + key + " " + Long.toHexString(valueId));
    }

    @Override
    public ListenHandle listen(InfoHash key, Query where, ValueListener listener) {
        calls.add("listen " + key + " " + where.toText());
        long token = tokens.incrementAndGet();
        listeners.put(token, new Listener(key, where, listener));
        List<Value> present = matching(key, where);
        if (!present.isEmpty()) {
            listener.onValues(present, false);
        }
        return new ListenHandle() {
            @Override
            public long token() {
                return token;
            }

            @Override
            public void close() {
                listeners.remove(token);
            }
        };
    }

    @Override
    public boolean cancelListen(InfoHash key, long token) {
        calls.add("cancelListen " + key + " " + token);
        Listener l = listeners.get(token);
        return l != null && l.key().equals(key) && listeners.remove(token) != null;
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Tells the listeners at {@code key} that {@code values} expired. */
    void expire(InfoHash key, List<Value> values) {
        listeners.values().stream()
                .filter(l -> l.key().equals(key))
                .forEach(l -> l.listener().onValues(values, true));
    }

    private List<Value> matching(InfoHash key, Query where) {
        return store.getOrDefault(key, List.of()).stream()
                .filter(where::matches)
                .toList();
    }

    /** A failed or never-completed future when the test asked for one, else null. */
    private <T> CompletableFuture<T> outcome(String what) {
        if (neverAnswer) {
            CompletableFuture<T> hanging = new CompletableFuture<>();
            unanswered.add(hanging);
            return hanging;
        }
        if (failOperations) {
            return CompletableFuture.failedFuture(new DhtException(what + ": no node answered"));
        }
        return null;
    }
}
