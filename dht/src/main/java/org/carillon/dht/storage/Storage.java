package org.carillon.dht.storage;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;
import org.carillon.dht.Value;

/**
 * Values this node stores for others (§9.2): per-key maps, expiration per value type, a total
 * quota enforced by evicting the oldest values of the source using the most storage.
 */
public final class Storage {
    /** Values per key at most ({@code Storage::MAX_VALUES}). */
    public static final int MAX_VALUES_PER_KEY = 65536;

    public static final int MAX_KEYS = 1 << 30;

    /** What a put did. */
    public enum Outcome {
        STORED,
        EDITED,
        REFRESHED,
        REJECTED
    }

    /** Told about every value that leaves the store (expired or evicted), to notify listeners. */
    @FunctionalInterface
    public interface RemovalListener {
        void removed(InfoHash key, List<Long> valueIds);
    }

    private record Stored(Value value, long created, long expiration, SourceGroup source, int size) {}

    /** Sources are grouped by IPv4 address or IPv6 /64, as OpenDHT's per-IP quotas. */
    record SourceGroup(byte[] prefix) {
        static SourceGroup of(InetAddress a) {
            byte[] b = a.getAddress();
            return new SourceGroup(a instanceof Inet4Address ? b : Arrays.copyOf(b, 8));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SourceGroup g && Arrays.equals(prefix, g.prefix);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(prefix);
        }
    }

    private final ValueTypes types;
    private final long limit;
    private final RemovalListener removals;
    private final Map<InfoHash, LinkedHashMap<Long, Stored>> keys = new HashMap<>();
    private final Map<SourceGroup, Long> usage = new HashMap<>();
    private long totalSize;
    private long valueCount;

    public Storage(ValueTypes types, long limit, RemovalListener removals) {
        this.types = types;
        this.limit = limit;
        this.removals = removals;
    }

    /**
     * Stores {@code value} under {@code key}.
     *
     * @param created creation time claimed by the sender (ms), or null for "now"
     */
    public Outcome put(InfoHash key, Value value, Long created, InetSocketAddress source, long now) {
        LinkedHashMap<Long, Stored> values = keys.get(key);
        Stored old = values == null ? null : values.get(value.id());
        if (old != null && old.value.equals(value)) {
            // As Dht::onAnnounce: the same value again is a refresh, a new life from now,
            // whatever creation time the sender claims (a dual-stack writer's second put).
            refresh(key, value.id(), now);
            return Outcome.REFRESHED;
        }
        ValueType type = types.get(value.type());
        long creation = created == null ? now : Math.min(created, now);
        long expiration = creation + type.expiration().toMillis();
        if (expiration <= now || value.storageSize() > Value.MAX_SIZE) {
            return Outcome.REJECTED;
        }
        Outcome outcome;
        Value accepted;
        if (old != null) {
            if (types.get(old.value.type()).editPolicy().allows(key, old.value, value, source)) {
                // The stored value's type decides (as OpenDHT's getType(lv->type)): a replacement
                // cannot pick a laxer policy by naming another type.
                accepted = value;
                outcome = Outcome.EDITED;
            } else {
                return Outcome.REJECTED;
            }
        } else {
            if (values != null && values.size() >= MAX_VALUES_PER_KEY || values == null && keys.size() >= MAX_KEYS) {
                return Outcome.REJECTED;
            }
            accepted = type.storePolicy().accept(key, value, source);
            if (accepted == null) {
                return Outcome.REJECTED;
            }
            outcome = Outcome.STORED;
        }
        if (values == null) {
            values = new LinkedHashMap<>();
            keys.put(key, values);
        }
        if (old != null) {
            remove(values, old);
        }
        Stored s =
                new Stored(accepted, creation, expiration, SourceGroup.of(source.getAddress()), accepted.storageSize());
        values.put(accepted.id(), s);
        totalSize += s.size;
        valueCount++;
        usage.merge(s.source, (long) s.size, Long::sum);
        enforceLimit(key, accepted.id());
        return keys.containsKey(key) && keys.get(key).containsKey(accepted.id()) ? outcome : Outcome.REJECTED;
    }

    /** Extends a stored value's life. Returns false when there is no such value. */
    public boolean refresh(InfoHash key, long valueId, long now) {
        LinkedHashMap<Long, Stored> values = keys.get(key);
        Stored s = values == null ? null : values.get(valueId);
        if (s == null) {
            return false;
        }
        long life = types.get(s.value.type()).expiration().toMillis();
        values.put(valueId, new Stored(s.value, now, Math.max(s.expiration, now + life), s.source, s.size));
        return true;
    }

