package org.carillon.dht.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.carillon.dht.Field;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.wire.Message.ErrorReply;
import org.carillon.dht.wire.Message.Find;
import org.carillon.dht.wire.Message.Get;
import org.carillon.dht.wire.Message.Listen;
import org.carillon.dht.wire.Message.Ping;
import org.carillon.dht.wire.Message.Projection;
import org.carillon.dht.wire.Message.Put;
import org.carillon.dht.wire.Message.Refresh;
import org.carillon.dht.wire.Message.Reply;
import org.carillon.dht.wire.Message.Update;
import org.carillon.dht.wire.Message.UpdateIds;
import org.carillon.dht.wire.Message.ValueParts;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ImmutableValue;
import org.msgpack.value.MapValue;

/**
 * encode → decode (→ reassemble value parts → assemble) is the identity on packets, for
 * every message kind, and every datagram the encoder writes is canonical MessagePack as
 * msgpack-c writes it (checked against msgpack-core).
 */
class WireRoundTripProperties {
    private static final int TRIES = 300;

    // ---------------------------------------------------------------- round trips, one per kind

    @Property(tries = TRIES)
    void ping(@ForAll("pings") Packet p) {
        assertRoundTrips(p);
    }

    @Property(tries = TRIES)
    void find(@ForAll("finds") Packet p) {
        assertRoundTrips(p);
    }

    @Property(tries = TRIES)
    void get(@ForAll("gets") Packet p) {
        Statistics.label("query")
                .collect(((Get) p.message()).query() == null ? "none" : "select/where")
                .coverage(c -> {
                    c.check("none").count(n -> n > 0);
                    c.check("select/where").count(n -> n > 0);
                });
        assertRoundTrips(p);
    }

    /** Puts with small values: inline exactly when below 50 values and 600 packed bytes. */
    @Property(tries = TRIES)
    void putInline(@ForAll("inlinePuts") Packet p) {
        List<byte[]> datagrams = assertRoundTrips(p);
        assertFragmentationRule(((Put) p.message()).values(), datagrams);
    }

    /** Puts whose values are too large or too many: a header with sizes, then value parts. */
    @Property(tries = 200)
    void putFragmented(@ForAll("fragmentedPuts") Packet p) {
        List<byte[]> datagrams = assertRoundTrips(p);
        assertThat(datagrams).hasSizeGreaterThan(1);
        assertFragmentationRule(((Put) p.message()).values(), datagrams);
    }

    @Property(tries = TRIES)
    void refresh(@ForAll("refreshes") Packet p) {
        assertRoundTrips(p);
    }

    @Property(tries = TRIES)
    void listen(@ForAll("listens") Packet p) {
        Statistics.label("query")
                .collect(((Listen) p.message()).query() == null ? "none" : "query")
                .coverage(c -> {
                    c.check("none").count(n -> n > 0);
                    c.check("query").count(n -> n > 0);
                });
        assertRoundTrips(p);
    }

    @Property(tries = TRIES)
    void update(@ForAll("updates") Packet p) {
        List<byte[]> datagrams = assertRoundTrips(p);
        assertFragmentationRule(((Update) p.message()).values(), datagrams);
    }

    @Property(tries = TRIES)
    void updateIds(@ForAll("updateIds") Packet p) {
        Statistics.label("kind").collect(((UpdateIds) p.message()).kind()).coverage(c -> {
            c.check(UpdateIds.Kind.REFRESHED).count(n -> n > 0);
            c.check(UpdateIds.Kind.EXPIRED).count(n -> n > 0);
        });
        assertRoundTrips(p);
    }

    @Property(tries = TRIES)
    void reply(@ForAll("replies") Packet p) {
        Reply r = (Reply) p.message();
        for (NodeInfo n : r.nodes4()) {
            assertThat(n.address().getAddress().getAddress()).hasSize(4);
        }
        for (NodeInfo n : r.nodes6()) {
            assertThat(n.address().getAddress().getAddress()).hasSize(16);
        }
        List<byte[]> datagrams = assertRoundTrips(p);
        assertFragmentationRule(r.values(), datagrams);
    }

