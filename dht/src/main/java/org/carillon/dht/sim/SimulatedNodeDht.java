package org.carillon.dht.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.carillon.dht.Dht;
import org.carillon.dht.DhtException;
import org.carillon.dht.Field;
import org.carillon.dht.InfoHash;
import org.carillon.dht.ListenHandle;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.ValueListener;
import org.carillon.dht.engine.NodeCore;

/**
 * The {@link Dht} API over one simulated node, for layers above the DHT (accounts, contacts)
 * tested in virtual time. Everything runs on the caller's thread: futures complete and listeners
 * hear values while the simulation's clock runs, never concurrently. Calls go to whatever node
 * the slot holds now, so a restarted node keeps its facade.
 */
final class SimulatedNodeDht implements Dht {
    private final Supplier<NodeCore> node;

    SimulatedNodeDht(Supplier<NodeCore> node) {
        this.node = node;
    }

    @Override
    public CompletableFuture<List<Value>> get(InfoHash key, Query where, Consumer<List<Value>> onValues) {
        CompletableFuture<List<Value>> result = new CompletableFuture<>();
        List<Value> all = new ArrayList<>();
        node.get()
                .get(
                        key,
                        where,
                        values -> {
                            all.addAll(values);
                            onValues.accept(values);
                        },
                        ok -> {
                            if (ok) {
                                result.complete(List.copyOf(all));
                            } else {
                                result.completeExceptionally(new DhtException("get " + key + ": no node answered"));
                            }
                        });
        return result;
    }

    @Override
    public CompletableFuture<List<Map<Field, Object>>> query(InfoHash key, Query query) {
        CompletableFuture<List<Map<Field, Object>>> result = new CompletableFuture<>();
        List<Map<Field, Object>> rows = new ArrayList<>();
        node.get().query(key, query, rows::addAll, ok -> {
            if (ok) {
                result.complete(List.copyOf(rows));
            } else {
                result.completeExceptionally(new DhtException("query " + key + ": no node answered"));
            }
        });
        return result;
    }

    @Override
    public CompletableFuture<Long> put(InfoHash key, Value value, boolean permanent) {
        CompletableFuture<Boolean> outcome = new CompletableFuture<>();
        long id = node.get().put(key, value, permanent, outcome::complete);
        return outcome.thenApply(ok -> {
            if (!ok) {
                throw new DhtException("put " + key + ": no node acknowledged");
            }
            return id;
        });
    }

    @Override
    public void cancelPut(InfoHash key, long valueId) {
        node.get().cancelPut(key, valueId);
    }

    @Override
    public ListenHandle listen(InfoHash key, Query where, ValueListener listener) {
        NodeCore listening = node.get();
        long token = listening.listen(key, where, listener);
        return new ListenHandle() {
            @Override
            public long token() {
                return token;
            }

            @Override
            public void close() {
                listening.cancelListen(key, token);
            }
        };
    }
}
