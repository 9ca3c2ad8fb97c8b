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

/**
 * What {@code carillon dht} and its console need of a running node: the operations of {@link
 * DhtRunner}, so that tests can run the command and its console against a fake.
 */
interface DhtNode {
    InfoHash nodeId();

    int port();

    NodeMetrics metrics();

    List<NodeInfo> routingTable(Family family);

    boolean isConnected(Family family);

    List<SearchStatus> searches();

    Map<InfoHash, List<Value>> storedValues();

    void bootstrap(InetSocketAddress address);

    CompletableFuture<List<Value>> get(InfoHash key, Query where, Consumer<List<Value>> onValues);

    CompletableFuture<List<Map<Field, Object>>> query(InfoHash key, Query query);

    CompletableFuture<Long> put(InfoHash key, Value value, boolean permanent);

    void cancelPut(InfoHash key, long valueId);

    ListenHandle listen(InfoHash key, Query where, ValueListener listener);

    boolean cancelListen(InfoHash key, long token);

    void close();

    /** The node behind {@code runner}. */
    static DhtNode of(DhtRunner runner) {
        return new RunnerNode(runner);
    }
}
