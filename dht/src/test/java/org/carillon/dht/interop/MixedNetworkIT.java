package org.carillon.dht.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.Field;
import org.carillon.dht.InfoHash;
import org.carillon.dht.ListenHandle;
import org.carillon.dht.Query;
import org.carillon.dht.Query.Condition;
import org.carillon.dht.SearchStatus;
import org.carillon.dht.Value;
import org.carillon.dht.interop.DhtnodeConsole.ConsoleValue;
import org.carillon.dht.interop.DhtnodeConsole.GetResult;
import org.carillon.dht.interop.DhtnodeConsole.PutResult;
import org.carillon.dht.interop.DhtnodeConsole.QueryResult;
import org.carillon.dht.interop.DhtnodeConsole.RoutingEntry;
import org.carillon.dht.interop.PythonOpendhtNode.PeerValue;
import org.carillon.dht.wire.Family;
import org.carillon.dht.wire.NodeInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * One mixed network on loopback — 10 real dhtnode 2.4.12 processes, 10 dual-stack Carillon
 * nodes, one Carillon node with nothing but an IPv6 socket on {@code ::1}, and a python3-opendht
 * 2.4.12 node — shared by every test of the class (see {@link MixedNetwork} for the topology).
 * Each test uses keys of its own. Values that must outlive a type lifetime are checked in {@link
 * ShortLivedValuesIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MixedNetworkIT {
    static final int DHTNODES = 10;
    static final int CARILLONS = 10;
    private static final Duration WAIT = Duration.ofSeconds(20);

    private MixedNetwork net;

    @BeforeAll
    void startNetwork() {
        net = MixedNetwork.start(DHTNODES, CARILLONS, true, Duration.ofSeconds(60));
    }

    @AfterAll
    void stopNetwork() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void carillonAndDhtnodeNodesKnowEachOtherOnBothFamilies() {
        List<InfoHash> dhtnodeIds =
                net.dhtnodes().stream().map(DhtnodeProcess::nodeId).toList();
        for (DhtRunner c : net.carillons()) {
            assertThat(ids(c.routingTable(Family.IPV4)))
                    .as("IPv4 table of Carillon %s", c.nodeId())
                    .containsAnyElementsOf(dhtnodeIds);
            assertThat(ids(c.routingTable(Family.IPV6)))
                    .as("IPv6 table of Carillon %s", c.nodeId())
                    .containsAnyElementsOf(dhtnodeIds);
        }
        // Every Carillon node is a good node in some dhtnode's table, at its own address and port.
        List<RoutingEntry> v4 = new ArrayList<>();
        List<RoutingEntry> v6 = new ArrayList<>();
        for (DhtnodeProcess d : net.dhtnodes()) {
            var tables = d.routingTables();
            v4.addAll(tables.ipv4());
            v6.addAll(tables.ipv6());
        }
        for (DhtRunner c : net.carillons()) {
            assertThat(v4)
                    .as("Carillon %s in a dhtnode's IPv4 table", c.nodeId())
                    .anySatisfy(e -> {
                        assertThat(e.id()).isEqualTo(c.nodeId());
                        assertThat(e.address()).isEqualTo("127.0.0.1:" + c.port());
                    });
        }
        assertThat(v6)
                .as("a Carillon node in a dhtnode's IPv6 table at [::1]")
                .anySatisfy(e -> assertThat(net.carillons().stream()
                                .anyMatch(c ->
                                        e.id().equals(c.nodeId()) && e.address().equals("[::1]:" + c.port())))
                        .isTrue());
    }

    /** What each value of {@link #valuesOfManySizesAndTypesPutByCarillonAreReadByDhtnodeAndPython} is. */
    private record Spec(String name, int type, String userType, byte[] data) {
        Value value() {
            return Value.of(0, type, data, userType);
        }
    }

    @Test
    void valuesOfManySizesAndTypesPutByCarillonAreReadByDhtnodeAndPython() throws Exception {
        Random random = new Random(4);
        List<Spec> specs = List.of(
                new Spec("text-5", 0, "text/plain", text(random, 5)),
                new Spec("binary-16", 0, "", bytes(random, 16)),
                new Spec("inline-500", 0, "text/plain", text(random, 500)),
                new Spec("one-part-1000", 0, "application/octet-stream", bytes(random, 1000)),
                new Spec("two-parts-1281", 0, "text/plain", text(random, 1281)),
                new Spec("three-parts-3000", 0, "application/octet-stream", bytes(random, 3000)),
                new Spec("parts-20000", 0, "text/plain", text(random, 20_000)),
                new Spec("near-max-65000", 0, "text/plain", text(random, 65_000)),
                new Spec("type-1-dht-message", 1, "text/plain", text(random, 40)),
                new Spec("type-3-im-message", 3, "text/plain", text(random, 40)),
                new Spec("type-5-ice", 5, "", bytes(random, 200)),
                new Spec("type-42-unregistered", 42, "application/x-carillon", bytes(random, 2000)));

        List<CompletableFuture<Long>> puts = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            Spec s = specs.get(i);
            puts.add(net.carillon(i % CARILLONS).put(key("sizes-" + s.name), s.value()));
        }
        List<Long> ids = new ArrayList<>();
        for (CompletableFuture<Long> put : puts) {
            ids.add(put.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }

        for (int i = 0; i < specs.size(); i++) {
            Spec s = specs.get(i);
            long id = ids.get(i);
            InfoHash key = key("sizes-" + s.name);
            DhtnodeProcess d = dhtnodeNotStoring(key, i);

            int mark = d.mark();
            GetResult got = d.get(key.toString(), WAIT);
            assertThat(got.completed()).as("%s: dhtnode get completed", s.name).isTrue();
            assertThat(got.values()).as("%s on %s", s.name, d).singleElement().satisfies(v -> {
                assertThat(v.id()).isEqualTo(id);
                assertThat(v.userType()).isEqualTo(s.userType);
                assertThat(v.rendered()).isEqualTo(consoleRendering(s));
            });
            assertThat(carillonNodesThatServed(d, mark, key))
                    .as("%s: Carillon storage nodes that sent the value to %s", s.name, d)
                    .isNotEmpty();
            QueryResult types = d.query(key.toString(), "SELECT id,value_type", WAIT);
            assertThat(types.rows())
                    .as("%s: id and type seen by a dhtnode query", s.name)
                    .contains(Map.of("Id", Long.toUnsignedString(id, 16), "ValueType", Integer.toString(s.type)));

            List<PeerValue> py = net.python().get(key.toString(), WAIT);
            assertThat(py).as("%s: python get", s.name).singleElement().satisfies(v -> {
                assertThat(v.id()).isEqualTo(id);
                assertThat(v.data()).isEqualTo(s.data);
                assertThat(v.userType()).isEqualTo(s.userType);
            });
        }
    }

    /**
     * The putters are not storage nodes of the key: a Carillon node does not keep the values it
     * puts (OpenDHT's {@code Dht::put} stores them locally too), so a putter among the key's
     * closest nodes would hold the others' values only, and dhtnode 2.4.12's {@code q} prints
     * only the rows of the first answer that has any ({@code Dht::query} drops later rows with
     * the same fields: {@code FieldValueIndex::containedIn} compares field names, not values).
     * With putters chosen by index that made the query below miss a row in 2 runs of 24.
     */
    @Test
    void dhtnodeAndPythonFilterCarillonValuesWithWhereAndSelect() throws Exception {
        InfoHash key = key("carillon-where");
        byte[] binary = bytes(new Random(5), 48);
        List<DhtRunner> putters = net.carillonsFarFrom(key, 3);
        long alpha = putters.get(0).put(key, text("alpha", 0)).get(20, TimeUnit.SECONDS);
        long beta = putters.get(1).put(key, text("beta", 5)).get(20, TimeUnit.SECONDS);
        long gamma = putters.get(2)
                .put(key, Value.of(0, 42, binary, "application/x-carillon"))
                .get(20, TimeUnit.SECONDS);
        String k = key.toString();
        DhtnodeProcess d = dhtnodeNotStoring(key, 6);
        int mark = d.mark();

        assertThat(ids(d.getWhere(k, "", WAIT))).containsExactlyInAnyOrder(alpha, beta, gamma);
        assertThat(ids(d.getWhere(k, "WHERE id=" + Long.toUnsignedString(alpha), WAIT)))
                .containsExactly(alpha);
        assertThat(ids(d.getWhere(k, "WHERE value_type=5", WAIT))).containsExactly(beta);
        assertThat(ids(d.getWhere(k, "WHERE user_type=application/x-carillon", WAIT)))
                .containsExactly(gamma);
        assertThat(ids(d.getWhere(k, "WHERE value_type=0,user_type=text/plain", WAIT)))
                .containsExactly(alpha);
        assertThat(carillonNodesThatServed(d, mark, key))
                .as("Carillon storage nodes answered the filtered gets")
                .isNotEmpty();

        QueryResult q = d.query(k, "SELECT id,value_type WHERE user_type=text/plain", WAIT);
        assertThat(q.completed()).isTrue();
        assertThat(q.rows())
                .containsExactlyInAnyOrder(
                        Map.of("Id", Long.toUnsignedString(alpha, 16), "ValueType", "0"),
                        Map.of("Id", Long.toUnsignedString(beta, 16), "ValueType", "5"));
        QueryResult userTypes = d.query(k, "SELECT user_type WHERE value_type=42", WAIT);
        assertThat(userTypes.rows()).containsExactly(Map.of("UserType", "application/x-carillon"));

        PythonOpendhtNode py = net.python();
        assertThat(py.getWhere(k, "WHERE value_type=42", WAIT)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo(gamma);
            assertThat(v.data()).isEqualTo(binary);
        });
        assertThat(py.getWhere(k, "WHERE id=" + Long.toUnsignedString(beta), WAIT))
                .extracting(PeerValue::id)
                .containsExactly(beta);
    }

    @Test
    void carillonFiltersDhtnodeAndPythonValuesWithWhereAndSelect() throws Exception {
        InfoHash key = key("dhtnode-where");
        String k = key.toString();
        PutResult one = net.dhtnode(2).put(k, "one_from_dhtnode");
        PutResult two = net.dhtnode(7).put(k, "two_from_dhtnode");
        assertThat(one.success()).as(one.line()).isTrue();
        assertThat(two.success()).as(two.line()).isTrue();
        byte[] data = bytes(new Random(6), 64);
        var py = net.python().putValue(k, data, 5, "application/x-python", WAIT);
        assertThat(py.ok()).isTrue();

        DhtRunner c = carillonNotStoring(key);
        assertThat(c.get(key).get(20, TimeUnit.SECONDS))
                .extracting(Value::id)
                .containsExactlyInAnyOrder(one.valueId(), two.valueId(), py.valueId());
        List<Value> byId = c.get(key, where(Condition.id(one.valueId()))).get(20, TimeUnit.SECONDS);
        assertThat(byId).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo(one.valueId());
            assertThat(new String(v.data(), StandardCharsets.UTF_8)).isEqualTo("one_from_dhtnode");
            assertThat(v.userType()).isEqualTo("text/plain");
            assertThat(v.type()).isZero();
        });
        assertThat(c.get(key, where(Condition.userType("text/plain"))).get(20, TimeUnit.SECONDS))
                .extracting(Value::id)
                .containsExactlyInAnyOrder(one.valueId(), two.valueId());
        assertThat(c.get(key, where(Condition.valueType(5))).get(20, TimeUnit.SECONDS))
                .singleElement()
                .satisfies(v -> {
                    assertThat(v.id()).isEqualTo(py.valueId());
                    assertThat(v.data()).isEqualTo(data);
                    assertThat(v.userType()).isEqualTo("application/x-python");
                });

        List<Map<Field, Object>> rows = c.query(
                        key, new Query(List.of(Field.ID, Field.VALUE_TYPE, Field.USER_TYPE), List.of()))
                .get(20, TimeUnit.SECONDS);
        assertThat(rows)
                .containsExactlyInAnyOrder(
                        row(one.valueId(), 0, "text/plain"),
                        row(two.valueId(), 0, "text/plain"),
                        row(py.valueId(), 5, "application/x-python"));
        List<Map<Field, Object>> ofType5 = c.query(key, new Query(List.of(Field.ID), List.of(Condition.valueType(5))))
                .get(20, TimeUnit.SECONDS);
        assertThat(ofType5).containsExactly(Map.of(Field.ID, py.valueId()));
    }

    @Test
    void carillonListensAndHearsDhtnodeAndPythonPuts() throws Exception {
        InfoHash key = key("carillon-listens");
        RecordingListener all = new RecordingListener();
        RecordingListener textOnly = new RecordingListener();
        DhtRunner listening = net.carillonFarFrom(key);
        try (ListenHandle l1 = listening.listen(key, Query.ALL, all);
                ListenHandle l2 = listening.listen(key, where(Condition.userType("text/plain")), textOnly)) {
            awaitListening(listening, key);

            PutResult fromDhtnode = net.dhtnode(4).put(key.toString(), "pushed_by_dhtnode");
            assertThat(fromDhtnode.success()).isTrue();
            byte[] data = bytes(new Random(7), 2500); // fragmented push
            var fromPython = net.python().putValue(key.toString(), data, 0, "", WAIT);
            assertThat(fromPython.ok()).isTrue();

            Value pushed = all.awaitNew(fromDhtnode.valueId(), WAIT).values().stream()
                    .filter(v -> v.id() == fromDhtnode.valueId())
                    .findFirst()
                    .orElseThrow();
            assertThat(new String(pushed.data(), StandardCharsets.UTF_8)).isEqualTo("pushed_by_dhtnode");
            assertThat(pushed.userType()).isEqualTo("text/plain");
            Value big = all.awaitNew(fromPython.valueId(), WAIT).values().stream()
                    .filter(v -> v.id() == fromPython.valueId())
                    .findFirst()
                    .orElseThrow();
            assertThat(big.data()).isEqualTo(data);

            assertThat(listening.storedValues()).doesNotContainKey(key); // so both came in update pushes
            textOnly.awaitNew(fromDhtnode.valueId(), WAIT);
            // the python value was pushed to the unfiltered listener above; the filtered one never sees it
            assertThat(textOnly.newValues()).extracting(Value::id).doesNotContain(fromPython.valueId());
            assertThat(all.newValues()).extracting(Value::id).doesNotHaveDuplicates();
        }
    }

    @Test
    void dhtnodeAndPythonListenersHearCarillonPuts() throws Exception {
        InfoHash key = key("dhtnode-listens");
        DhtnodeProcess d = net.dhtnode(8);
        int mark = d.mark();
        d.listen(key);
        try (PythonOpendhtNode.Listen py = net.python().listen(key)) {
            long small = net.carillon(1).put(key, text("pushed_by_carillon", 0)).get(20, TimeUnit.SECONDS);
            byte[] data = bytes(new Random(8), 4000);
            long large = net.carillon(2)
                    .put(key, Value.of(0, 0, data, "application/octet-stream"))
                    .get(20, TimeUnit.SECONDS);

            var event = d.awaitListenValue(mark, "pushed_by_carillon", WAIT);
            assertThat(event.values())
                    .filteredOn(v -> v.id() == small)
                    .singleElement()
                    .extracting(ConsoleValue::userType)
                    .isEqualTo("text/plain");
            d.awaitListenEvent(mark, e -> !e.expired() && e.values().stream().anyMatch(v -> v.id() == large), WAIT);
            assertThat(d.listenEvents(mark).stream()
                            .flatMap(e -> e.values().stream())
                            .filter(v -> v.id() == large)
                            .findFirst()
                            .orElseThrow()
                            .rendered())
                    .isEqualTo("4000 bytes");

            assertThat(py.awaitValue("pushed_by_carillon".getBytes(StandardCharsets.UTF_8), WAIT)
                            .value()
                            .id())
                    .isEqualTo(small);
            assertThat(py.awaitValue(data, WAIT).value().id()).isEqualTo(large);
        }
    }

    @Test
    void carillonNodeWithOnlyAnIpv6SocketWorksWithDhtnodesOverLoopbackIpv6() throws Exception {
        DhtRunner c6 = net.ipv6Only();
        assertThat(c6.routingTable(Family.IPV4)).isEmpty();
        List<NodeInfo> table = c6.routingTable(Family.IPV6);
        assertThat(ids(table))
                .containsAnyElementsOf(
                        net.dhtnodes().stream().map(DhtnodeProcess::nodeId).toList());
        assertThat(table).allSatisfy(n -> assertThat(n.address().getAddress()).isEqualTo(Loopback.IPV6));

        // Carillon over IPv6 -> dhtnode and python (python only has IPv4: the storage nodes bridge)
        InfoHash put = key("ipv6-put");
        long id = c6.put(put, text("put_over_ipv6", 0)).get(20, TimeUnit.SECONDS);
        assertThat(net.dhtnode(1).get(put.toString(), WAIT).values())
                .singleElement()
                .satisfies(v -> {
                    assertThat(v.id()).isEqualTo(id);
                    assertThat(v.text()).isEqualTo("put_over_ipv6");
                });
        assertThat(net.python().get(put.toString(), WAIT))
                .extracting(PeerValue::id)
                .containsExactly(id);

        // dhtnode -> Carillon over IPv6: get, where, listen
        InfoHash got = key("ipv6-get");
        PutResult p = net.dhtnode(3).put(got.toString(), "for_the_ipv6_node");
        assertThat(p.success()).isTrue();
        assertThat(c6.get(got).get(20, TimeUnit.SECONDS)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo(p.valueId());
            assertThat(new String(v.data(), StandardCharsets.UTF_8)).isEqualTo("for_the_ipv6_node");
        });
        assertThat(c6.get(got, where(Condition.id(p.valueId() + 1))).get(20, TimeUnit.SECONDS))
                .isEmpty();

        InfoHash listened = key("ipv6-listen");
        RecordingListener listener = new RecordingListener();
        try (ListenHandle h = c6.listen(listened, Query.ALL, listener)) {
            awaitListening(c6, listened);
            PutResult pushed = net.dhtnode(9).put(listened.toString(), "pushed_over_ipv6");
            assertThat(pushed.success()).isTrue();
            listener.awaitNew(pushed.valueId(), WAIT);
        }

        // Every search of this node ran on IPv6 and reached nodes there.
        List<SearchStatus> searches = c6.searches();
        assertThat(searches).isNotEmpty().allSatisfy(s -> assertThat(s.family()).isEqualTo(Family.IPV6));
        assertThat(searches)
                .filteredOn(s -> s.key().equals(put) || s.key().equals(got))
                .hasSize(2)
                .allSatisfy(s -> assertThat(s.nodes()).isPositive());
        var metrics = c6.metrics();
        assertThat(metrics.packetsOut()).containsKeys("get", "put", "listen");
        assertThat(metrics.packetsIn().getOrDefault("update", 0L)).isPositive();

        // And a dhtnode lists the IPv6-only node as a good IPv6 node at [::1].
        MixedNetwork.await(
                "the IPv6-only Carillon node good in a dhtnode's IPv6 table",
                () -> net.dhtnodes().stream()
                        .flatMap(d -> d.routingTables().ipv6().stream())
                        .anyMatch(e -> e.id().equals(c6.nodeId())
                                && e.good()
                                && e.address().equals("[::1]:" + c6.port())),
                () -> "",
                WAIT);
    }

    @Test
    void dualStackCarillonSearchesRunOnBothFamilies() throws Exception {
        DhtRunner c = net.carillon(0);
        InfoHash key = key("both-families");
        PutResult p = net.dhtnode(5).put(key.toString(), "seen_on_both");
        assertThat(p.success()).isTrue();
        assertThat(c.get(key).get(20, TimeUnit.SECONDS)).extracting(Value::id).containsExactly(p.valueId());
        assertThat(c.searches())
                .filteredOn(s -> s.key().equals(key))
                .extracting(SearchStatus::family)
                .containsExactlyInAnyOrder(Family.IPV4, Family.IPV6);
        assertThat(c.searches())
                .filteredOn(s -> s.key().equals(key))
                .allSatisfy(s -> assertThat(s.nodes()).isPositive());
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A dhtnode that does not store {@code key} itself (its {@code ld} does not list it), trying
     * them in turn from {@code first}: its get must fetch the values over the network.
     */
    private DhtnodeProcess dhtnodeNotStoring(InfoHash key, int first) {
        for (int i = 0; i < DHTNODES; i++) {
            DhtnodeProcess d = net.dhtnode((first + i) % DHTNODES);
            if (!d.storage().containsKey(key)) {
                return d;
            }
        }
        throw new AssertionError("every dhtnode stores " + key);
    }

    /** A Carillon node that does not store {@code key}: its get only has what other nodes send. */
    private DhtRunner carillonNotStoring(InfoHash key) {
        return net.carillons().stream()
                .filter(c -> !c.storedValues().containsKey(key))
                .findFirst()
                .orElseThrow(() -> new AssertionError("every Carillon node stores " + key));
    }

    /**
     * Carillon nodes from which dhtnode {@code d}'s search for {@code key} received whole values
     * since {@code mark}: dhtnode logs {@code [search K] [node ID ADDR] found N values} for each
     * get reply carrying N values (N is 0 for the id-only first page of a paginated get).
     */
    private List<InfoHash> carillonNodesThatServed(DhtnodeProcess d, int mark, InfoHash key) {
        Pattern found =
                Pattern.compile("\\[search " + key + "\\] \\[node ([0-9a-f]{40}) \\S+\\] found [1-9]\\d* values");
        List<InfoHash> carillonIds =
                new ArrayList<>(net.carillons().stream().map(DhtRunner::nodeId).toList());
        carillonIds.add(net.ipv6Only().nodeId());
        List<InfoHash> served = new ArrayList<>();
        for (String line : d.output().since(mark)) {
            Matcher m = found.matcher(line);
            if (m.find() && carillonIds.contains(InfoHash.fromHex(m.group(1)))) {
                served.add(InfoHash.fromHex(m.group(1)));
            }
        }
        return served;
    }

    static InfoHash key(String name) {
        return InfoHash.fromUserKey("carillon-interop-" + name);
    }

    static Value text(String text, int type) {
        return Value.of(0, type, text.getBytes(StandardCharsets.UTF_8), "text/plain");
    }

    private static Query where(Condition c) {
        return new Query(List.of(), List.of(c));
    }

    private static Map<Field, Object> row(long id, int type, String userType) {
        return Map.of(Field.ID, id, Field.VALUE_TYPE, (long) type, Field.USER_TYPE, userType);
    }

    /** Printable text without spaces or quotes (the console prints text/plain values verbatim). */
    static byte[] text(Random random, int length) {
        byte[] b = new byte[length];
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_-";
        for (int i = 0; i < length; i++) {
            b[i] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return b;
    }

    static byte[] bytes(Random random, int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    /** How OpenDHT's {@code operator<<(Value)} prints the data: text, hex below 1024 bytes, else the size. */
    private static String consoleRendering(Spec s) {
        if (s.userType.equals("text/plain")) {
            return "\"" + new String(s.data, StandardCharsets.UTF_8) + "\"";
        }
        return s.data.length < 1024 ? HexFormat.of().formatHex(s.data) : s.data.length + " bytes";
    }

    private static List<Long> ids(GetResult r) {
        assertThat(r.completed()).isTrue();
        return r.values().stream().map(ConsoleValue::id).toList();
    }

    private static List<InfoHash> ids(List<NodeInfo> nodes) {
        return nodes.stream().map(NodeInfo::id).toList();
    }

    /**
     * Waits until the listen's search has synced nodes, i.e. its listen requests are sent. (A
     * value put before they arrive is still reported: storage nodes push what they hold to a new
     * listener.)
     */
    static void awaitListening(DhtRunner c, InfoHash key) {
        MixedNetwork.await(
                "listen on " + key + " placed by " + c.nodeId(),
                () -> c.searches().stream().anyMatch(s -> s.key().equals(key) && s.listens() > 0 && s.synced() > 0),
                () -> c.searches().toString(),
                WAIT);
    }
}
