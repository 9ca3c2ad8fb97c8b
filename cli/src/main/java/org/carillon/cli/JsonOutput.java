package org.carillon.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.carillon.dht.Field;
import org.carillon.dht.InfoHash;
import org.carillon.dht.NodeMetrics;
import org.carillon.dht.SearchStatus;
import org.carillon.dht.Value;
import org.carillon.dht.crypto.Identity;
import org.carillon.dht.wire.Family;
import org.carillon.dht.wire.NodeInfo;

/**
 * The console's output for programs ({@code --json}): one JSON object per line, each with an
 * {@code "event"} name and, when it answers a command, that command's number in the session
 * ({@code "cmd"}, from 1) and verb ({@code "verb"}), so that asynchronous results can be matched
 * to what asked for them. Keys and ids are hex strings (ids are unsigned 64-bit numbers, which
 * JSON numbers cannot hold exactly); value data is base64, plus {@code "text"} for text/* types.
 */
final class JsonOutput implements ConsoleOutput {
    private final ObjectMapper json = new ObjectMapper();
    private final ConsoleSink sink;

    JsonOutput(ConsoleSink sink) {
        this.sink = sink;
    }

    @Override
    public void started(InfoHash id, int port, Optional<Identity> identity) {
        ObjectNode o = event(null, "node");
        o.put("id", id.toString());
        o.put("port", port);
        identity.ifPresent(i -> publicKey(o, i));
        emit(o);
    }

    private static void publicKey(ObjectNode o, Identity identity) {
        o.put("public_key_id", identity.id().toString());
        o.put("public_key_long_id", HexFormat.of().formatHex(identity.longId()));
    }

    @Override
    public void stopping() {
        emit(event(null, "stopping"));
    }

    @Override
    public void help(Invocation call, List<Verb> verbs) {
        ObjectNode o = event(call, "help");
        ArrayNode list = o.putArray("verbs");
        for (Verb v : verbs) {
            ObjectNode verb = list.addObject();
            verb.put("name", v.name());
            ArrayNode aliases = verb.putArray("aliases");
            v.aliases().forEach(aliases::add);
            verb.put("syntax", v.syntax());
            verb.put("description", v.description());
            verb.put("section", v.section().heading.replace(":", ""));
            verb.put("listed", v.listed());
        }
        emit(o);
    }

    @Override
    public void hashedKey(Invocation call, String typed, InfoHash key) {
        ObjectNode o = event(call, "key");
        o.put("typed", typed);
        o.put("key", key.toString());
        emit(o);
    }

    @Override
    public void putDone(Invocation call, InfoHash key, long valueId, boolean permanent, Duration took, String error) {
        ObjectNode o = done(call, "put", key, took, error);
        o.put("id", Long.toHexString(valueId));
        o.put("permanent", permanent);
        emit(o);
    }

    @Override
    public void putSignedDone(Invocation call, InfoHash key, long valueId, Duration took, String error) {
        ObjectNode o = done(call, "put_signed", key, took, error);
        o.put("id", Long.toHexString(valueId));
        emit(o);
    }

    @Override
    public void putEncryptedDone(
            Invocation call, InfoHash key, InfoHash recipient, long valueId, Duration took, String error) {
        ObjectNode o = done(call, "put_encrypted", key, took, error);
        o.put("id", Long.toHexString(valueId));
        o.put("recipient", recipient.toString());
        emit(o);
    }

    @Override
    public void getValues(Invocation call, InfoHash key, List<Value> values, Duration after, int total) {
        ObjectNode o = event(call, "values");
        o.put("key", key.toString());
        o.put("after_ms", millis(after));
        o.put("total", total);
        values(o, values);
        emit(o);
    }

    @Override
    public void getDone(Invocation call, InfoHash key, Duration took, int total, String error) {
        ObjectNode o = done(call, "get", key, took, error);
        o.put("total", total);
        emit(o);
    }

    @Override
    public void queryRows(Invocation call, InfoHash key, List<Map<Field, Object>> rows, Duration after) {
        ObjectNode o = event(call, "rows");
        o.put("key", key.toString());
        o.put("after_ms", millis(after));
        ArrayNode list = o.putArray("rows");
        for (Map<Field, Object> row : rows) {
            ObjectNode r = list.addObject();
            new TreeMap<>(row).forEach((field, v) -> putField(r, field, v));
        }
        emit(o);
    }

