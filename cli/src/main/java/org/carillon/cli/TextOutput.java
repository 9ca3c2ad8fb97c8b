package org.carillon.cli;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.carillon.dht.Field;
import org.carillon.dht.InfoHash;
import org.carillon.dht.NodeMetrics;
import org.carillon.dht.SearchStatus;
import org.carillon.dht.Value;
import org.carillon.dht.crypto.Identity;
import org.carillon.dht.wire.Family;
import org.carillon.dht.wire.NodeInfo;

/** The console's output in dhtnode 2.4.12's words and layout. */
final class TextOutput implements ConsoleOutput {
    private static final String HELP_HINT = " (type 'h' or 'help' for a list of possible commands)";

    private final ConsoleSink sink;

    TextOutput(ConsoleSink sink) {
        this.sink = sink;
    }

    @Override
    public void started(InfoHash id, int port, Optional<Identity> identity) {
        sink.print(runningLine(id, port)
                + identity.map(i -> "\n" + publicKeyLines(i)).orElse("") + "\n" + HELP_HINT + "\n");
    }

    private static String runningLine(InfoHash id, int port) {
        return "Carillon node " + id + " running on port " + port;
    }

    /** dhtnode's line, then the long id (SHA-256 of the key), by which OpenDHT 3 names keys. */
    private static String publicKeyLines(Identity identity) {
        return "Public key ID " + identity.id() + "\nPublic key long ID "
                + HexFormat.of().formatHex(identity.longId());
    }

    @Override
    public void stopping() {
        sink.print("\nStopping node...");
    }

    @Override
    public void help(Invocation call, List<Verb> verbs) {
        StringBuilder s = new StringBuilder("Carillon DHT console (the commands of OpenDHT's dhtnode)");
        for (Verb.Section section : Verb.Section.values()) {
            List<Verb> listed = verbs.stream()
                    .filter(v -> v.section() == section && v.listed())
                    .toList();
            if (listed.isEmpty()) {
                continue;
            }
            s.append(section == Verb.Section.GENERAL ? "\n" : "\n\n").append(section.heading);
            int width = Math.max(
                    11, listed.stream().mapToInt(v -> v.syntax().length()).max().orElse(0) + 2);
            String indent = " ".repeat(2 + width);
            for (Verb v : listed) {
                String[] lines = v.description().split("\n");
                s.append("\n  ").append(pad(v.syntax(), width)).append(lines[0]);
                for (int i = 1; i < lines.length; i++) {
                    s.append('\n').append(indent).append(lines[i]);
                }
            }
        }
        s.append("\n\n")
                .append("A <key> of 40 hex digits is used as it is; any other text is hashed with SHA-1.\n")
                .append("Quote a <str> that has spaces: p mykey \"hello world\".\n")
                .append("Queries: g and l take [WHERE field=value,...], q takes SELECT field,... [WHERE ...],\n")
                .append("with the fields id, value_type, owner_pk, seq (SELECT only) and user_type.");
        sink.print(s.toString());
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }

    @Override
    public void hashedKey(Invocation call, String typed, InfoHash key) {
        sink.print("Using h(" + DhtnodeFormat.printable(typed) + ") = " + key);
    }

    @Override
    public void putDone(Invocation call, InfoHash key, long valueId, boolean permanent, Duration took, String error) {
        sink.print("Put: " + (error == null ? "success" : "failure") + ", took " + DhtnodeFormat.duration(took)
                + ". Value ID: " + Long.toHexString(valueId));
    }

    /** dhtnode's words, with their typos: {@code s} appends "s)" to a duration that has its unit. */
    @Override
    public void putSignedDone(Invocation call, InfoHash key, long valueId, Duration took, String error) {
        sink.print("Put signed: " + (error == null ? "success" : "failure") + " (took " + DhtnodeFormat.duration(took)
                + "s)");
        reason(call, error);
    }

    /** dhtnode's words, with their typos: {@code e} never closes its parenthesis. */
    @Override
    public void putEncryptedDone(
            Invocation call, InfoHash key, InfoHash recipient, long valueId, Duration took, String error) {
        sink.print(
                "Put encrypted: " + (error == null ? "success" : "failure") + " (took " + DhtnodeFormat.duration(took));
        reason(call, error);
    }

