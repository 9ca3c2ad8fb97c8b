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
}