    private static void putField(ObjectNode r, Field field, Object v) {
        if (field == Field.ID && v instanceof Long id) {
            r.put("id", Long.toHexString(id));
        } else if (field == Field.VALUE_TYPE || field == Field.SEQ_NUM) {
            String name = field == Field.SEQ_NUM ? "seq" : "value_type";
            if (v instanceof Number n) {
                r.put(name, n.longValue());
            } else {
                r.put(name, String.valueOf(v));
            }
        } else if (field == Field.OWNER_PK) {
            r.put("owner_pk", v instanceof byte[] b ? Base64.getEncoder().encodeToString(b) : String.valueOf(v));
        } else {
            r.put("user_type", v instanceof byte[] b ? DhtnodeFormat.utf8(b) : String.valueOf(v));
        }
    }

    @Override
    public void queryDone(Invocation call, InfoHash key, Duration took, int rows, String error) {
        ObjectNode o = done(call, "query", key, took, error);
        o.put("rows", rows);
        emit(o);
    }

    @Override
    public void listening(Invocation call, InfoHash key, long token) {
        ObjectNode o = event(call, "listening");
        o.put("key", key.toString());
        o.put("token", token);
        emit(o);
    }

    @Override
    public void listenValues(Invocation call, InfoHash key, List<Value> values, boolean expired, int total) {
        ObjectNode o = event(call, "values");
        o.put("key", key.toString());
        o.put("expired", expired);
        o.put("total", total);
        values(o, values);
        emit(o);
    }

    @Override
    public void listenCancelled(Invocation call, InfoHash key, long token) {
        ObjectNode o = event(call, "cancelled");
        o.put("key", key.toString());
        o.put("token", token);
        emit(o);
    }

    @Override
    public void putCancelled(Invocation call, InfoHash key, long valueId) {
        ObjectNode o = event(call, "cancelled");
        o.put("key", key.toString());
        o.put("id", Long.toHexString(valueId));
        emit(o);
    }

    @Override
    public void nodeSummary(Invocation call, NodeSummary n) {
        NodeMetrics m = n.metrics();
        ObjectNode o = event(call, "node_info");
        o.put("id", n.id().toString());
        o.put("port", n.port());
        o.put("ongoing_operations", n.ongoingOperations());
        o.put("stored_keys", m.storedKeys());
        o.put("stored_values", m.storedValues());
        o.put("stored_bytes", m.storedBytes());
        o.put("remote_listeners", m.remoteListeners());
        family(o.putObject("ipv4"), m.routingNodes4(), n.connected4(), n.searches4());
        family(o.putObject("ipv6"), m.routingNodes6(), n.connected6(), n.searches6());
        counts(o.putObject("packets_in"), m.packetsIn());
        counts(o.putObject("packets_out"), m.packetsOut());
        counts(o.putObject("dropped"), m.drops());
        n.identity().ifPresent(i -> {
            publicKey(o, i.identity());
            ObjectNode dropped = o.putObject("values_dropped");
            dropped.put("bad_signature", i.badSignatures());
            dropped.put("undecryptable", i.undecryptable());
        });
        emit(o);
    }

    private static void family(ObjectNode o, int nodes, boolean connected, int searches) {
        o.put("nodes", nodes);
        o.put("connected", connected);
        o.put("searches", searches);
    }

    private static void counts(ObjectNode o, Map<String, Long> counts) {
        new TreeMap<>(counts).forEach(o::put);
    }

    @Override
    public void routingTables(Invocation call, List<NodeInfo> ipv4, List<NodeInfo> ipv6) {
        ObjectNode o = event(call, "routing_tables");
        nodes(o.putArray("ipv4"), ipv4);
        nodes(o.putArray("ipv6"), ipv6);
        emit(o);
    }

    private static void nodes(ArrayNode list, List<NodeInfo> nodes) {
        for (NodeInfo n : nodes) {
            ObjectNode node = list.addObject();
            node.put("id", n.id().toString());
            InetSocketAddress a = n.address();
            node.put("address", DhtnodeFormat.address(a));
        }
    }

