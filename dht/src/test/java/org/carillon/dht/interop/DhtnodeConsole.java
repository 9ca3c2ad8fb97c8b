package org.carillon.dht.interop;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.carillon.dht.InfoHash;

/**
 * Parsers for what dhtnode 2.4.12's console prints (stdout, with {@code -v} log lines
 * interleaved). Lines are expected as {@link DhtnodeProcess} stores them: ANSI colour codes and
 * leading {@code ">> "} prompts removed, the leading tab of value lines kept.
 *
 * <pre>
 * OpenDHT node 9d17…8ec4 running on port 14301          (or "on IPv4 port 0, IPv6 port 14311")
 * Public key ID c2b7…6abb                               (only with an identity, -i)
 * Using h(testkey) = 913a…b8b6                          (a key that is not 40 hex digits)
 * Put: success, took 2.08 ms. Value ID: d3af92ff9ca7920e     ("p" and "pp")
 * Get: found 1 value(s) after 177 us (total 1)
 * \tValue[id:d3af92ff9ca7920e data(text/plain):"hello_from_A"]
 * Get: completed, took 346 us (total 1)                 (or "Get: failure, …")
 * Listening, token: 2
 * Listen: found 1 values (total 1)                      (or "… values expired (total 0)")
 * \tValue[id:d3af92ff9ca7920e data(text/plain):"hello_from_A"]
 * Query: found field value index after 144 us          ("q KEY SELECT … WHERE …")
 * \tIndex[Id:c39b72df3458fa83,ValueType:0]
 * Query: completed, took 967 us                         (or "Query: failure, …")
 * </pre>
 */
public final class DhtnodeConsole {
    /*
     * RUNNING and PUBLIC_KEY_ID are not anchored at the start, and the ll / lr parsers drop a log
     * prefix first: with -v, dhtnode's log thread can write a log line's first characters (a
     * timestamp's "[") just before the console prints its own line (seen in CI).
     */
    static final Pattern RUNNING = Pattern.compile(
            "OpenDHT node ([0-9a-f]{40}) running on (?:port (\\d+)|IPv4 port (\\d+), IPv6 port (\\d+))$");

    static final Pattern PUBLIC_KEY_ID = Pattern.compile("Public key ID ([0-9a-f]{40})$");
    private static final Pattern LOG_PREFIX = Pattern.compile("^\\[[0-9.]*\\]? ?");

    static final Pattern PUT_RESULT = Pattern.compile("^Put: (success|failure), took (.+)\\. Value ID: ([0-9a-f]+)$");
    /** {@code s} and {@code e} print their own line, with no value id. */
    static final Pattern SECURE_PUT_RESULT = Pattern.compile("^Put (signed|encrypted): (success|failure) \\(took ");

    static final Pattern GET_FOUND = Pattern.compile("^Get: found (\\d+) value\\(s\\) after (.+) \\(total (\\d+)\\)$");
    static final Pattern GET_DONE = Pattern.compile("^Get: (completed|failure), took (.+) \\(total (\\d+)\\)$");
    static final Pattern LISTENING = Pattern.compile("^Listening, token: (\\d+)$");
    static final Pattern QUERY_DONE = Pattern.compile("^Query: (completed|failure), took (.+)$");
    static final Pattern QUERY_ROW = Pattern.compile("^\\tIndex\\[(.*)\\]$");
    static final Pattern LISTEN_FOUND =
            Pattern.compile("^Listen: found (\\d+) values( expired)? \\(total (-?\\d+)\\)$");
    static final Pattern VALUE = Pattern.compile(
            "^\\tValue\\[id:([0-9a-f]+) (encrypted |signed \\(v(\\d+)\\) (decrypted )?)?(?:data(?:\\(([^)]*)\\))?:)?(.*)\\]$");
    static final Pattern VALUE_WITH_DATA =
            Pattern.compile("^\\tValue\\[id:[0-9a-f]+ (?:signed \\(v\\d+\\) (?:decrypted )?)?data[(:]");
    static final Pattern ROUTING_NODE =
            Pattern.compile("^ {4}Node ([0-9a-f]{40}) (\\S+) updated: (.*?)(?: \\[(good|expired)\\])?$");
    static final Pattern STORAGE =
            Pattern.compile("^Storage ([0-9a-f]{40}) (\\d+) list\\., (\\d+) values \\((\\d+) bytes\\)$");

    private DhtnodeConsole() {}

