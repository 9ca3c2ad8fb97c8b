package org.carillon.cli;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.carillon.dht.Dht;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.InfoHash;
import org.carillon.dht.NodeMetrics;
import org.carillon.dht.SearchStatus;
import org.carillon.dht.Value;
import org.carillon.dht.secure.SecureDht;
import org.carillon.dht.wire.Family;
import org.carillon.dht.wire.NodeInfo;

/**
 * What {@code carillon dht} and its console need of a running node: the operations of {@link
 * DhtRunner}, so that tests can run the command and its console against a fake. Its get, put and
 * listen are {@link Dht}'s, so a {@link SecureDht} can wrap any of them ({@link SecureNode}).
 */
interface DhtNode extends Dht {
    InfoHash nodeId();

    int port();

    NodeMetrics metrics();

    List<NodeInfo> routingTable(Family family);

    boolean isConnected(Family family);

    List<SearchStatus> searches();

    Map<InfoHash, List<Value>> storedValues();

    void bootstrap(InetSocketAddress address);

    boolean cancelListen(InfoHash key, long token);

    void close();

    /**
     * The identity layer, when the node runs with one ({@code --identity}): values received are
     * then checked by it and {@code s} and {@code e} put through it.
     */
    default Optional<SecureDht> secure() {
        return Optional.empty();
    }

    /** The node behind {@code runner}. */
    static DhtNode of(DhtRunner runner) {
        return new RunnerNode(runner);
    }
}
