package org.carillon.cli;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.carillon.dht.Field;
import org.carillon.dht.InfoHash;
import org.carillon.dht.NodeMetrics;
import org.carillon.dht.SearchStatus;
import org.carillon.dht.Value;
import org.carillon.dht.crypto.Identity;
import org.carillon.dht.wire.NodeInfo;

/**
 * What the console reports, one method per kind of event; {@link TextOutput} prints it as
 * dhtnode does, {@link JsonOutput} as one JSON object per line. Methods may be called from any
 * thread (asynchronous results arrive on the node's callback thread).
 *
 * <p>{@code call} is the command an event answers; {@code error} is null for a success.
 */
interface ConsoleOutput {

    /** What {@code ll} shows. */
    record NodeSummary(
            InfoHash id,
            int port,
            int ongoingOperations,
            NodeMetrics metrics,
            boolean connected4,
            boolean connected6,
            int searches4,
            int searches6,
            Optional<IdentityStatus> identity) {}

    /**
     * The node's identity and the values its checks dropped: signed ones whose signature failed,
     * encrypted ones not for us or that did not decrypt and verify.
     */
    record IdentityStatus(Identity identity, long badSignatures, long undecryptable) {}

    /** The console is up; {@code identity} is the one values are signed and decrypted with, if any. */
    void started(InfoHash id, int port, Optional<Identity> identity);

    void stopping();

    void help(Invocation call, List<Verb> verbs);

    void hashedKey(Invocation call, String typed, InfoHash key);

    void putDone(Invocation call, InfoHash key, long valueId, boolean permanent, Duration took, String error);

    void putSignedDone(Invocation call, InfoHash key, long valueId, Duration took, String error);

    void putEncryptedDone(Invocation call, InfoHash key, InfoHash recipient, long valueId, Duration took, String error);

    void getValues(Invocation call, InfoHash key, List<Value> values, Duration after, int total);

    void getDone(Invocation call, InfoHash key, Duration took, int total, String error);

    void queryRows(Invocation call, InfoHash key, List<Map<Field, Object>> rows, Duration after);

    void queryDone(Invocation call, InfoHash key, Duration took, int rows, String error);

    void listening(Invocation call, InfoHash key, long token);

    void listenValues(Invocation call, InfoHash key, List<Value> values, boolean expired, int total);

    void listenCancelled(Invocation call, InfoHash key, long token);

    void putCancelled(Invocation call, InfoHash key, long valueId);

    void nodeSummary(Invocation call, NodeSummary summary);

    void routingTables(Invocation call, List<NodeInfo> ipv4, List<NodeInfo> ipv6);

    void searches(Invocation call, List<SearchStatus> searches, Optional<InfoHash> filter);

    void storage(Invocation call, Map<InfoHash, List<Value>> stored, Optional<InfoHash> filter);

    void info(Invocation call, String message);

    /** A command that failed; {@code call} is null when the line could not even be split into words. */
    void error(Invocation call, String message);

    void unknownVerb(String verb);
}
