package org.carillon.dht.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.carillon.dht.wire.Message.ValueParts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;
import org.msgpack.value.ValueFactory;

/**
 * Hostile datagrams: whatever arrives, {@link WireCodec#decode} and {@link
 * WireCodec#assemble} answer with a {@link DecodeResult} — never an exception, never the
 * codec's own safety net ("decoder fault"), never an out-of-range field — and whatever they
 * accept re-encodes to datagrams that decode to the same packet.
 *
 * <p>All randomness comes from one seed, printed with any failure; rerun a failure with {@code
 * -Dhostile.seed=<seed>}. Together the tests decode about 207 000 datagrams and assemble about 14 000
 * value sets, in a few seconds.
 */
class HostileInputTest {
    private static final long SEED = Long.getLong("hostile.seed", 0x0DD5_EED5_CA11_0C0DL);
    private static final List<String> NAMES = GoldenVectors.NAMES;
    private static final List<byte[]> VECTORS = GoldenVectors.all();

    /** The whole packed value of vector 18 (a 3069-byte put), reassembled from 19–21. */
    private static final byte[] PACKED_VALUE =
            concat(part("19-value-part-0"), part("20-value-part-1"), part("21-value-part-2"));

    private static final String[] KNOWN_KEYS = {
        "t", "y", "q", "a", "r", "e", "p", "u", "v", "n", "s", "id", "h", "target", "values", "token", "vid", "n4",
        "n6", "c", "sa", "exp", "re", "fileds", "w", "ve", "sid", "f", "o", "d", "dat", "body", "sig", "seq", "owner",
        "to", "type", "data", "utype"
    };
    private static final String[] KNOWN_STRINGS = {
        "q", "r", "e", "p", "ping", "find", "get", "put", "refresh", "listen", "update", "RNG1", "text/plain"
    };
    private static final int[] INTERESTING_BYTES = {
        0x00, 0x01, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc9,
        0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd3, 0xd4, 0xd8, 0xd9, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xff
    };

    private final SplittableRandom random;
    private final String testName;
    private int decoded;
    private int assembled;
    private final java.util.Map<String, Integer> outcomes = new java.util.TreeMap<>();

    HostileInputTest(TestInfo info) {
        testName = info.getTestMethod().map(m -> m.getName()).orElse("?");
        random = new SplittableRandom(SEED ^ testName.hashCode());
    }

    @AfterEach
    void report() {
        System.out.printf(
                "%s: %d datagrams decoded, %d assembled (seed %d): %s%n", testName, decoded, assembled, SEED, outcomes);
    }

    // ---------------------------------------------------------------- mutations of real datagrams

    @Test
    void everyTruncationAndEverySuffixOfEveryVector() {
        for (int v = 0; v < VECTORS.size(); v++) {
            byte[] wire = VECTORS.get(v);
            for (int n = 0; n < wire.length; n++) {
                int len = n;
                int vi = v;
                DecodeResult r = feed(Arrays.copyOf(wire, n), () -> NAMES.get(vi) + " truncated to " + len);
                assertThat(r).as("a truncated datagram is never accepted").isInstanceOf(DecodeResult.Rejected.class);
                feed(Arrays.copyOfRange(wire, n + 1, wire.length), () -> NAMES.get(vi) + " without its first bytes");
            }
        }
        assertThat(decoded).isGreaterThanOrEqualTo(23_000);
    }