    @Property(tries = TRIES)
    void errorReply(@ForAll("errors") Packet p) {
        assertRoundTrips(p);
    }

    @Property(tries = TRIES)
    void valueParts(@ForAll("valueParts") Packet p) {
        assertRoundTrips(p);
    }

    /** Every datagram, header or fragment, is one canonical msgpack map as msgpack-c writes it. */
    @Property(tries = 500)
    void everyDatagramIsOneCanonicalMsgpackMap(@ForAll("anyPacket") Packet p) throws IOException {
        for (byte[] datagram : WireCodec.encode(p)) {
            assertCanonicalMsgpack(datagram);
        }
        for (Value v : valuesOf(p.message())) {
            assertCanonicalMsgpack(WireEncoder.packValue(v));
            assertCanonicalMsgpack(WireCodec.toSignBytes(v));
        }
    }

    /** The examples the generators must cover, pinned so a weakened generator cannot hide them. */
    @Example
    void edgeCasesRoundTrip() throws Exception {
        InfoHash a = InfoHash.fromHex("00112233445566778899aabbccddeeff00112233");
        InfoHash b = InfoHash.fromHex("ffeeddccbbaa99887766554433221100ffeeddcc");
        long bigId = Long.parseUnsignedLong("17321408955565057253"); // >= 2^63: 0xcf on the wire
        Value signed = new Value(
                bigId, 65535, 65535, new byte[] {1, 2}, "text/plain", new byte[550], b, new byte[512], null, 7);
        Value encrypted = new Value(-1L, 0, 0, new byte[0], "", null, null, null, new byte[1697], 3);
        InetAddress mapped =
                Inet6Address.getByAddress(null, HexFormat.of().parseHex("00000000000000000000ffff7f000001"), -1);
        List<Packet> packets = List.of(
                new Packet(0xffff_ffffL, 0xffff_ffffL, null, true, new Ping(a)),
                new Packet(0, 42, "RNG1", false, new Put(a, b, List.of(signed, encrypted), bigId, new byte[32])),
                new Packet(
                        1,
                        0,
                        "RNG1",
                        false,
                        new Reply(
                                a,
                                bigId,
                                mapped,
                                List.of(new NodeInfo(b, new InetSocketAddress(InetAddress.getByName("1.2.3.4"), 0))),
                                List.of(new NodeInfo(b, new InetSocketAddress(mapped, 65535))),
                                new byte[0],
                                List.of(),
                                null)),
                new Packet(2, 0, "o2", false, new UpdateIds(a, 0, new byte[0], UpdateIds.Kind.EXPIRED, List.of())));
        for (Packet p : packets) {
            assertRoundTrips(p);
        }
    }

    // ---------------------------------------------------------------- checks

    private static List<byte[]> assertRoundTrips(Packet p) {
        List<byte[]> datagrams = WireCodec.encode(p);
        Packet back = Reassembly.receive(datagrams);
        assertThat(back).isEqualTo(p);
        // and the decoded packet encodes to the very same bytes
        List<byte[]> again = WireCodec.encode(back);
        assertThat(again).hasSameSizeAs(datagrams);
        for (int i = 0; i < datagrams.size(); i++) {
            assertThat(again.get(i)).isEqualTo(datagrams.get(i));
        }
        return datagrams;
    }

    /** §7: inline below 50 values and 600 packed bytes, otherwise one part per 1280-byte slice. */
    private static void assertFragmentationRule(List<Value> values, List<byte[]> datagrams) {
        int total = 0;
        int slices = 0;
        for (Value v : values) {
            int size = WireCodec.packedSize(v);
            total += size;
            slices += (size + 1279) / 1280;
        }
        boolean fragmented = values.size() >= 50 || total >= 600;
        Statistics.label("fragmented").collect(fragmented);
        assertThat(datagrams).hasSize(fragmented ? 1 + slices : 1);
    }

