package org.carillon.bench.codec;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.carillon.dht.wire.DecodeResult;
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
 * Decode and encode cost of typical datagrams ({@link CodecDatagrams}): a ping request, a find
 * reply with 8 IPv4 and 8 IPv6 nodes and a token, a get reply with inline values, and a get reply
 * whose one large value travels as value parts (decode = header + parts + reassembly + assemble).
 *
 * <p>Run with {@code bench/run codec} ({@link CodecExperiment}), which sets forks and iterations;
 * the annotations below are JMH's defaults when the jar is run directly.
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
    public void setup() {
        CodecDatagrams datagrams = CodecDatagrams.build();
        ping = datagrams.kind(CodecDatagrams.PING).packet();
        pingWire = datagrams.kind(CodecDatagrams.PING).wire().get(0);
        findReply = datagrams.kind(CodecDatagrams.FIND_REPLY).packet();
        findReplyWire = datagrams.kind(CodecDatagrams.FIND_REPLY).wire().get(0);
        getReply = datagrams.kind(CodecDatagrams.GET_REPLY).packet();
        getReplyWire = datagrams.kind(CodecDatagrams.GET_REPLY).wire().get(0);
        fragmentedGetReply = datagrams.kind(CodecDatagrams.FRAGMENTED_GET_REPLY).packet();
        fragmentedGetReplyWire =
                datagrams.kind(CodecDatagrams.FRAGMENTED_GET_REPLY).wire();
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
        return CodecDatagrams.receive(fragmentedGetReplyWire);
    }

    @Benchmark
    public List<byte[]> encodeGetReplyFragmented4kValue() {
        return WireCodec.encode(fragmentedGetReply);
    }
}
