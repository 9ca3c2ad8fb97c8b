package org.carillon.dht.storage;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;

/**
 * Listeners other nodes registered here (§6.6): keyed by (node, socket id), forgotten ten
 * minutes after their last renewal.
 */
public final class RemoteListeners {
    public static final long LIFETIME = 10 * 60_000L;
    /** Bound on registrations, so a flood of listens cannot exhaust memory. */
    public static final int MAX_LISTENERS = 1 << 16;

    public record Listener(InfoHash node, long socketId, InetSocketAddress address, Query query, long renewed) {}

    private record Id(InfoHash node, long socketId) {}

    private final Map<InfoHash, LinkedHashMap<Id, Listener>> byKey = new HashMap<>();
    private int count;

    /** Registers or renews; returns true when the listener is new (it gets the current values). */
    public boolean register(
            InfoHash key, InfoHash node, long socketId, InetSocketAddress address, Query query, long now) {
        LinkedHashMap<Id, Listener> ls = byKey.computeIfAbsent(key, k -> new LinkedHashMap<>());
        Listener old = ls.put(new Id(node, socketId), new Listener(node, socketId, address, query, now));
        if (old == null) {
            if (count >= MAX_LISTENERS) {
                ls.remove(new Id(node, socketId));
                if (ls.isEmpty()) {
                    byKey.remove(key);
                }
                return false;
            }
            count++;
        }
        return old == null;
    }

    public List<Listener> of(InfoHash key) {
        LinkedHashMap<Id, Listener> ls = byKey.get(key);
        return ls == null ? List.of() : new ArrayList<>(ls.values());
    }

    public void expire(long now) {
        byKey.values()
                .forEach(ls -> ls.values().removeIf(l -> {
                    boolean old = now - l.renewed() >= LIFETIME;
                    if (old) {
                        count--;
                    }
                    return old;
                }));
        byKey.values().removeIf(Map::isEmpty);
    }

    public int size() {
        return count;
    }
}
