package org.carillon.bench.codec;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.carillon.dht.wire.DecodeResult;
import org.carillon.dht.wire.Message;
import org.carillon.dht.wire.NodeInfo;
import org.carillon.dht.wire.Packet;
import org.carillon.dht.wire.WireCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decode and encode cost of typical datagrams: a ping request, a find reply with 8 IPv4 and 8
 * IPv6 nodes and a token, a get reply with inline values, and a get reply whose one large
 * value travels as value parts (decode = header + parts + reassembly + assemble).
 *
 * <p>Run with {@code bench/codec.sh}; the defaults below are what the script uses.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CodecBenchmark {
    private Packet ping;
    private byte[] pingWire;
    private Packet findReply;
    private byte[] findReplyWire;
    private Packet getReply;
    private byte[] getReplyWire;
    private Packet fragmentedGetReply;
    private List<byte[]> fragmentedGetReplyWire;

    @Setup
    public void setup() throws UnknownHostException {
        SplittableRandom random = new SplittableRandom(20240611);
        InfoHash me = InfoHash.random(random);
        InetAddress requester = InetAddress.getByName("192.0.2.7");

        ping = new Packet(0x9be8_1a2cL, 0, Packet.DEFAULT_AGENT, false, new Message.Ping(me));

        List<NodeInfo> nodes4 = new ArrayList<>();
        List<NodeInfo> nodes6 = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            byte[] v4 = new byte[4];
            byte[] v6 = new byte[16];
            random.nextBytes(v4);
            random.nextBytes(v6);
            nodes4.add(new NodeInfo(
                    InfoHash.random(random), new InetSocketAddress(InetAddress.getByAddress(v4), 4222 + i)));
            nodes6.add(new NodeInfo(
                    InfoHash.random(random), new InetSocketAddress(Inet6Address.getByAddress(null, v6, -1), 4222 + i)));
        }
        byte[] token = new byte[32];
        random.nextBytes(token);
        findReply = new Packet(
                0x1234_5678L,
                0,
                Packet.DEFAULT_AGENT,
                false,
                new Message.Reply(me, null, requester, nodes4, nodes6, token, List.of(), null));

        List<Value> values = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] text = ("message number " + i + " from the benchmark").getBytes(StandardCharsets.UTF_8);
            values.add(Value.of(random.nextLong(), 0, text, "text/plain"));
        }
        getReply = new Packet(
                0x2345_6789L,
                0,
                Packet.DEFAULT_AGENT,
                false,
                new Message.Reply(me, null, requester, nodes4.subList(0, 4), List.of(), token, values, null));

        byte[] large = new byte[4000];
        random.nextBytes(large);
        fragmentedGetReply = new Packet(
                0x3456_789aL,
                0,
                Packet.DEFAULT_AGENT,
                false,
                new Message.Reply(
                        me,
                        null,
                        requester,
                        List.of(),
                        List.of(),
                        token,
                        List.of(Value.of(random.nextLong(), 3, large, "application/octet-stream")),
                        null));

        pingWire = single(ping);
        findReplyWire = single(findReply);
        getReplyWire = single(getReply);
        fragmentedGetReplyWire = WireCodec.encode(fragmentedGetReply);
        if (fragmentedGetReplyWire.size() < 2 || !fragmentedGetReply.equals(receive(fragmentedGetReplyWire))) {
            throw new IllegalStateException("the large get reply must travel as value parts and round-trip");
        }
    }

    /** One datagram that decodes back to the packet: the benchmark measures the real path. */
    private static byte[] single(Packet p) {
        List<byte[]> wire = WireCodec.encode(p);
        if (wire.size() != 1
                || !(WireCodec.decode(wire.get(0)) instanceof DecodeResult.Complete c)
                || !c.packet().equals(p)) {
            throw new IllegalStateException("does not round-trip in one datagram: " + p);
        }
        return wire.get(0);
    }

    /** A receiver's work for a fragmented message: header, parts in order, assemble. */
    private static Packet receive(List<byte[]> datagrams) {
        DecodeResult.AwaitingParts header = (DecodeResult.AwaitingParts) WireCodec.decode(datagrams.get(0));
        byte[][] values = new byte[header.sizes().size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = new byte[header.sizes().get(i)];
        }
        for (int d = 1; d < datagrams.size(); d++) {
            DecodeResult.Complete c = (DecodeResult.Complete) WireCodec.decode(datagrams.get(d));
            Message.ValueParts parts = (Message.ValueParts) c.packet().message();
            for (var e : parts.parts().entrySet()) {
                byte[] data = e.getValue().data();
                System.arraycopy(data, 0, values[e.getKey()], e.getValue().offset(), data.length);
            }
        }
        return ((DecodeResult.Complete) WireCodec.assemble(header.header(), List.of(values))).packet();
    }

    @Benchmark
    public DecodeResult decodePingRequest() {
        return WireCodec.decode(pingWire);
    }

    @Benchmark
    public List<byte[]> encodePingRequest() {
        return WireCodec.encode(ping);
    }

    @Benchmark
    public DecodeResult decodeFindReply8v4and8v6() {
        return WireCodec.decode(findReplyWire);
    }

    @Benchmark
    public List<byte[]> encodeFindReply8v4and8v6() {
        return WireCodec.encode(findReply);
    }

    @Benchmark
    public DecodeResult decodeGetReply5InlineValues() {
        return WireCodec.decode(getReplyWire);
    }

    @Benchmark
    public List<byte[]> encodeGetReply5InlineValues() {
        return WireCodec.encode(getReply);
    }

    @Benchmark
    public Packet decodeGetReplyFragmented4kValue() {
        return receive(fragmentedGetReplyWire);
    }

    @Benchmark
    public List<byte[]> encodeGetReplyFragmented4kValue() {
        return WireCodec.encode(fragmentedGetReply);
    }
}