    /**
     * Removes the readline prompts ({@code ">> "}) from asynchronous output. The console thread
     * redraws its prompt while a callback thread prints, and the two interleave by the character:
     * a prompt lands whole at the start of a line, whole in its middle ({@code "Get: found >> 1
     * value(s)"}) or torn apart ({@code "Get: found >1 value(s) after > 63.3 us"}, even {@code
     * data(text/plain):"original>"}), all seen in CI. So every {@code '>'} but a log line's
     * {@code "->"} is taken out, and the interop tests' values never hold one; before a value's
     * quoted text, so are the spaces it leaves: runs of spaces and a one- or two-space indent
     * (real indents are a tab or 3+ spaces).
     */
    public static String stripPrompts(String line) {
        String cleaned = line.replaceAll("(?<!-)>", "");
        if (cleaned.length() == line.length()) {
            return line;
        }
        int quote = cleaned.indexOf('"');
        String head = quote < 0 ? cleaned : cleaned.substring(0, quote);
        String tail = quote < 0 ? "" : cleaned.substring(quote);
        int indent = 0;
        while (indent < head.length() && head.charAt(indent) == ' ') {
            indent++;
        }
        String lead = indent <= 2 ? "" : head.substring(0, indent);
        String rest = head.substring(indent).replaceAll(" {2,}", " ");
        if (tail.isEmpty()) {
            rest = rest.stripTrailing();
        }
        return lead + rest + tail;
    }

    /**
     * A value as printed by OpenDHT's {@code operator<<(Value)}: {@code Value[id:HEX [encrypted |
     * signed (vSEQ) [decrypted ]]data(UTYPE):"TEXT"]} for {@code text/plain}, hex data otherwise
     * ({@code N bytes} from 1024 bytes on), or a special rendering for certificates and IP
     * service announcements.
     *
     * @param idHex value id in hex, as printed (no padding)
     * @param userType the user type, or "" when the value has none
     * @param rendered what follows {@code data(...):}: text in quotes, hex, or {@code N bytes}
     */
    public record ConsoleValue(
            String idHex,
            String userType,
            String rendered,
            boolean hasData,
            boolean signed,
            boolean encrypted,
            boolean decrypted,
            String line) {

        public long id() {
            return Long.parseUnsignedLong(idHex, 16);
        }

        /** The text of a {@code text/plain} value (the quotes removed). */
        public String text() {
            if (rendered.length() >= 2 && rendered.startsWith("\"") && rendered.endsWith("\"")) {
                return rendered.substring(1, rendered.length() - 1);
            }
            throw new IllegalStateException("not a text/plain value: " + line);
        }

        /** The data of a value printed as hex (user type other than text/plain, under 1024 bytes). */
        public byte[] hexData() {
            return HexFormat.of().parseHex(rendered);
        }

        public static Optional<ConsoleValue> parse(String line) {
            Matcher m = VALUE.matcher(line);
            if (!m.matches()) {
                return Optional.empty();
            }
            String flags = m.group(2) == null ? "" : m.group(2);
            boolean hasData = VALUE_WITH_DATA.matcher(line).find();
            return Optional.of(new ConsoleValue(
                    m.group(1),
                    m.group(5) == null ? "" : m.group(5),
                    m.group(6),
                    hasData,
                    flags.startsWith("signed"),
                    flags.startsWith("encrypted"),
                    m.group(4) != null,
                    line));
        }
    }

    /** Result of {@code p} / {@code pp}. */
    public record PutResult(boolean success, String valueIdHex, String duration, String line) {
        public long valueId() {
            return Long.parseUnsignedLong(valueIdHex, 16);
        }
    }

    /** Result of {@code g}: every value reported before {@code Get: completed|failure}. */
    public record GetResult(boolean completed, List<ConsoleValue> values, String duration) {
        public List<String> texts() {
            return values.stream().map(ConsoleValue::text).toList();
        }
    }

    /**
     * Result of {@code q}: one row per {@code Index[…]} line, field name ({@code Id}, {@code
     * ValueType}, {@code Owner}, {@code Seq}, {@code UserType}) to the text printed for it ({@code
     * Id} in hex).
     */
    public record QueryResult(boolean completed, List<Map<String, String>> rows) {}

    /** One {@code Listen: found N values [expired] (total T)} callback with its values. */
    public record ListenEvent(boolean expired, int total, List<ConsoleValue> values, int index) {}

    /** A node line of {@code lr}. {@code good}/{@code expired} are the {@code [good]}/{@code [expired]} tags. */
    public record RoutingEntry(InfoHash id, String address, boolean good, boolean expired) {}

