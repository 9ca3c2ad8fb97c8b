package org.carillon.dht.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.carillon.dht.wire.Message.ErrorReply;
import org.carillon.dht.wire.Message.Listen;
import org.carillon.dht.wire.Message.Put;
import org.carillon.dht.wire.Message.Reply;
import org.junit.jupiter.api.Test;

/** Codec bugs found by the round-trip properties and the hostile-input test, kept as cases. */
class WireCodecRegressionTest {
    private static final InfoHash A = InfoHash.fromHex("00112233445566778899aabbccddeeff00112233");
    private static final InfoHash B = InfoHash.fromHex("ffeeddccbbaa99887766554433221100ffeeddcc");

    /**
     * Error code, {@code ve} and priority are uint32 on the wire held in an int: values above
     * 2^31 decode to negative ints and used to be re-encoded sign-extended as a uint64
     * ({@code cf ffffffff…}), which the decoder — and msgpack-c — reject.
     */
    @Test
    void uint32FieldsAbove2pow31SurviveDecodeThenEncode() {
        byte[] wire = WireCodec.encode(new Packet(7, 0, "RNG1", false, new ErrorReply(A, 0, "x")))
                .get(0);
        // patch the code 0 (positive fixint) into uint32 0xffffffff: {e: [0xce ffffffff, "x"], …}
        String hex = HexFormat.of().formatHex(wire).replaceFirst("a1659200", "a16592ceffffffff");
        DecodeResult decoded = WireCodec.decode(HexFormat.of().parseHex(hex));
        Packet p = ((DecodeResult.Complete) decoded).packet();
        assertThat(((ErrorReply) p.message()).code()).isEqualTo(-1); // the raw bits of 0xffffffff
        assertThat(HexFormat.of().formatHex(WireCodec.encode(p).get(0))).isEqualTo(hex);

        Value prioritized = new Value(5, 0, 0, new byte[0], "", null, null, null, null, Integer.MIN_VALUE);
        assertThat(HexFormat.of().formatHex(WireEncoder.packValue(prioritized))).endsWith("a170ce80000000");
        Packet put = new Packet(8, 0, null, false, new Put(A, B, List.of(prioritized), null, new byte[0]));
        assertThat(Reassembly.roundTrip(put)).isEqualTo(put);

        Packet listen = new Packet(9, 0, null, false, new Listen(A, -2, B, new byte[0], 1, null));
        assertThat(HexFormat.of().formatHex(WireCodec.encode(listen).get(0))).contains("a27665cefffffffe");
        assertThat(Reassembly.roundTrip(listen)).isEqualTo(listen);
    }

    /**
     * {@code InetAddress.getByAddress} turns a 16-byte IPv4-mapped address into an IPv4
     * address: an {@code n6} entry {@code ::ffff:127.0.0.1} became an IPv4 node that
     * re-encoding then refused ("is not IPV6"), and a 16-byte {@code sa} shrank to 4 bytes.
     */
    @Test
    void ipv4MappedAddressesStayIpv6() throws Exception {
        InetAddress mapped =
                Inet6Address.getByAddress(null, HexFormat.of().parseHex("00000000000000000000ffff7f000001"), -1);
        Packet p = new Packet(
                3,
                0,
                "RNG1",
                false,
                new Reply(
                        A,
                        null,
                        mapped,
                        List.of(),
                        List.of(new NodeInfo(B, new InetSocketAddress(mapped, 4222))),
                        null,
                        List.of(),
                        null));
        byte[] wire = WireCodec.encode(p).get(0);
        Reply back = (Reply)
                ((DecodeResult.Complete) WireCodec.decode(wire)).packet().message();
        assertThat(back.reportedAddress()).isInstanceOf(Inet6Address.class).isEqualTo(mapped);
        assertThat(back.nodes6()).hasSize(1);
        assertThat(back.nodes6().get(0).address().getAddress()).isInstanceOf(Inet6Address.class);
        assertThat(WireCodec.encode(new Packet(3, 0, "RNG1", false, back)).get(0))
                .isEqualTo(wire);
    }

