package org.carillon.dht.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

class IndexEntryCodecTest {
    /** dhtnode's entry for {@code ii people name:alice 0e39…e004}, from the capture. */
    private static final String ALICE_ENTRY =
            "82a6707265666978c406616c69636580a576616c756592c4140e398834536f1ca3d0ea2b04cd2800efe34ae00400";

    private static final IndexValue ALICE_VALUE =
            new IndexValue(InfoHash.fromHex("0e398834536f1ca3d0ea2b04cd2800efe34ae004"), 0);

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void encodesByteForByteAsDhtnode() {
        IndexEntry alice = new IndexEntry(hex("616c69636580"), ALICE_VALUE);

        assertThat(HexFormat.of().formatHex(IndexEntryCodec.encode(alice))).isEqualTo(ALICE_ENTRY);
    }

    @Test
    void decodesEveryEntryDhtnodeWrote() {
        DhtnodeCapture capture = DhtnodeCapture.load();
        List<Value> entries = capture.values().values().stream()
                .flatMap(List::stream)
                .filter(v ->
                        v.userType().equals("index.pht.people") || v.userType().equals("index.pht.geo"))
                .toList();

        assertThat(entries).as("one or more per ii command").hasSizeGreaterThanOrEqualTo(24);
        for (Value v : entries) {
            IndexEntry e = IndexEntryCodec.decode(v.data()).orElseThrow(() -> new AssertionError("not decoded: " + v));
            assertThat(e.value().valueId()).isZero();
            assertThat(IndexEntryCodec.encode(e)).as("re-encoded %s", v).isEqualTo(v.data());
        }
    }

    @Test
    void valueIdsUseTheSmallestIntegerForm() {
        long[] ids = {0, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0xffffffffL, 0x100000000L, -1L};
        int[] sizes = {1, 1, 2, 2, 3, 3, 5, 5, 9, 9};
        for (int i = 0; i < ids.length; i++) {
            IndexEntry e = new IndexEntry(new byte[] {1, 2}, new IndexValue(ALICE_VALUE.hash(), ids[i]));
            byte[] data = IndexEntryCodec.encode(e);
            int header = 1 + 7 + 4 + 6 + 1 + 22; // map, "prefix", bin 2, "value", array, bin 20
            assertThat(data.length - header).as("id %x", ids[i]).isEqualTo(sizes[i]);
            assertThat(IndexEntryCodec.decode(data)).contains(e);
        }
    }

    @Test
    void agreesWithAnIndependentMsgpackWriter() throws IOException {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(2);
        p.packString("value");
        p.packArrayHeader(2);
        p.packBinaryHeader(20);
        p.writePayload(ALICE_VALUE.hash().toBytes());
        p.packLong(1234567890123L);
        p.packString("prefix");
        p.packString("al\u0080"); // a str prefix and keys in the other order: msgpack-c reads both
        byte[] data = p.toByteArray();

        IndexEntry e = IndexEntryCodec.decode(data).orElseThrow();
        assertThat(e.value()).isEqualTo(new IndexValue(ALICE_VALUE.hash(), 1234567890123L));
        assertThat(e.prefix()).isEqualTo("al\u0080".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void refusesEveryTruncationAndTrailingBytes() {
        byte[] good = hex(ALICE_ENTRY);
        for (int n = 0; n < good.length; n++) {
            assertThat(IndexEntryCodec.decode(Arrays.copyOf(good, n)))
                    .as("first %d bytes", n)
                    .isEmpty();
        }
        assertThat(IndexEntryCodec.decode(Arrays.copyOf(good, good.length + 1))).isEmpty();
    }

    @Test
    void refusesOtherShapes() {
        String hash = "c414" + "0e398834536f1ca3d0ea2b04cd2800efe34ae004";
        List<String> bad = List.of(
                "", // empty (a canary's data)
                "c0", // nil
                "81a6707265666978c40161", // only "prefix"
                "83a6707265666978c40161a576616c756592" + hash + "00a178c0", // a third key
                "82a6707265666978c40161a6707265666978c40161", // "prefix" twice
                "82a6707265666978c40161a576616c756592c41300" + "00".repeat(19) + "00", // 19-byte hash
                "82a6707265666978c40161a576616c756593" + hash + "0000", // array of 3
                "82a6707265666978c40161a576616c756592" + hash + "ff", // negative fixint id
                "82a6707265666978c40161a576616c756592" + hash + "d0ff", // int8 -1
                "82a6707265666978c40161a576616c756592" + hash + "ca00000000", // float id
                "82a6707265666978c6ffffffff61a576616c756592" + hash + "00", // bin32 longer than the data
                "92c40161" + hash); // an array, not a map
        for (String b : bad) {
            assertThat(IndexEntryCodec.decode(hex(b))).as(b).isEmpty();
        }
        assertThat(IndexEntryCodec.decode(hex("82a6707265666978c40161a576616c756592" + hash + "d07f")))
                .as("a non-negative int8 id is accepted, as msgpack-c converts it")
                .isPresent();
    }

    @Property(tries = 2000)
    void anyBytesDecodeOrAreRefusedWithoutException(@ForAll @Size(max = 80) byte[] data) {
        IndexEntryCodec.decode(data); // must not throw
    }

    @Property(tries = 500)
    void mutatedEntriesNeverThrow(@ForAll @Size(min = 1, max = 4) List<Integer> positions, @ForAll byte replacement) {
        byte[] data = hex(ALICE_ENTRY);
        for (int pos : positions) {
            data[Math.floorMod(pos, data.length)] = replacement;
        }
        IndexEntryCodec.decode(data);
    }
}