    /** Why a signed or encrypted put failed (dhtnode does not say; a missing certificate is worth knowing). */
    private void reason(Invocation call, String error) {
        if (error != null) {
            error(call, error);
        }
    }

    @Override
    public void getValues(Invocation call, InfoHash key, List<Value> values, Duration after, int total) {
        sink.print("Get: found " + values.size() + " value(s) after " + DhtnodeFormat.duration(after) + " (total "
                + total + ")" + valueLines(values));
    }

    @Override
    public void getDone(Invocation call, InfoHash key, Duration took, int total, String error) {
        sink.print("Get: " + (error == null ? "completed" : "failure") + ", took " + DhtnodeFormat.duration(took)
                + " (total " + total + ")");
    }

    @Override
    public void queryRows(Invocation call, InfoHash key, List<Map<Field, Object>> rows, Duration after) {
        StringJoiner s = new StringJoiner("\n");
        for (Map<Field, Object> row : rows) {
            s.add("Query: found field value index after " + DhtnodeFormat.duration(after));
            s.add("\t" + DhtnodeFormat.index(row));
        }
        if (!rows.isEmpty()) {
            sink.print(s.toString());
        }
    }

    @Override
    public void queryDone(Invocation call, InfoHash key, Duration took, int rows, String error) {
        sink.print("Query: " + (error == null ? "completed" : "failure") + ", took " + DhtnodeFormat.duration(took));
    }

    @Override
    public void listening(Invocation call, InfoHash key, long token) {
        sink.print("Listening, token: " + token);
    }

    @Override
    public void listenValues(Invocation call, InfoHash key, List<Value> values, boolean expired, int total) {
        sink.print("Listen: found " + values.size() + " values" + (expired ? " expired" : "") + " (total " + total + ")"
                + valueLines(values));
    }

    @Override
    public void listenCancelled(Invocation call, InfoHash key, long token) {
        sink.print("Listen " + token + " cancelled");
    }

    @Override
    public void putCancelled(Invocation call, InfoHash key, long valueId) {
        sink.print("Permanent put " + Long.toHexString(valueId) + " cancelled");
    }

    @Override
    public void nodeSummary(Invocation call, NodeSummary n) {
        NodeMetrics m = n.metrics();
        StringBuilder s = new StringBuilder(runningLine(n.id(), n.port())).append('\n');
        n.identity().ifPresent(i -> s.append(publicKeyLines(i.identity())).append('\n'));
        s.append(n.ongoingOperations())
                .append(" ongoing operations\n")
                .append("Storage has ")
                .append(m.storedValues())
                .append(" values, using ")
                .append(m.storedBytes() / 1024)
                .append(" KB\n");
        familyStats(s, "IPv4", m.routingNodes4(), n.connected4(), n.searches4());
        familyStats(s, "IPv6", m.routingNodes6(), n.connected6(), n.searches6());
        s.append("Packets: ")
                .append(sum(m.packetsIn()))
                .append(" in, ")
                .append(sum(m.packetsOut()))
                .append(" out, ")
                .append(m.totalDrops())
                .append(" dropped");
        if (!m.drops().isEmpty()) {
            StringJoiner reasons = new StringJoiner(", ", " (", ")");
            new TreeMap<>(m.drops()).forEach((reason, count) -> reasons.add(reason + " " + count));
            s.append(reasons);
        }
        n.identity()
                .ifPresent(i -> s.append("\nValues dropped by the identity checks: ")
                        .append(i.badSignatures())
                        .append(" with a bad signature, ")
                        .append(i.undecryptable())
                        .append(" encrypted not for us or invalid"));
        sink.print(s.toString());
    }

    private static void familyStats(StringBuilder s, String family, int nodes, boolean connected, int searches) {
        s.append(family)
                .append(" stats:\n")
                .append("Known nodes: ")
                .append(nodes)
                .append(" in the routing table, ")
                .append(connected ? "connected" : "not connected")
                .append(".\n")
                .append(searches)
                .append(" searches\n\n");
    }