    /**
     * msgpack uint64 values at or above 2^63 reach the decoder as negative longs: a tid of
     * {@code cf 80…} was accepted as a negative transaction id, a value-part index or offset of
     * {@code cf 80…} passed the upper-bound checks and was cast to int (2^63 became index 0,
     * offset 0), and a blob written as an array of integers took 2^64-1 for the byte 0xff.
     */
    @Test
    void uint64AtOrAbove2pow63IsNotASmallNumber() {
        // {y:"p", t:1, p:{<index>: {o:<offset>, d:bin(00)}}}
        assertThat(WireCodec.decode(parts("00", "00"))).isInstanceOf(DecodeResult.Complete.class);
        assertRejected(WireCodec.decode(parts("cf8000000000000000", "00")), DecodeError.TOO_LARGE);
        assertRejected(WireCodec.decode(parts("00", "cf8000000000000005")), DecodeError.TOO_LARGE);
        assertRejected(WireCodec.decode(parts("00", "cfffffffffffffffff")), DecodeError.TOO_LARGE);

        byte[] ping = WireCodec.encode(new Packet(0x12345678L, 0, null, false, new Message.Ping(A)))
                .get(0);
        String hex = HexFormat.of().formatHex(ping);
        assertThat(hex).contains("a174ce12345678");
        assertRejected(
                WireCodec.decode(HexFormat.of().parseHex(hex.replace("a174ce12345678", "a174cf8000000012345678"))),
                DecodeError.BAD_FIELD);

        // a reply whose token is the array form of a blob: [1, 0xff] is fine, [1, 2^64-1] is not
        byte[] reply = WireCodec.encode(new Packet(
                        1,
                        0,
                        null,
                        false,
                        new Reply(A, null, null, List.of(), List.of(), new byte[] {1, (byte) 0xff}, List.of(), null)))
                .get(0);
        String r = HexFormat.of().formatHex(reply);
        assertThat(r).contains("a5746f6b656ec40201ff");
        DecodeResult asArray = WireCodec.decode(HexFormat.of().parseHex(r.replace("c40201ff", "9201ccff")));
        assertThat(((Reply) ((DecodeResult.Complete) asArray).packet().message()).token())
                .containsExactly(1, 0xff);
        assertRejected(
                WireCodec.decode(HexFormat.of().parseHex(r.replace("c40201ff", "9201cfffffffffffffffff"))),
                DecodeError.BAD_FIELD);
    }

    /** assemble() enforces the same 64 KiB + 32 limit as the sizes a header may announce. */
    @Test
    void assembleRefusesValuesLargerThanAnyValue() {
        Packet header = new Packet(1, 0, null, false, new Put(A, B, List.of(), null, new byte[0]));
        byte[] tooLarge = new byte[WireDecoder.MAX_PACKED_VALUE + 1];
        assertRejected(WireCodec.assemble(header, List.of(tooLarge)), DecodeError.TOO_LARGE);
        byte[] packed = WireEncoder.packValue(Value.of(9, 0, new byte[Value.MAX_SIZE]));
        assertThat(packed.length).isLessThanOrEqualTo(WireDecoder.MAX_PACKED_VALUE);
        assertThat(WireCodec.assemble(header, List.of(packed))).isInstanceOf(DecodeResult.Complete.class);
    }

    /**
     * A put or listen without {@code h} is answered with error 203 by OpenDHT (and by
     * NodeCore), so the decoder must hand it over with a null key — as it does for get —
     * rather than drop it as MISSING_FIELD; and what the encoder writes for a null key
     * decodes back.
     */
    @Test
    void putAndListenWithoutKeyDecodeWithNullKey() {
        Packet put = new Packet(
                4, 0, "RNG1", false, new Put(A, null, List.of(Value.of(1, 0, new byte[1])), null, new byte[4]));
        Packet listen = new Packet(5, 0, "RNG1", false, new Listen(A, 1, null, new byte[4], 9, null));
        for (Packet p : List.of(put, listen)) {
            byte[] wire = WireCodec.encode(p).get(0);
            assertThat(HexFormat.of().formatHex(wire)).doesNotContain("a168c414");
            assertThat(WireCodec.decode(wire)).isEqualTo(new DecodeResult.Complete(p));
        }
    }

    private static byte[] parts(String index, String offset) {
        return HexFormat.of().parseHex("83a179a170a17401a17081" + index + "82a16f" + offset + "a164c40100");
    }

    private static void assertRejected(DecodeResult r, DecodeError error) {
        assertThat(r).isInstanceOf(DecodeResult.Rejected.class);
        assertThat(((DecodeResult.Rejected) r).error()).isEqualTo(error);
    }
}
