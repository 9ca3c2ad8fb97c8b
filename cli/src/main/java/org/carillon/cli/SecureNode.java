package org.carillon.cli;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.carillon.dht.Field;
import org.carillon.dht.InfoHash;
import org.carillon.dht.ListenHandle;
import org.carillon.dht.NodeMetrics;
import org.carillon.dht.Query;
import org.carillon.dht.SearchStatus;
import org.carillon.dht.Value;
import org.carillon.dht.ValueListener;
import org.carillon.dht.secure.SecureDht;
import org.carillon.dht.wire.Family;
import org.carillon.dht.wire.NodeInfo;

/**
 * A node with an identity: the console's gets, puts and listens go through {@link SecureDht},
 * so that what it prints was checked (decrypted when for us, signatures verified, the rest
 * dropped); everything about the node itself is the plain node's.
 */
final class SecureNode implements DhtNode {
    private final DhtNode plain;
    private final SecureDht secure;

    /** {@code secure} must wrap {@code plain}. */
    SecureNode(DhtNode plain, SecureDht secure) {
        this.plain = plain;
        this.secure = secure;
    }

    @Override
    public Optional<SecureDht> secure() {
        return Optional.of(secure);
    }

    @Override
    public CompletableFuture<List<Value>> get(InfoHash key, Query where, Consumer<List<Value>> onValues) {
        return secure.get(key, where, onValues);
    }

    @Override
    public CompletableFuture<List<Map<Field, Object>>> query(InfoHash key, Query query) {
        return secure.query(key, query);
    }

    @Override
    public CompletableFuture<Long> put(InfoHash key, Value value, boolean permanent) {
        return secure.put(key, value, permanent);
    }

    @Override
    public void cancelPut(InfoHash key, long valueId) {
        secure.cancelPut(key, valueId);
    }

    @Override
    public ListenHandle listen(InfoHash key, Query where, ValueListener listener) {
        return secure.listen(key, where, listener);
    }

    @Override
    public boolean cancelListen(InfoHash key, long token) {
        return plain.cancelListen(key, token); // the token is the plain node's: SecureDht only filters
    }

    @Override
    public InfoHash nodeId() {
        return plain.nodeId();
    }

    @Override
    public int port() {
        return plain.port();
    }

    @Override
    public NodeMetrics metrics() {
        return plain.metrics();
    }

    @Override
    public List<NodeInfo> routingTable(Family family) {
        return plain.routingTable(family);
    }

    @Override
    public boolean isConnected(Family family) {
        return plain.isConnected(family);
    }

    @Override
    public List<SearchStatus> searches() {
        return plain.searches();
    }

    @Override
    public Map<InfoHash, List<Value>> storedValues() {
        return plain.storedValues();
    }

    @Override
    public void bootstrap(InetSocketAddress address) {
        plain.bootstrap(address);
    }

    @Override
    public void close() {
        plain.close();
    }
}