    @Test
    void everyBitFlipOfEveryVector() {
        for (int v = 0; v < VECTORS.size(); v++) {
            byte[] wire = VECTORS.get(v);
            for (int i = 0; i < wire.length; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    byte[] flipped = wire.clone();
                    flipped[i] ^= (byte) (1 << bit);
                    int vi = v;
                    int at = i;
                    int b = bit;
                    feed(flipped, () -> NAMES.get(vi) + " with bit " + b + " of byte " + at + " flipped");
                }
            }
        }
        assertThat(decoded).isGreaterThanOrEqualTo(90_000);
    }

    /** Each byte replaced by msgpack type bytes (huge lengths, reserved 0xc1, uint64…), twice over. */
    @Test
    void interestingBytesAtEveryPosition() {
        for (int v = 0; v < VECTORS.size(); v++) {
            byte[] wire = VECTORS.get(v);
            for (int i = 0; i < wire.length; i++) {
                for (int k = 0; k < 2; k++) {
                    byte[] changed = wire.clone();
                    int b = INTERESTING_BYTES[random.nextInt(INTERESTING_BYTES.length)];
                    changed[i] = (byte) b;
                    int vi = v;
                    int at = i;
                    feed(changed, () -> NAMES.get(vi) + " with byte " + at + " set to " + Integer.toHexString(b));
                }
            }
        }
        assertThat(decoded).isGreaterThanOrEqualTo(23_000);
    }

    @Test
    void splicesOfTwoVectors() {
        for (int i = 0; i < 10_000; i++) {
            int a = random.nextInt(VECTORS.size());
            int b = random.nextInt(VECTORS.size());
            byte[] x = VECTORS.get(a);
            byte[] y = VECTORS.get(b);
            int cutX = random.nextInt(x.length + 1);
            int cutY = random.nextInt(y.length + 1);
            byte[] spliced = concat(Arrays.copyOf(x, cutX), Arrays.copyOfRange(y, cutY, y.length));
            feed(spliced, () -> NAMES.get(a) + "[0," + cutX + ") + " + NAMES.get(b) + "[" + cutY + ",)");
        }
        assertThat(decoded).isEqualTo(10_000);
    }

    // ---------------------------------------------------------------- random bytes

    @Test
    void randomBytesOfRandomLengths() {
        for (int i = 0; i < 10_000; i++) {
            byte[] b = new byte[random.nextInt(2001)];
            random.nextBytes(b);
            feed(b, () -> "random bytes");
        }
        // the same, behind the real start of a datagram so the parser gets further in
        for (int i = 0; i < 10_000; i++) {
            int v = random.nextInt(VECTORS.size());
            byte[] wire = VECTORS.get(v);
            int keep = random.nextInt(wire.length);
            byte[] tail = new byte[random.nextInt(2001)];
            random.nextBytes(tail);
            feed(concat(Arrays.copyOf(wire, keep), tail), () -> NAMES.get(v) + "[0," + keep + ") + random bytes");
        }
        assertThat(decoded).isEqualTo(20_000);
    }

    // ---------------------------------------------------------------- well-formed msgpack

    /** Real messages as msgpack trees with wrong types, odd integers, missing or extra keys. */
    @Test
    void mutatedMsgpackTreesOfEveryVector() {
        List<Value> trees = new ArrayList<>();
        for (byte[] wire : VECTORS) {
            trees.add(unpack(wire));
        }
        for (int i = 0; i < 25_000; i++) {
            int v = random.nextInt(trees.size());
            Value tree = trees.get(v);
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                tree = mutate(tree, 0);
            }
            Value t = tree;
            feed(pack(tree), () -> NAMES.get(v) + " mutated into " + abbreviate(t));
        }
        assertThat(decoded).isEqualTo(25_000);
        // the mutations reach every corner: accepted, awaiting parts and each kind of refusal
        assertThat(outcomes).containsKeys("Complete", "AwaitingParts", "BAD_FIELD", "MISSING_FIELD", "UNKNOWN_KIND");
    }

    /** Maps built from the protocol's keys with values of random types. */
    @Test
    void randomMsgpackTreesWithKnownKeys() {
        for (int i = 0; i < 10_000; i++) {
            Value tree = randomMessage();
            feed(pack(tree), () -> "random tree " + abbreviate(tree));
        }
        assertThat(decoded).isEqualTo(10_000);
        assertThat(outcomes.getOrDefault("Complete", 0)).isGreaterThan(100);
    }

    /** Declared lengths far beyond the bytes present: rejected before anything is allocated. */
    @Test
    void hugeDeclaredLengths() {
        String[] headers = {
            "ddffffffff", // array32 of 2^32-1
            "dfffffffff", // map32 of 2^32-1
            "c6ffffffff", // bin32
            "dbffffffff", // str32
            "c9ffffffff01", // ext32
            "dcffff", // array16
            "deffff", // map16
            "c5ffff", // bin16
            "daffff", // str16
            "c4ff", // bin8
            "d9ff" // str8
        };
        for (String h : headers) {
            for (int pad = 0; pad < 16; pad++) {
                byte[] alone = concat(HexFormat.of().parseHex(h), new byte[pad]);
                assertRejected(feed(alone, () -> h + " alone"), DecodeError.MALFORMED);
                // in a real message: {"a": {"id": …, "values": <huge>}, …}
                byte[] put = VECTORS.get(NAMES.indexOf("09-put-request-with-created"));
                int at = indexOf(put, HexFormat.of().parseHex("a676616c75657391")) + 7;
                byte[] inPut = concat(Arrays.copyOf(put, at), HexFormat.of().parseHex(h), new byte[pad]);
                assertRejected(feed(inPut, () -> h + " as the values of a put"), DecodeError.MALFORMED);
            }
        }
        // a 10-byte datagram declaring 2^32-1 elements, a thousand times over, allocates nothing large
        byte[] tenBytes = HexFormat.of().parseHex("ddffffffff0000000000");
        for (int i = 0; i < 1_000; i++) {
            assertRejected(feed(tenBytes, () -> "array32 of 2^32-1 in 10 bytes"), DecodeError.MALFORMED);
        }
        // many large elements that are all there: fine, but bounded by the datagram
        byte[] many = concat(HexFormat.of().parseHex("81a178dcffff"), new byte[0xffff]);
        assertRejected(feed(many, () -> "65535 zeros under an unknown key"), DecodeError.MISSING_FIELD);
        assertThat(decoded).isGreaterThanOrEqualTo(1_300);
    }

    @Test
    void deepNesting() {
        for (int depth : new int[] {11, 12, 13, 14, 100, 10_000, 100_000}) {
            ByteArrayOutputStream arrays = new ByteArrayOutputStream();
            ByteArrayOutputStream maps = new ByteArrayOutputStream();
            for (int i = 0; i < depth; i++) {
                arrays.write(0x91);
                maps.writeBytes(HexFormat.of().parseHex("81a161"));
            }
            arrays.write(0xc0);
            maps.write(0xc0);
            DecodeResult a = feed(arrays.toByteArray(), () -> depth + " nested arrays");
            DecodeResult m = feed(maps.toByteArray(), () -> depth + " nested maps");
            if (depth > MsgpackReader.MAX_DEPTH) {
                assertRejected(a, DecodeError.MALFORMED);
                assertRejected(m, DecodeError.MALFORMED);
            } else {
                assertRejected(a, DecodeError.NOT_A_MAP);
            }
            // nested under an unknown key of a real ping: accepted while shallow enough
            byte[] ping = VECTORS.get(0);
            byte[] deepPing = concat(
                    new byte[] {(byte) (ping[0] + 1)},
                    Arrays.copyOfRange(ping, 1, ping.length),
                    HexFormat.of().parseHex("a178"),
                    arrays.toByteArray());
            DecodeResult r = feed(deepPing, () -> "ping with " + depth + " nested arrays under x");
            assertThat(r)
                    .isInstanceOf(
                            depth < MsgpackReader.MAX_DEPTH
                                    ? DecodeResult.Complete.class
                                    : DecodeResult.Rejected.class);
        }
        // random deep trees as the query of a real get request: {a: {id, h, q: <deep>}, …}
        Value get = unpack(VECTORS.get(NAMES.indexOf("05-get-request-select-id")));
        for (int i = 0; i < 2_000; i++) {
            Value deep = randomValue(20 + random.nextInt(20));
            Value[] kvs = get.asMapValue().getKeyValueArray().clone();
            Value[] args = kvs[1].asMapValue().getKeyValueArray().clone();
            assertThat(kvs[0].toString()).isEqualTo("a");
            assertThat(args[4].toString()).isEqualTo("q");
            args[5] = deep;
            kvs[1] = ValueFactory.newMap(args);
            feed(pack(ValueFactory.newMap(kvs)), () -> "get with q = " + abbreviate(deep));
        }
    }

    /** Value sizes, offsets and indices past the protocol's limits; the largest legal ones pass. */
    @Test
    void oversizedValuesAndParts() {
        int max = WireDecoder.MAX_PACKED_VALUE;
        byte[] header = VECTORS.get(NAMES.indexOf("18-put-request-fragmented-header"));
        int sizeAt = indexOf(header, HexFormat.of().parseHex("a676616c75657391")) + 8; // cd 0bfd = 3069
        assertThat(header[sizeAt] & 0xff).isEqualTo(0xcd);
        String[] tooLarge = {
            "ce" + String.format("%08x", max + 1), "00", "cfffffffffffffffff", "cf8000000000000000", "ceffffffff"
        };
        for (String size : tooLarge) {
            byte[] h = concat(
                    Arrays.copyOf(header, sizeAt),
                    HexFormat.of().parseHex(size),
                    Arrays.copyOfRange(header, sizeAt + 3, header.length));
            assertRejected(feed(h, () -> "put header with value size " + size), DecodeError.TOO_LARGE);
        }
        byte[] largest = concat(
                Arrays.copyOf(header, sizeAt),
                HexFormat.of().parseHex("ce" + String.format("%08x", max)),
                Arrays.copyOfRange(header, sizeAt + 3, header.length));
        assertThat(feed(largest, () -> "put header with the largest size"))
                .isInstanceOf(DecodeResult.AwaitingParts.class);

        // value parts: {y:"p", t, p: {<index>: {o: <offset>, d}}}
        String[] badIndexOrOffset = {
            "p:cf8000000000000000",
            "p:cfffffffffffffffff",
            "p:ce00010000",
            "o:cf8000000000000000",
            "o:cfffffffffffffffff",
            "o:ce" + String.format("%08x", max + 1)
        };
        for (String bad : badIndexOrOffset) {
            String field = bad.substring(0, 1);
            String number = bad.substring(2);
            String hex = "83a179a170a17401a170" + "81" + (field.equals("p") ? number : "00") + "82a16f"
                    + (field.equals("o") ? number : "00") + "a164c40100";
            DecodeResult r = feed(HexFormat.of().parseHex(hex), () -> "value part with " + bad);
            assertThat(r).as(bad).isInstanceOf(DecodeResult.Rejected.class);
        }
        // a value larger than any value can be: assemble refuses it
        DecodeResult.AwaitingParts awaiting = (DecodeResult.AwaitingParts) WireCodec.decode(header);
        byte[] huge = packedValueOfSize(max + 1);
        assertRejected(
                assemble(awaiting, List.of(huge), () -> "a value of " + (max + 1) + " bytes"), DecodeError.TOO_LARGE);
        byte[] fits = packedValueOfSize(max);
        assertThat(assemble(awaiting, List.of(fits), () -> "a value of " + max + " bytes"))
                .isInstanceOf(DecodeResult.Complete.class);
        // an inline value of 60 000 bytes is legal (one datagram), and re-encodes as parts
        byte[] inlineHuge = concat(
                Arrays.copyOf(header, sizeAt),
                packedValueOfSize(60_000),
                Arrays.copyOfRange(header, sizeAt + 3, header.length));
        assertThat(feed(inlineHuge, () -> "inline value of 60000 bytes")).isInstanceOf(DecodeResult.Complete.class);
    }

    /** assemble() with packed values that are not what the header announced. */
    @Test
    void assembleWithHostileValues() {
        List<DecodeResult.AwaitingParts> headers = new ArrayList<>();
        for (String name : NAMES) {
            if (WireCodec.decode(GoldenVectors.load(name)) instanceof DecodeResult.AwaitingParts a) {
                headers.add(a);
            }
        }
        assertThat(headers).hasSize(4);
        for (int i = 0; i < PACKED_VALUE.length; i++) {
            DecodeResult.AwaitingParts h = headers.get(i % headers.size());
            int at = i;
            byte[] flipped = PACKED_VALUE.clone();
            flipped[i] ^= (byte) (1 << random.nextInt(8));
            assemble(h, List.of(flipped), () -> "value with byte " + at + " flipped");
            assemble(h, List.of(Arrays.copyOf(PACKED_VALUE, i)), () -> "value truncated to " + at);
        }
        for (int i = 0; i < 5_000; i++) {
            DecodeResult.AwaitingParts h = headers.get(random.nextInt(headers.size()));
            List<byte[]> values = new ArrayList<>();
            for (int n = random.nextInt(4); n > 0; n--) {
                byte[] b = new byte[random.nextInt(300)];
                random.nextBytes(b);
                values.add(random.nextBoolean() ? b : pack(mutate(unpack(PACKED_VALUE), 0)));
            }
            assemble(h, values, () -> values.size() + " random values");
        }
        // a header of a message that carries no values
        Packet ping = ((DecodeResult.Complete) WireCodec.decode(VECTORS.get(0))).packet();
        assertRejected(
                assemble(new DecodeResult.AwaitingParts(ping, List.of(3069)), List.of(PACKED_VALUE), () -> "ping"),
                DecodeError.UNKNOWN_KIND);
        assertThat(assembled).isGreaterThanOrEqualTo(10_000);
    }

    // ---------------------------------------------------------------- the checks

    /** Decodes one hostile datagram and checks everything about the answer. */
    private DecodeResult feed(byte[] input, Supplier<String> origin) {
        decoded++;
        DecodeResult r;
        try {
            r = WireCodec.decode(input);
        } catch (Throwable t) {
            throw failure("decode threw " + t, input, origin, t);
        }
        check(r, input, origin);
        outcomes.merge(
                r instanceof DecodeResult.Rejected rej
                        ? rej.error().name()
                        : r.getClass().getSimpleName(),
                1,
                Integer::sum);
        if (r instanceof DecodeResult.AwaitingParts a) {
            // the right number of values, each of its announced size, usually garbage
            long total = a.sizes().stream().mapToLong(Integer::longValue).sum();
            if (total <= 1 << 20) {
                List<byte[]> values = new ArrayList<>();
                for (int size : a.sizes()) {
                    values.add(size == PACKED_VALUE.length ? PACKED_VALUE : randomBytes(size));
                }
                assemble(a, values, () -> origin.get() + ", assembled");
            }
        }
        return r;
    }

    private DecodeResult assemble(DecodeResult.AwaitingParts a, List<byte[]> values, Supplier<String> origin) {
        assembled++;
        DecodeResult r;
        byte[] first = values.isEmpty() ? new byte[0] : values.get(0);
        try {
            r = WireCodec.assemble(a.header(), values);
        } catch (Throwable t) {
            throw failure("assemble threw " + t, first, origin, t);
        }
        check(r, first, origin);
        if (r instanceof DecodeResult.AwaitingParts) {
            throw failure("assemble answered AwaitingParts", first, origin, null);
        }
        return r;
    }

    private void check(DecodeResult r, byte[] input, Supplier<String> origin) {
        if (r == null) {
            throw failure("null result", input, origin, null);
        }
        if (r instanceof DecodeResult.Rejected rej) {
            if (rej.error() == null || rej.detail() == null || rej.detail().isBlank()) {
                throw failure("rejected without error or detail: " + rej, input, origin, null);
            }
            if (rej.detail().startsWith("decoder fault")) {
                throw failure("the decoder's safety net caught a bug: " + rej.detail(), input, origin, null);
            }
        } else if (r instanceof DecodeResult.AwaitingParts a) {
            checkEnvelope(a.header(), input, origin);
            for (int size : a.sizes()) {
                if (size <= 0 || size > WireDecoder.MAX_PACKED_VALUE) {
                    throw failure("announced value size " + size, input, origin, null);
                }
            }
        } else if (r instanceof DecodeResult.Complete c) {
            checkEnvelope(c.packet(), input, origin);
            checkReencodes(c.packet(), input, origin);
        } else {
            throw failure("unknown result " + r, input, origin, null);
        }
    }

    private void checkEnvelope(Packet p, byte[] input, Supplier<String> origin) {
        if (p.tid() < 0 || p.tid() > 0xffff_ffffL || p.network() < 0 || p.network() > 0xffff_ffffL) {
            throw failure("tid/network out of uint32: " + p, input, origin, null);
        }
        if (p.message() instanceof ValueParts parts) {
            for (var e : parts.parts().entrySet()) {
                int offset = e.getValue().offset();
                if (e.getKey() < 0 || e.getKey() > 0xffff || offset < 0 || offset > WireDecoder.MAX_PACKED_VALUE) {
                    throw failure("value part out of range: " + e, input, origin, null);
                }
            }
        }
    }

    /** What was accepted can be sent on: encode works and decodes back to the same packet. */
    private void checkReencodes(Packet p, byte[] input, Supplier<String> origin) {
        // value parts carry no agent nor client flag (§7): those are dropped on encoding
        Packet expected =
                p.message() instanceof ValueParts ? new Packet(p.tid(), p.network(), null, false, p.message()) : p;
        Packet back;
        try {
            back = Reassembly.roundTrip(p);
        } catch (Throwable t) {
            throw failure("accepted packet does not re-encode: " + t + "\n  packet: " + p, input, origin, t);
        }
        if (!back.equals(expected)) {
            throw failure(
                    "re-encoding changed the packet:\n  was " + expected + "\n  now " + back, input, origin, null);
        }
    }

    private static void assertRejected(DecodeResult r, DecodeError error) {
        assertThat(r).isInstanceOf(DecodeResult.Rejected.class);
        assertThat(((DecodeResult.Rejected) r).error())
                .as(((DecodeResult.Rejected) r).detail())
                .isEqualTo(error);
    }

    private AssertionError failure(String what, byte[] input, Supplier<String> origin, Throwable cause) {
        String o;
        try {
            o = origin.get();
        } catch (RuntimeException e) {
            o = "(origin unavailable: " + e + ")";
        }
        return new AssertionError(
                what + "\n  test " + testName + ", seed " + SEED + " (rerun with -Dhostile.seed=" + SEED + ")"
                        + "\n  input #" + decoded + ": " + o + "\n  bytes: " + Reassembly.hex(input),
                cause);
    }

    // ---------------------------------------------------------------- msgpack trees

    private Value mutate(Value v, int depth) {
        // descend mostly, and always from the top: replacing the whole message is rarely interesting
        if (depth == 0 && v.isMapValue() || depth < 6 && random.nextInt(4) != 0) {
            if (v.isMapValue()) {
                Value[] kvs = v.asMapValue().getKeyValueArray().clone();
                if (kvs.length > 0) {
                    int e = random.nextInt(kvs.length / 2) * 2 + (random.nextInt(10) == 0 ? 0 : 1);
                    kvs[e] = mutate(kvs[e], depth + 1);
                    return ValueFactory.newMap(kvs);
                }
            } else if (v.isArrayValue() && v.asArrayValue().size() > 0) {
                List<Value> list = new ArrayList<>(v.asArrayValue().list());
                int i = random.nextInt(list.size());
                list.set(i, mutate(list.get(i), depth + 1));
                return ValueFactory.newArray(list);
            }
        }
        switch (random.nextInt(8)) {
            case 0:
                return randomValue(2);
            case 1:
                return randomInteger();
            case 2:
                return randomBinary();
            case 3:
                return ValueFactory.newString(KNOWN_STRINGS[random.nextInt(KNOWN_STRINGS.length)]);
            case 4:
                if (v.isMapValue()) { // drop an entry
                    Value[] kvs = v.asMapValue().getKeyValueArray();
                    if (kvs.length > 0) {
                        int e = random.nextInt(kvs.length / 2) * 2;
                        Value[] fewer = new Value[kvs.length - 2];
                        System.arraycopy(kvs, 0, fewer, 0, e);
                        System.arraycopy(kvs, e + 2, fewer, e, kvs.length - e - 2);
                        return ValueFactory.newMap(fewer);
                    }
                }
                return ValueFactory.newNil();
            case 5:
                if (v.isMapValue()) { // add a known key, before or after the others (duplicates included)
                    Value[] kvs = v.asMapValue().getKeyValueArray();
                    Value[] more = new Value[kvs.length + 2];
                    boolean front = random.nextBoolean();
                    System.arraycopy(kvs, 0, more, front ? 2 : 0, kvs.length);
                    int at = front ? 0 : kvs.length;
                    more[at] = ValueFactory.newString(KNOWN_KEYS[random.nextInt(KNOWN_KEYS.length)]);
                    more[at + 1] = randomValue(2);
                    return ValueFactory.newMap(more);
                }
                return ValueFactory.newArray(v, v);
            case 6:
                if (v.isBinaryValue() || v.isStringValue()) { // resize a blob
                    byte[] b = v.isBinaryValue()
                            ? v.asBinaryValue().asByteArray()
                            : v.asStringValue().asByteArray();
                    int n = random.nextBoolean() ? random.nextInt(b.length + 1) : b.length + 1 + random.nextInt(40);
                    byte[] resized = Arrays.copyOf(b, n);
                    return v.isBinaryValue() ? ValueFactory.newBinary(resized) : ValueFactory.newString(resized);
                }
                return randomInteger();
            default:
                // a blob of bytes that are not a byte: the array form unpackBlob accepts
                List<Value> arr = new ArrayList<>();
                for (int n = random.nextInt(30); n > 0; n--) {
                    arr.add(random.nextInt(5) == 0 ? randomInteger() : ValueFactory.newInteger(random.nextInt(256)));
                }
                return ValueFactory.newArray(arr);
        }
    }

    private Value randomMessage() {
        List<Value> kvs = new ArrayList<>();
        String kind = KNOWN_STRINGS[random.nextInt(4)];
        kvs.add(ValueFactory.newString("y"));
        kvs.add(ValueFactory.newString(kind));
        kvs.add(ValueFactory.newString("t"));
        kvs.add(random.nextInt(4) == 0 ? randomValue(1) : ValueFactory.newInteger(random.nextLong() >>> 32));
        String body = kind.equals("e") ? "e" : kind.equals("r") ? "r" : kind.equals("p") ? "p" : "a";
        if (kind.equals("q")) {
            kvs.add(ValueFactory.newString("q"));
            kvs.add(ValueFactory.newString(KNOWN_STRINGS[4 + random.nextInt(7)]));
        }
        if (kind.equals("e")) {
            kvs.add(ValueFactory.newString("e"));
            kvs.add(ValueFactory.newArray(randomInteger(), randomValue(1)));
            body = "r";
        }
        kvs.add(ValueFactory.newString(body));
        List<Value> inner = new ArrayList<>();
        inner.add(ValueFactory.newString("id"));
        inner.add(random.nextInt(5) == 0 ? randomValue(1) : ValueFactory.newBinary(randomBytes(20)));
        for (int n = random.nextInt(8); n > 0; n--) {
            inner.add(ValueFactory.newString(KNOWN_KEYS[random.nextInt(KNOWN_KEYS.length)]));
            inner.add(randomValue(3));
        }
        kvs.add(ValueFactory.newMap(inner.toArray(new Value[0])));
        for (int n = random.nextInt(3); n > 0; n--) {
            kvs.add(ValueFactory.newString(KNOWN_KEYS[random.nextInt(KNOWN_KEYS.length)]));
            kvs.add(randomValue(2));
        }
        return ValueFactory.newMap(kvs.toArray(new Value[0]));
    }

    private Value randomValue(int depth) {
        int kinds = depth > 0 ? 11 : 8;
        switch (random.nextInt(kinds)) {
            case 0:
                return ValueFactory.newNil();
            case 1:
                return ValueFactory.newBoolean(random.nextBoolean());
            case 2:
            case 3:
                return randomInteger();
            case 4:
                return random.nextBoolean()
                        ? ValueFactory.newFloat(random.nextDouble() * 1e6)
                        : ValueFactory.newFloat((float) random.nextGaussian());
            case 5:
                return random.nextBoolean()
                        ? ValueFactory.newString(KNOWN_STRINGS[random.nextInt(KNOWN_STRINGS.length)])
                        : ValueFactory.newString(randomBytes(random.nextInt(40)));
            case 6:
                return randomBinary();
            case 7:
                return ValueFactory.newExtension((byte) random.nextInt(256), randomBytes(random.nextInt(20)));
            case 8:
            case 9: {
                List<Value> kvs = new ArrayList<>();
                for (int n = random.nextInt(6); n > 0; n--) {
                    kvs.add(
                            random.nextInt(8) == 0
                                    ? randomValue(0)
                                    : ValueFactory.newString(KNOWN_KEYS[random.nextInt(KNOWN_KEYS.length)]));
                    kvs.add(randomValue(depth - 1));
                }
                return ValueFactory.newMap(kvs.toArray(new Value[0]));
            }
            default: {
                List<Value> list = new ArrayList<>();
                for (int n = random.nextInt(random.nextInt(10) == 0 ? 40 : 6); n > 0; n--) {
                    list.add(randomValue(depth - 1));
                }
                return ValueFactory.newArray(list);
            }
        }
    }

    private Value randomInteger() {
        long[] edges = {
            0,
            1,
            2,
            10,
            0x7f,
            0x80,
            0xff,
            0x100,
            0xffff,
            0x10000,
            0x7fff_ffffL,
            0x8000_0000L,
            0xffff_ffffL,
            0x1_0000_0000L,
            Long.MAX_VALUE,
            -1,
            -32,
            -33,
            Integer.MIN_VALUE,
            Long.MIN_VALUE
        };
        switch (random.nextInt(4)) {
            case 0:
                return ValueFactory.newInteger(edges[random.nextInt(edges.length)]);
            case 1:
                return ValueFactory.newInteger(
                        BigInteger.ONE.shiftLeft(64).subtract(BigInteger.valueOf(1 + random.nextInt(3))));
            case 2:
                return ValueFactory.newInteger(
                        BigInteger.ONE.shiftLeft(63).add(BigInteger.valueOf(random.nextInt(1 << 20))));
            default:
                return ValueFactory.newInteger(random.nextLong() >> random.nextInt(64));
        }
    }

    private Value randomBinary() {
        int[] lengths = {0, 1, 4, 16, 19, 20, 21, 26, 38, 52, 76};
        int n = random.nextBoolean() ? lengths[random.nextInt(lengths.length)] : random.nextInt(300);
        return ValueFactory.newBinary(randomBytes(n));
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static Value unpack(byte[] bytes) {
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(bytes)) {
            return u.unpackValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] pack(Value v) {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packValue(v);
            return p.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String abbreviate(Value v) {
        String s = v.toString();
        return s.length() > 600 ? s.substring(0, 600) + "…" : s;
    }

    // ---------------------------------------------------------------- bytes

    /** A valid packed value {id, dat: {body: {type, data}}} of exactly {@code size} bytes. */
    private static byte[] packedValueOfSize(int size) {
        // 82 a2 6964 01 a3 646174 81 a4 626f6479 82 a4 74797065 00 a4 64617461 c6 <len32> <data>
        byte[] prefix = HexFormat.of().parseHex("82a2696401a364617481a4626f647982a47479706500a464617461");
        int data = size - prefix.length - 5;
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.writeBytes(prefix);
        out.write(0xc6);
        out.writeBytes(new byte[] {(byte) (data >>> 24), (byte) (data >>> 16), (byte) (data >>> 8), (byte) data});
        out.writeBytes(new byte[data]);
        byte[] b = out.toByteArray();
        assertThat(b).hasSize(size);
        return b;
    }

    private static byte[] part(String name) {
        Packet p = ((DecodeResult.Complete) WireCodec.decode(GoldenVectors.load(name))).packet();
        return ((ValueParts) p.message()).parts().get(0).data();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found: " + HexFormat.of().formatHex(needle));
    }
}
