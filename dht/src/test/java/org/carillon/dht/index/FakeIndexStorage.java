package org.carillon.dht.index;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.carillon.dht.DhtException;
import org.carillon.dht.InfoHash;
import org.carillon.dht.ListenHandle;
import org.carillon.dht.Value;
import org.carillon.dht.storage.ValueTypes;

/**
 * An in-memory DHT for the index's unit tests: one storage with the semantics the trie relies on
 * (random ids for id 0, values expiring after their type's lifetime, an id keeping its first
 * content, listeners told of present and new values). Every operation completes from a task queue
 * that the test drains with {@link #settle()}, so runs are single-threaded and repeatable.
 */
final class FakeIndexStorage implements IndexStorage {
    private static final int MAX_TASKS = 1_000_000;

    private record Stored(Value value, Instant storedAt) {}

    private final FakeClock clock;
    private final SplittableRandom random;
    private final ValueTypes types = ValueTypes.builtIn();
    private final Map<InfoHash, LinkedHashMap<Long, Stored>> store = new LinkedHashMap<>();
    private final Map<InfoHash, List<Listener>> listeners = new LinkedHashMap<>();
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final Set<InfoHash> unreachable = new HashSet<>();
    private final List<InfoHash> gets = new ArrayList<>();
    private long listenTokens;

    private final class Listener implements ListenHandle {
        final InfoHash key;
        final Consumer<List<Value>> onValues;
        final long token = ++listenTokens;
        boolean open = true;

        Listener(InfoHash key, Consumer<List<Value>> onValues) {
            this.key = key;
            this.onValues = onValues;
        }

        @Override
        public long token() {
            return token;
        }

        @Override
        public void close() {
            open = false;
            List<Listener> l = listeners.get(key);
            if (l != null) {
                l.remove(this);
            }
        }
    }

    FakeIndexStorage(FakeClock clock, long seed) {
        this.clock = clock;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public CompletableFuture<List<Value>> get(InfoHash key) {
        gets.add(key);
        CompletableFuture<List<Value>> f = new CompletableFuture<>();
        tasks.add(() -> {
            if (unreachable.contains(key)) {
                f.completeExceptionally(new DhtException("get " + key + ": no node answered"));
            } else {
                f.complete(values(key));
            }
        });
        return f;
    }

    @Override
    public CompletableFuture<Long> put(InfoHash key, Value value) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        tasks.add(() -> {
            if (unreachable.contains(key)) {
                f.completeExceptionally(new DhtException("put " + key + ": no node acknowledged"));
                return;
            }
            long id = value.id();
            while (id == 0) {
                id = random.nextLong();
            }
            Value stored = value.withId(id);
            Stored old = live(key).get(id);
            if (old != null && !old.value.equals(stored)) {
                f.completeExceptionally(new DhtException("put " + key + ": edit of value " + id + " refused"));
                return;
            }
            store.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(id, new Stored(stored, clock.instant()));
            if (old == null) {
                for (Listener l : List.copyOf(listeners.getOrDefault(key, List.of()))) {
                    tasks.add(() -> {
                        if (l.open) {
                            l.onValues.accept(List.of(stored));
                        }
                    });
                }
            }
            f.complete(id);
        });
        return f;
    }

    @Override
    public ListenHandle listen(InfoHash key, Consumer<List<Value>> onValues) {
        Listener l = new Listener(key, onValues);
        listeners.computeIfAbsent(key, k -> new ArrayList<>()).add(l);
        tasks.add(() -> {
            List<Value> present = values(key);
            if (l.open && !present.isEmpty()) {
                l.onValues.accept(present);
            }
        });
        return l;
    }

    /** Runs queued operations (and what they queue) until none is left. */
    void settle() {
        for (int n = 0; !tasks.isEmpty(); n++) {
            if (n > MAX_TASKS) {
                throw new AssertionError("the fake DHT did not settle after " + MAX_TASKS + " tasks");
            }
            tasks.poll().run();
        }
    }

    /** Completes {@code f} by settling the queue. */
    <T> T await(CompletableFuture<T> f) {
        settle();
        if (!f.isDone()) {
            throw new AssertionError("operation still pending after the fake DHT settled");
        }
        return f.join();
    }

    /** Stores a value as it is (its id kept), as a peer could. */
    void plant(InfoHash key, Value value) {
        store.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(value.id(), new Stored(value, clock.instant()));
    }

    /** Gets and puts at {@code key} fail from now on, as when no node answers. */
    void makeUnreachable(InfoHash key) {
        unreachable.add(key);
    }

    /** The live values at {@code key}. */
    List<Value> values(InfoHash key) {
        return live(key).values().stream().map(Stored::value).toList();
    }

    Set<InfoHash> keys() {
        Set<InfoHash> keys = new HashSet<>();
        for (InfoHash k : store.keySet()) {
            if (!live(k).isEmpty()) {
                keys.add(k);
            }
        }
        return keys;
    }

    int getCount() {
        return gets.size();
    }

    int openListens() {
        return listeners.values().stream().mapToInt(List::size).sum();
    }

    private LinkedHashMap<Long, Stored> live(InfoHash key) {
        LinkedHashMap<Long, Stored> values = store.getOrDefault(key, new LinkedHashMap<>());
        Instant now = clock.instant();
        values.values()
                .removeIf(s ->
                        s.storedAt.plus(types.get(s.value.type()).expiration()).isBefore(now));
        return values;
    }
}