    @Override
    public void searches(Invocation call, List<SearchStatus> searches, Optional<InfoHash> filter) {
        ObjectNode o = event(call, "searches");
        ArrayNode list = o.putArray("searches");
        for (SearchStatus st : searches) {
            if (filter.isPresent() && !filter.get().equals(st.key())) {
                continue;
            }
            ObjectNode s = list.addObject();
            s.put("key", st.key().toString());
            s.put("family", st.family() == Family.IPV4 ? "ipv4" : "ipv6");
            s.put("nodes", st.nodes());
            s.put("synced", st.synced());
            s.put("done", st.done());
            s.put("gets", st.gets());
            s.put("puts", st.puts());
            s.put("listens", st.listens());
        }
        o.put("total", searches.size());
        emit(o);
    }

    @Override
    public void storage(Invocation call, Map<InfoHash, List<Value>> stored, Optional<InfoHash> filter) {
        ObjectNode o = event(call, "storage");
        ArrayNode list = o.putArray("keys");
        long total = 0;
        for (Map.Entry<InfoHash, List<Value>> e : new TreeMap<>(stored).entrySet()) {
            total += e.getValue().size();
            if (filter.isPresent() && !filter.get().equals(e.getKey())) {
                continue;
            }
            ObjectNode k = list.addObject();
            k.put("key", e.getKey().toString());
            k.put("count", e.getValue().size());
            k.put("bytes", e.getValue().stream().mapToLong(Value::storageSize).sum());
            if (filter.isPresent()) {
                values(k, e.getValue());
            }
        }
        o.put("total_keys", stored.size());
        o.put("total_values", total);
        emit(o);
    }

    @Override
    public void info(Invocation call, String message) {
        ObjectNode o = event(call, "info");
        o.put("message", message);
        emit(o);
    }

    @Override
    public void error(Invocation call, String message) {
        ObjectNode o = event(call, "error");
        o.put("message", message);
        emit(o);
    }

    @Override
    public void unknownVerb(String verb) {
        ObjectNode o = event(null, "error");
        o.put("verb", verb);
        o.put("message", "unknown command '" + verb + "' (type 'h' for the list)");
        emit(o);
    }

    private ObjectNode event(Invocation call, String name) {
        ObjectNode o = json.createObjectNode();
        o.put("event", name);
        if (call != null) {
            o.put("cmd", call.number());
            o.put("verb", call.verb().name());
        }
        return o;
    }

    private ObjectNode done(Invocation call, String op, InfoHash key, Duration took, String error) {
        ObjectNode o = event(call, op);
        o.put("key", key.toString());
        o.put("ok", error == null);
        if (error != null) {
            o.put("error", error);
        }
        o.put("took_ms", millis(took));
        return o;
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1e6;
    }

    static void values(ObjectNode o, List<Value> values) {
        ArrayNode list = o.putArray("values");
        for (Value v : values) {
            value(list.addObject(), v);
        }
    }

    /** A value with every field it has; absent fields are left out rather than null. */
    static void value(ObjectNode o, Value v) {
        o.put("id", Long.toHexString(v.id()));
        if (v.isEncrypted()) {
            o.put("encrypted", true);
            o.put("cypher", Base64.getEncoder().encodeToString(v.cypher()));
            return;
        }
        o.put("type", v.type());
        if (!v.userType().isEmpty()) {
            o.put("user_type", v.userType());
        }
        byte[] data = v.data();
        o.put("data", Base64.getEncoder().encodeToString(data));
        if (v.userType().startsWith("text/")) {
            o.put("text", DhtnodeFormat.utf8(data));
        }
        if (v.isSigned()) {
            o.put("signed", true);
            o.put("seq", v.seq());
            o.put("owner", v.ownerKeyId().toString());
        }
        if (v.recipient() != null) {
            if (v.isSigned()) {
                o.put("decrypted", true); // a clear, signed value addressed to someone came out of a decryption
            }
            o.put("recipient", v.recipient().toString());
        }
        if (v.priority() != 0) {
            o.put("priority", v.priority());
        }
    }

    private void emit(ObjectNode o) {
        try {
            // errors too go to stdout, in order with the rest: a program reads one stream
            sink.print(json.writeValueAsString(o));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain nodes always serializes", e);
        }
    }
}