    public record RoutingTables(List<RoutingEntry> ipv4, List<RoutingEntry> ipv6) {
        public List<InfoHash> nodeIds() {
            List<InfoHash> ids = new ArrayList<>();
            ipv4.forEach(e -> ids.add(e.id()));
            ipv6.stream().map(RoutingEntry::id).filter(id -> !ids.contains(id)).forEach(ids::add);
            return ids;
        }
    }

    /** What {@code ll} reports. */
    public record NodeStats(
            InfoHash nodeId,
            int ongoingOperations,
            int storedValues,
            int goodIpv4,
            int dubiousIpv4,
            int incomingIpv4,
            int goodIpv6,
            int dubiousIpv6,
            int incomingIpv6) {}

    /** Parses the console output of one {@code g}: values after each {@code Get: found} header. */
    public static GetResult parseGet(List<String> lines) {
        List<ConsoleValue> values = new ArrayList<>();
        Boolean completed = null;
        String duration = "";
        for (Block b : blocks(lines)) {
            if (b.header.startsWith("Get: found")) {
                values.addAll(b.values);
            }
        }
        for (String line : lines) {
            Matcher m = GET_DONE.matcher(line);
            if (m.matches()) {
                completed = m.group(1).equals("completed");
                duration = m.group(2);
                break;
            }
        }
        if (completed == null) {
            throw new IllegalArgumentException("no \"Get: completed|failure\" line in " + lines);
        }
        return new GetResult(completed, List.copyOf(values), duration);
    }