    /**
     * Parses {@code bytes} with msgpack-core, requires exactly one map with distinct str keys,
     * all of whose integers are unsigned, and re-packs it with msgpack-core's packer (smallest encodings, str8 for
     * 32..255-byte strings): the bytes must be identical.
     */
    private static void assertCanonicalMsgpack(byte[] bytes) throws IOException {
        ImmutableValue v;
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(bytes)) {
            v = u.unpackValue();
            assertThat(u.hasNext()).as("trailing bytes after the map").isFalse();
        }
        assertThat(v.isMapValue()).as("top level is a map").isTrue();
        MapValue map = (MapValue) v;
        assertThat(map.keySet()).as("distinct keys").hasSize(map.size());
        for (var key : map.keySet()) {
            assertThat(key.isStringValue()).as("key %s is a str", key).isTrue();
        }
        assertUnsigned(v);
        try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
            packer.packValue(v);
            assertThat(HexFormat.of().formatHex(packer.toByteArray()))
                    .as("msgpack-core re-packs to the same bytes")
                    .isEqualTo(HexFormat.of().formatHex(bytes));
        }
    }

    private static void assertUnsigned(org.msgpack.value.Value v) {
        if (v.isIntegerValue()) {
            assertThat(v.asIntegerValue().asBigInteger())
                    .as("integers are unsigned")
                    .isGreaterThanOrEqualTo(BigInteger.ZERO);
        } else if (v.isArrayValue()) {
            v.asArrayValue().forEach(WireRoundTripProperties::assertUnsigned);
        } else if (v.isMapValue()) {
            v.asMapValue().entrySet().forEach(e -> {
                assertUnsigned(e.getKey());
                assertUnsigned(e.getValue());
            });
        }
    }

    private static List<Value> valuesOf(Message m) {
        if (m instanceof Put p) {
            return p.values();
        }
        if (m instanceof Update u) {
            return u.values();
        }
        if (m instanceof Reply r) {
            return r.values();
        }
        return List.of();
    }

    // ---------------------------------------------------------------- packets

    @Provide
    Arbitrary<Packet> pings() {
        return packets(hashes().map(Ping::new));
    }

    @Provide
    Arbitrary<Packet> finds() {
        return packets(Combinators.combine(hashes(), hashes(), wants()).as(Find::new));
    }

    @Provide
    Arbitrary<Packet> gets() {
        return packets(Combinators.combine(hashes(), keys(), queries().injectNull(0.3), wants())
                .as(Get::new));
    }

    @Provide
    Arbitrary<Packet> inlinePuts() {
        return packets(Combinators.combine(hashes(), keys(), smallValues(), created(), tokens())
                .as(Put::new));
    }

    @Provide
    Arbitrary<Packet> fragmentedPuts() {
        return packets(Combinators.combine(hashes(), hashes(), largeValues(), created(), tokens())
                .as(Put::new));
    }

    @Provide
    Arbitrary<Packet> refreshes() {
        return packets(
                Combinators.combine(hashes(), hashes(), valueIds(), tokens()).as(Refresh::new));
    }

    @Provide
    Arbitrary<Packet> listens() {
        return packets(Combinators.combine(
                        hashes(),
                        versions(),
                        keys(),
                        tokens(),
                        uint32(),
                        queries().injectNull(0.4))
                .as(Listen::new));
    }

    @Provide
    Arbitrary<Packet> updates() {
        return packets(Combinators.combine(
                        hashes(),
                        versions(),
                        hashes(),
                        uint32(),
                        Arbitraries.oneOf(smallValues(), largeValues()),
                        created(),
                        tokens())
                .as(Update::new));
    }

    @Provide
    Arbitrary<Packet> updateIds() {
        return packets(Combinators.combine(
                        hashes(),
                        uint32(),
                        tokens(),
                        Arbitraries.of(UpdateIds.Kind.class),
                        valueIds().list().ofMaxSize(20))
                .as(UpdateIds::new));
    }

    @Provide
    Arbitrary<Packet> replies() {
        Arbitrary<List<Value>> values = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(List.<Value>of())),
                Tuple.of(3, smallValues()),
                Tuple.of(1, largeValues()));
        return packets(Combinators.combine(
                        hashes(),
                        valueIds().injectNull(0.5),
                        addresses().injectNull(0.2),
                        nodes(ipv4()).list().ofMaxSize(9),
                        nodes(ipv6()).list().ofMaxSize(9),
                        blobs(40).injectNull(0.3),
                        values,
                        projections().injectNull(0.7))
                .as(Reply::new));
    }

    @Provide
    Arbitrary<Packet> errors() {
        Arbitrary<Integer> codes = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(203, 401, 404)),
                Tuple.of(1, Arbitraries.integers().greaterOrEqual(0)),
                Tuple.of(1, Arbitraries.integers()));
        return packets(Combinators.combine(hashes(), codes, text(300)).as(ErrorReply::new));
    }

    /** Value parts carry neither agent nor client flag (§7), only tid and network. */
    @Provide
    Arbitrary<Packet> valueParts() {
        Arbitrary<ValueParts.Part> part = Combinators.combine(
                        Arbitraries.integers().between(0, WireDecoder.MAX_PACKED_VALUE), blobs(1400))
                .as(ValueParts.Part::new);
        Arbitrary<Map<Integer, ValueParts.Part>> parts = Arbitraries.maps(
                        Arbitraries.integers().between(0, 0xffff), part)
                .ofMinSize(1)
                .ofMaxSize(3);
        return Combinators.combine(uint32(), networks(), parts)
                .as((tid, network, ps) -> new Packet(tid, network, null, false, new ValueParts(ps)));
    }

    @Provide
    Arbitrary<Packet> anyPacket() {
        return Arbitraries.oneOf(List.of(
                pings(),
                finds(),
                gets(),
                inlinePuts(),
                fragmentedPuts(),
                refreshes(),
                listens(),
                updates(),
                updateIds(),
                replies(),
                errors(),
                valueParts()));
    }

    private static <M extends Message> Arbitrary<Packet> packets(Arbitrary<M> messages) {
        Arbitrary<String> agents = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(Packet.DEFAULT_AGENT)),
                Tuple.of(2, Arbitraries.just((String) null)),
                Tuple.of(1, text(40)));
        return Combinators.combine(uint32(), networks(), agents, Arbitraries.of(false, true), messages)
                .as(Packet::new);
    }

    // ---------------------------------------------------------------- values

    private record Signing(int seq, byte[] owner, byte[] signature) {}

    /** Clear (unsigned, signed, addressed), or encrypted; any priority and user type. */
    private static Arbitrary<Value> values(int maxData, int maxKey) {
        Arbitrary<Signing> signing = Combinators.combine(uint16(), blobs(1, maxKey), blobs(1, maxKey))
                .as(Signing::new);
        Arbitrary<Value> clear = Combinators.combine(
                        valueIds(),
                        uint16(),
                        blobs(maxData),
                        userTypes(),
                        signing.injectNull(0.5),
                        hashes().injectNull(0.7),
                        priorities())
                .as((id, type, data, utype, s, to, prio) -> s == null
                        ? new Value(id, 0, type, data, utype, null, to, null, null, prio)
                        : new Value(id, s.seq(), type, data, utype, s.owner(), to, s.signature(), null, prio));
        Arbitrary<Value> encrypted = Combinators.combine(valueIds(), blobs(maxData + maxKey), priorities())
                .as((id, cypher, prio) -> new Value(id, 0, 0, new byte[0], "", null, null, null, cypher, prio));
        return Arbitraries.frequencyOf(Tuple.of(3, clear), Tuple.of(1, encrypted));
    }

    /** Mostly under the inline limits, sometimes just over (the rule is checked, not assumed). */
    private static Arbitrary<List<Value>> smallValues() {
        return values(48, 40).list().ofMaxSize(5);
    }

    /** Values that cannot ride inline: one too large, or 50 and more. */
    private static Arbitrary<List<Value>> largeValues() {
        Arbitrary<List<Value>> big = Combinators.combine(
                        values(40, 20).list().ofMaxSize(2),
                        values(3200, 600),
                        values(40, 20).list().ofMaxSize(2))
                .as((before, large, after) -> {
                    List<Value> all = new ArrayList<>(before);
                    // make sure one value is over 600 packed bytes whatever the generator chose
                    all.add(
                            WireCodec.packedSize(large) >= 600
                                    ? large
                                    : large.isEncrypted()
                                            ? Value.encrypted(large.id(), new byte[600])
                                            : Value.of(large.id(), large.type(), new byte[600]));
                    all.addAll(after);
                    return List.copyOf(all);
                });
        Arbitrary<List<Value>> many = values(8, 4).list().ofMinSize(50).ofMaxSize(60);
        return Arbitraries.frequencyOf(Tuple.of(3, big), Tuple.of(1, many));
    }

    private static Arbitrary<Query> queries() {
        Arbitrary<Query.Condition> condition = Arbitraries.oneOf(
                valueIds().map(Query.Condition::id),
                Arbitraries.longs().map(t -> new Query.Condition(Field.VALUE_TYPE, t)),
                hashes().map(h -> new Query.Condition(Field.OWNER_PK, h)),
                blobs(40).map(b -> new Query.Condition(Field.USER_TYPE, b)));
        return Combinators.combine(
                        Arbitraries.of(Field.class).list().ofMaxSize(5),
                        condition.list().ofMaxSize(4))
                .as(Query::new);
    }

    /** {@code fileds}: one row per value, entry types following the field. */
    private static Arbitrary<Projection> projections() {
        return Arbitraries.of(Field.class).list().ofMinSize(1).ofMaxSize(5).flatMap(fields -> {
            List<Arbitrary<Object>> entries = new ArrayList<>();
            for (Field f : fields) {
                entries.add(
                        switch (f) {
                            case ID, VALUE_TYPE, SEQ_NUM -> valueIds().map(l -> (Object) l);
                            case USER_TYPE -> userTypes().map(s -> (Object) s);
                            case OWNER_PK -> blobs(80).map(b -> (Object) b);
                        });
            }
            Arbitrary<List<Object>> row = Combinators.combine(entries).as(l -> l);
            return row.list().ofMaxSize(6).map(rows -> new Projection(fields, rows));
        });
    }

    // ---------------------------------------------------------------- addresses and nodes

    private static Arbitrary<NodeInfo> nodes(Arbitrary<InetAddress> addresses) {
        return Combinators.combine(hashes(), addresses, Arbitraries.integers().between(0, 65535))
                .as((id, ip, port) -> new NodeInfo(id, new InetSocketAddress(ip, port)));
    }

    private static Arbitrary<InetAddress> addresses() {
        return Arbitraries.oneOf(ipv4(), ipv6());
    }

    private static Arbitrary<InetAddress> ipv4() {
        return blobs(4, 4).map(b -> {
            try {
                return (Inet4Address) InetAddress.getByAddress(b);
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
        });
    }

    /** IPv6, including IPv4-mapped and IPv4-compatible addresses, which must stay IPv6. */
    private static Arbitrary<InetAddress> ipv6() {
        Arbitrary<byte[]> any = blobs(16, 16);
        Arbitrary<byte[]> mapped = blobs(4, 4).map(v4 -> {
            byte[] b = new byte[16];
            b[10] = (byte) 0xff;
            b[11] = (byte) 0xff;
            System.arraycopy(v4, 0, b, 12, 4);
            return b;
        });
        Arbitrary<byte[]> loopback = Arbitraries.just(HexFormat.of().parseHex("00000000000000000000000000000001"));
        return Arbitraries.frequencyOf(Tuple.of(6, any), Tuple.of(2, mapped), Tuple.of(1, loopback))
                .map(b -> {
                    try {
                        return (InetAddress) Inet6Address.getByAddress(null, b, -1);
                    } catch (UnknownHostException e) {
                        throw new AssertionError(e);
                    }
                });
    }

    // ---------------------------------------------------------------- scalars

    /** The key {@code h} of get, put and listen: absent now and then (answered with 203). */
    private static Arbitrary<InfoHash> keys() {
        return hashes().injectNull(0.1);
    }

    private static Arbitrary<InfoHash> hashes() {
        return blobs(20, 20).map(InfoHash::of);
    }

    /** Unsigned 64-bit ids: the whole long range, so half of them are >= 2^63. */
    private static Arbitrary<Long> valueIds() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.longs()),
                Tuple.of(
                        1,
                        Arbitraries.of(
                                0L,
                                1L,
                                0x7fL,
                                0x80L,
                                0xffL,
                                0x100L,
                                0xffffL,
                                0x10000L,
                                0xffff_ffffL,
                                0x1_0000_0000L,
                                Long.MAX_VALUE,
                                Long.MIN_VALUE,
                                -1L)));
    }

    private static Arbitrary<Long> uint32() {
        return Arbitraries.longs().between(0, 0xffff_ffffL);
    }

    private static Arbitrary<Long> networks() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(0L)), Tuple.of(1, uint32()));
    }

    private static Arbitrary<Integer> uint16() {
        return Arbitraries.integers().between(0, 0xffff);
    }

    /** Listen protocol version: 1 in practice, any uint32 on the wire. */
    private static Arbitrary<Integer> versions() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(1)), Tuple.of(1, Arbitraries.integers()));
    }

    /** Priorities are uint32 on the wire, held in an int (raw bits above 2^31). */
    private static Arbitrary<Integer> priorities() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(0)), Tuple.of(1, Arbitraries.integers()));
    }

    private static Arbitrary<Long> created() {
        return Arbitraries.longs().between(0, 0xffff_ffffL).injectNull(0.4);
    }

    private static Arbitrary<List<Long>> wants() {
        return Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of(2L, 10L)), Tuple.of(1, valueIds()))
                .list()
                .ofMaxSize(18);
    }

    private static Arbitrary<byte[]> tokens() {
        return blobs(64);
    }

    private static Arbitrary<byte[]> blobs(int max) {
        return blobs(0, max);
    }

    /**
     * Short blobs element by element (they shrink nicely); long ones from a size and a seed, as
     * jqwik's per-byte generation of kilobyte arrays would dominate the run time.
     */
    private static Arbitrary<byte[]> blobs(int min, int max) {
        if (max <= 64) {
            return Arbitraries.bytes().array(byte[].class).ofMinSize(min).ofMaxSize(max);
        }
        return Combinators.combine(Arbitraries.integers().between(min, max), Arbitraries.longs())
                .as((size, seed) -> {
                    byte[] b = new byte[size];
                    new SplittableRandom(seed).nextBytes(b);
                    return b;
                });
    }

    private static Arbitrary<String> userTypes() {
        return Arbitraries.oneOf(Arbitraries.of("", "text/plain", "application/json", "image/png"), text(40));
    }

    /** Well-formed Unicode (no lone surrogates, which UTF-8 cannot carry), short and long. */
    private static Arbitrary<String> text(int max) {
        Arbitrary<String> plain = Arbitraries.strings()
                .withCharRange(' ', '~')
                .withCharRange('\u00a0', '\ud7ff')
                .ofMaxLength(max);
        Arbitrary<String> emoji = Arbitraries.of("\ud83d\ude00", "caf\u00e9 \u2615", "\u65e5\u672c\u8a9e");
        return Arbitraries.frequencyOf(Tuple.of(5, plain), Tuple.of(1, emoji));
    }
}