    public boolean hasKey(InfoHash key) {
        return keys.containsKey(key);
    }

    /** Stored values under {@code key} that meet the query's conditions. */
    public List<Value> get(InfoHash key, Query query) {
        LinkedHashMap<Long, Stored> values = keys.get(key);
        if (values == null) {
            return List.of();
        }
        List<Value> out = new ArrayList<>(values.size());
        for (Stored s : values.values()) {
            if (query == null || query.matches(s.value)) {
                out.add(s.value);
            }
        }
        return out;
    }

    /** Every stored value, by key, for status output. */
    public Map<InfoHash, List<Value>> all() {
        Map<InfoHash, List<Value>> out = new HashMap<>();
        keys.forEach((key, values) ->
                out.put(key, values.values().stream().map(s -> s.value).toList()));
        return out;
    }

    /** Creation time (ms) of a stored value, or -1. */
    public long created(InfoHash key, long valueId) {
        LinkedHashMap<Long, Stored> values = keys.get(key);
        Stored s = values == null ? null : values.get(valueId);
        return s == null ? -1 : s.created;
    }

    /** When a stored value expires (ms), or -1 when there is no such value. */
    public long expiration(InfoHash key, long valueId) {
        LinkedHashMap<Long, Stored> values = keys.get(key);
        Stored s = values == null ? null : values.get(valueId);
        return s == null ? -1 : s.expiration;
    }

    /** The earliest expiration (ms) among the values under {@code key}, or -1 when there are none. */
    public long nextExpiration(InfoHash key) {
        LinkedHashMap<Long, Stored> values = keys.get(key);
        if (values == null) {
            return -1;
        }
        long next = Long.MAX_VALUE;
        for (Stored s : values.values()) {
            next = Math.min(next, s.expiration);
        }
        return next;
    }

    /** Removes every value whose time is up and tells the removal listener. */
    public void expire(long now) {
        for (InfoHash key : new ArrayList<>(keys.keySet())) {
            expire(key, now);
        }
    }

    /** Removes the values under {@code key} whose time is up and tells the removal listener. */
    public void expire(InfoHash key, long now) {
        LinkedHashMap<Long, Stored> values = keys.get(key);
        if (values == null) {
            return;
        }
        List<Long> gone = new ArrayList<>();
        for (Iterator<Stored> vs = values.values().iterator(); vs.hasNext(); ) {
            Stored s = vs.next();
            if (s.expiration <= now) {
                vs.remove();
                account(s);
                gone.add(s.value.id());
            }
        }
        if (values.isEmpty()) {
            keys.remove(key);
        }
        if (!gone.isEmpty()) {
            removals.removed(key, gone);
        }
    }

    public int keyCount() {
        return keys.size();
    }

    public long valueCount() {
        return valueCount;
    }

    public long totalSize() {
        return totalSize;
    }

    private void enforceLimit(InfoHash justStoredKey, long justStoredId) {
        while (totalSize > limit) {
            SourceGroup heaviest = null;
            long most = -1;
            for (Map.Entry<SourceGroup, Long> e : usage.entrySet()) {
                if (e.getValue() > most) {
                    most = e.getValue();
                    heaviest = e.getKey();
                }
            }
            InfoHash victimKey = null;
            Stored victim = null;
            for (Map.Entry<InfoHash, LinkedHashMap<Long, Stored>> e : keys.entrySet()) {
                for (Stored s : e.getValue().values()) {
                    if (s.source.equals(heaviest) && (victim == null || s.created < victim.created)) {
                        victim = s;
                        victimKey = e.getKey();
                    }
                }
            }
            if (victim == null) {
                return;
            }
            LinkedHashMap<Long, Stored> values = keys.get(victimKey);
            remove(values, victim);
            if (values.isEmpty()) {
                keys.remove(victimKey);
            }
            if (!(victimKey.equals(justStoredKey) && victim.value.id() == justStoredId)) {
                removals.removed(victimKey, List.of(victim.value.id()));
            }
        }
    }

    private void remove(LinkedHashMap<Long, Stored> values, Stored s) {
        values.remove(s.value.id());
        account(s);
    }

    private void account(Stored s) {
        totalSize -= s.size;
        valueCount--;
        usage.computeIfPresent(s.source, (k, v) -> v - s.size <= 0 ? null : v - s.size);
    }
}