    /** Parses the console output of one {@code q}: its {@code Index[…]} rows up to {@code Query: completed|failure}. */
    public static QueryResult parseQuery(List<String> lines) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines) {
            Matcher done = QUERY_DONE.matcher(line);
            if (done.matches()) {
                return new QueryResult(done.group(1).equals("completed"), List.copyOf(rows));
            }
            Matcher row = QUERY_ROW.matcher(line);
            if (row.matches()) {
                Map<String, String> fields = new LinkedHashMap<>();
                for (String field : row.group(1).split(",")) {
                    int colon = field.indexOf(':');
                    if (colon > 0) {
                        fields.put(field.substring(0, colon), field.substring(colon + 1));
                    }
                }
                rows.add(Map.copyOf(fields));
            }
        }
        throw new IllegalArgumentException("no \"Query: completed|failure\" line in " + lines);
    }

    /**
     * Complete listen callbacks in {@code lines} (those whose value lines have all arrived); {@code
     * firstIndex} is the output index of {@code lines.get(0)}.
     */
    public static List<ListenEvent> parseListenEvents(List<String> lines, int firstIndex) {
        List<ListenEvent> events = new ArrayList<>();
        for (Block b : blocks(lines)) {
            Matcher m = LISTEN_FOUND.matcher(b.header);
            if (m.matches() && b.complete()) {
                events.add(new ListenEvent(
                        m.group(2) != null, Integer.parseInt(m.group(3)), List.copyOf(b.values), firstIndex + b.index));
            }
        }
        return events;
    }

    /** Parses the output of {@code lr} (from the {@code IPv4 routing table:} line on). */
    public static RoutingTables parseRoutingTables(List<String> lines) {
        List<RoutingEntry> v4 = new ArrayList<>();
        List<RoutingEntry> v6 = new ArrayList<>();
        List<RoutingEntry> current = null;
        for (String raw : lines) {
            String line = withoutLogPrefix(raw);
            if (line.equals("IPv4 routing table:")) {
                current = v4;
            } else if (line.equals("IPv6 routing table:")) {
                current = v6;
            } else if (current != null) {
                Matcher m = ROUTING_NODE.matcher(line);
                if (m.matches()) {
                    current.add(new RoutingEntry(
                            InfoHash.fromHex(m.group(1)),
                            m.group(2),
                            "good".equals(m.group(4)),
                            "expired".equals(m.group(4))));
                }
            }
        }
        return new RoutingTables(List.copyOf(v4), List.copyOf(v6));
    }

    /** Parses the output of {@code ll}. */
    public static NodeStats parseNodeStats(List<String> lines) {
        InfoHash id = null;
        int ops = -1;
        int stored = -1;
        int[] known = {-1, -1, -1, -1, -1, -1};
        int family = -1;
        Pattern opsP = Pattern.compile("^(\\d+) ongoing operations$");
        Pattern storeP = Pattern.compile("^Storage has (\\d+) values, using (\\d+) KB$");
        Pattern knownP = Pattern.compile("^Known nodes: (\\d+) good, (\\d+) dubious, (\\d+) incoming\\.$");
        for (String raw : lines) {
            String line = withoutLogPrefix(raw);
            Matcher m;
            if ((m = RUNNING.matcher(line)).find()) {
                id = InfoHash.fromHex(m.group(1));
            } else if ((m = opsP.matcher(line)).matches()) {
                ops = Integer.parseInt(m.group(1));
            } else if ((m = storeP.matcher(line)).matches()) {
                stored = Integer.parseInt(m.group(1));
            } else if (line.equals("IPv4 stats:")) {
                family = 0;
            } else if (line.equals("IPv6 stats:")) {
                family = 3;
            } else if (family >= 0 && (m = knownP.matcher(line)).matches()) {
                for (int i = 0; i < 3; i++) {
                    known[family + i] = Integer.parseInt(m.group(i + 1));
                }
            }
        }
        return new NodeStats(id, ops, stored, known[0], known[1], known[2], known[3], known[4], known[5]);
    }

    private static String withoutLogPrefix(String line) {
        return LOG_PREFIX.matcher(line).replaceFirst("");
    }

    /** Parses the {@code Storage KEY N list., M values (B bytes)} lines of {@code ld}: key → values. */
    public static Map<InfoHash, Integer> parseStorage(List<String> lines) {
        Map<InfoHash, Integer> storage = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher m = STORAGE.matcher(line);
            if (m.matches()) {
                storage.put(InfoHash.fromHex(m.group(1)), Integer.parseInt(m.group(3)));
            }
        }
        return storage;
    }

    /** A {@code Get: found N …} or {@code Listen: found N …} header and the value lines that followed it. */
    private record Block(String header, int expected, List<ConsoleValue> values, int index) {
        boolean complete() {
            return values.size() >= expected;
        }
    }

    /**
     * Groups value lines under the header printed just before them. dhtnode prints a header and
     * its values from one callback, so the only lines that can come in between are the console's
     * echo of a typed command; they are skipped.
     */
    private static List<Block> blocks(List<String> lines) {
        List<Block> blocks = new ArrayList<>();
        Block open = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher g = GET_FOUND.matcher(line);
            Matcher l = LISTEN_FOUND.matcher(line);
            if (g.matches() || l.matches()) {
                int n = Integer.parseInt(g.matches() ? g.group(1) : l.group(1));
                open = new Block(line, n, new ArrayList<>(), i);
                blocks.add(open);
            } else if (open != null && !open.complete()) {
                ConsoleValue.parse(line).ifPresent(open.values::add);
            }
        }
        return blocks;
    }

    // ---------------------------------------------------------------- index verbs (ii / il)

    static final Pattern PHT_INSERT = Pattern.compile("^Pht::insert: (done|failed)\\.$");
    static final Pattern PHT_LOOKUP_DONE = Pattern.compile("^Pht::lookup: (done|failed)\\.");
    static final Pattern PHT_LEAF = Pattern.compile("^ {3}hash: ([0-9a-f]{40})$");
    static final Pattern PHT_ENTRY = Pattern.compile("^ {6}([0-9a-f]{40})\\[vid: ([0-9a-f]+)\\]$");

    /** One indexed value as {@code il} prints it: {@code <hash>[vid: <hex id>]}. */
    public record IndexEntryLine(InfoHash hash, long valueId) {}

    /**
     * What {@code il} printed: whether the lookup completed ({@code done.}), the leaf's key
     * ({@code hash:}, absent when nothing was found) and the entries, in order.
     */
    public record IndexLookupResult(boolean done, Optional<InfoHash> leaf, List<IndexEntryLine> entries) {}

    /** Parses the output of one {@code il}, up to its {@code Pht::lookup: done|failed} line. */
    public static IndexLookupResult parseIndexLookup(List<String> lines) {
        Boolean done = null;
        InfoHash leaf = null;
        List<IndexEntryLine> entries = new ArrayList<>();
        for (String line : lines) {
            Matcher m;
            if ((m = PHT_LEAF.matcher(line)).matches()) {
                leaf = InfoHash.fromHex(m.group(1));
            } else if ((m = PHT_ENTRY.matcher(line)).matches()) {
                entries.add(new IndexEntryLine(InfoHash.fromHex(m.group(1)), Long.parseUnsignedLong(m.group(2), 16)));
            } else if ((m = PHT_LOOKUP_DONE.matcher(line)).find()) {
                done = m.group(1).equals("done");
                break;
            }
        }
        if (done == null) {
            throw new IllegalArgumentException("no \"Pht::lookup: done|failed\" line in " + lines);
        }
        return new IndexLookupResult(done, Optional.ofNullable(leaf), List.copyOf(entries));
    }
}
