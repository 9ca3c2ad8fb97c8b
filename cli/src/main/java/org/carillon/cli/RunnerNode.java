package org.carillon.cli;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.carillon.dht.DhtRunner;
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

/** {@link DhtNode} on a real {@link DhtRunner}: every call passes straight through. */
final class RunnerNode implements DhtNode {
    private final DhtRunner runner;

    RunnerNode(DhtRunner runner) {
        this.runner = runner;
    }

    @Override
    public InfoHash nodeId() {
        return runner.nodeId();
    }

    @Override
    public int port() {
        return runner.port();
    }

    @Override
    public NodeMetrics metrics() {
        return runner.metrics();
    }

    @Override
    public List<NodeInfo> routingTable(Family family) {
        return runner.routingTable(family);
    }

    @Override
    public boolean isConnected(Family family) {
        return runner.isConnected(family);
    }

    @Override
    public List<SearchStatus> searches() {
        return runner.searches();
    }

    @Override
    public Map<InfoHash, List<Value>> storedValues() {
        return runner.storedValues();
    }

    @Override
    public void bootstrap(InetSocketAddress address) {
        runner.bootstrap(address);
    }

    @Override
    public CompletableFuture<List<Value>> get(InfoHash key, Query where, Consumer<List<Value>> onValues) {
        return runner.get(key, where, onValues);
    }

    @Override
    public CompletableFuture<List<Map<Field, Object>>> query(InfoHash key, Query query) {
        return runner.query(key, query);
    }

    @Override
    public CompletableFuture<Long> put(InfoHash key, Value value, boolean permanent) {
        return runner.put(key, value, permanent);
    }

    @Override
    public void cancelPut(InfoHash key, long valueId) {
        runner.cancelPut(key, valueId);
    }

    @Override
    public ListenHandle listen(InfoHash key, Query where, ValueListener listener) {
        return runner.listen(key, where, listener);
    }

    @Override
    public boolean cancelListen(InfoHash key, long token) {
        return runner.cancelListen(key, token);
    }

    @Override
    public void close() {
        runner.close();
    }
}