    private static long sum(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public void routingTables(Invocation call, List<NodeInfo> ipv4, List<NodeInfo> ipv6) {
        StringBuilder s = new StringBuilder();
        table(s, "IPv4", ipv4);
        s.append("\n\n");
        table(s, "IPv6", ipv6);
        sink.print(s.toString());
    }

    private static void table(StringBuilder s, String family, List<NodeInfo> nodes) {
        s.append(family).append(" routing table:\n");
        for (NodeInfo n : nodes) {
            s.append("    Node ")
                    .append(n.id())
                    .append(' ')
                    .append(DhtnodeFormat.address(n.address()))
                    .append('\n');
        }
        s.append(nodes.size()).append(nodes.size() == 1 ? " node" : " nodes");
    }

    @Override
    public void searches(Invocation call, List<SearchStatus> searches, Optional<InfoHash> filter) {
        StringBuilder s = new StringBuilder();
        int v4 = 0;
        int v6 = 0;
        for (SearchStatus st : searches) {
            if (st.family() == Family.IPV4) {
                v4++;
            } else {
                v6++;
            }
            if (filter.isPresent() && !filter.get().equals(st.key())) {
                continue;
            }
            s.append("Search ")
                    .append(st.family() == Family.IPV4 ? "IPv4 " : "IPv6 ")
                    .append(st.key())
                    .append(" gets: ")
                    .append(st.gets())
                    .append(", puts: ")
                    .append(st.puts())
                    .append(", listens: ")
                    .append(st.listens())
                    .append(", nodes: ")
                    .append(st.nodes())
                    .append(" (")
                    .append(st.synced())
                    .append(" synced)")
                    .append(st.done() ? " [done]" : "")
                    .append('\n');
        }
        if (filter.isPresent() && s.length() == 0) {
            s.append("No search for ").append(filter.get()).append('\n');
        }
        s.append(String.format(Locale.ROOT, "Total: %d searches (%d IPv4, %d IPv6).", searches.size(), v4, v6));
        sink.print(s.toString());
    }

    @Override
    public void storage(Invocation call, Map<InfoHash, List<Value>> stored, Optional<InfoHash> filter) {
        StringBuilder s = new StringBuilder();
        if (filter.isPresent()) {
            List<Value> values = stored.getOrDefault(filter.get(), List.of());
            if (values.isEmpty()) {
                s.append("Storage ").append(filter.get()).append(" empty");
            } else {
                s.append(storageLine(filter.get(), values)).append(valueLines(values));
            }
            sink.print(s.toString());
            return;
        }
        long values = 0;
        long bytes = 0;
        for (Map.Entry<InfoHash, List<Value>> e : new TreeMap<>(stored).entrySet()) {
            s.append(storageLine(e.getKey(), e.getValue())).append('\n');
            values += e.getValue().size();
            bytes += bytes(e.getValue());
        }
        s.append("\nTotal ")
                .append(stored.size())
                .append(" storages, ")
                .append(values)
                .append(" values (");
        s.append(bytes < 1024 ? bytes + " bytes)" : (bytes / 1024) + " KB)");
        sink.print(s.toString());
    }

    private static String storageLine(InfoHash key, List<Value> values) {
        return "Storage " + key + " " + values.size() + " values (" + bytes(values) + " bytes)";
    }

    private static long bytes(List<Value> values) {
        return values.stream().mapToLong(Value::storageSize).sum();
    }

    @Override
    public void info(Invocation call, String message) {
        sink.print(message);
    }

    @Override
    public void error(Invocation call, String message) {
        String text = DhtnodeFormat.printable(message);
        sink.printError(call == null ? text : call.verb().name() + ": " + text);
    }

    @Override
    public void unknownVerb(String verb) {
        sink.printError("Unknown command: " + DhtnodeFormat.printable(verb) + "\n" + HELP_HINT);
    }

    /**
     * One line per value: dhtnode's, then for signed values the owner's public key ID, which
     * dhtnode does not show. Appended rather than inserted, so dhtnode's line stays a prefix.
     */
    private static String valueLines(List<Value> values) {
        StringBuilder s = new StringBuilder();
        for (Value v : values) {
            s.append("\n\t").append(DhtnodeFormat.value(v));
            if (v.isSigned()) {
                s.append(" owner ").append(v.ownerKeyId());
            }
        }
        return s.toString();
    }
}
