package org.carillon.bench.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.carillon.dht.wire.DecodeResult;
import org.carillon.dht.wire.Message;
import org.carillon.dht.wire.NodeInfo;
import org.carillon.dht.wire.Packet;
import org.carillon.dht.wire.WireCodec;

/**
 * The typical datagrams the codec benchmark encodes and decodes, built from a fixed seed: a ping
 * request, a find reply with 8 IPv4 and 8 IPv6 nodes and a token, a get reply with 5 inline
 * values, and a get reply whose one 4000-byte value travels as value parts. {@link #export}
 * writes their wire bytes so the msgpack reference decodes exactly the same bytes.
 */
final class CodecDatagrams {
    /** One kind of datagram: the packet and what it is on the wire (several datagrams when fragmented). */
    record Kind(String name, Packet packet, List<byte[]> wire) {
        Kind {
            wire = List.copyOf(wire);
        }

        boolean fragmented() {
            return wire.size() > 1;
        }
    }

    static final String PING = "ping_request";
    static final String FIND_REPLY = "find_reply_8v4_8v6";
    static final String GET_REPLY = "get_reply_5_values";
    static final String FRAGMENTED_GET_REPLY = "get_reply_fragmented_4k";

    private final List<Kind> kinds;

    private CodecDatagrams(List<Kind> kinds) {
        this.kinds = List.copyOf(kinds);
    }

    List<Kind> kinds() {
        return kinds;
    }

    Kind kind(String name) {
        return kinds.stream()
                .filter(k -> k.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no datagram " + name));
    }

    static CodecDatagrams build() {
        try {
            return build(new SplittableRandom(20240611));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("literal addresses never need a lookup", e);
        }
    }

    private static CodecDatagrams build(SplittableRandom random) throws UnknownHostException {
        InfoHash me = InfoHash.random(random);
        InetAddress requester = InetAddress.getByName("192.0.2.7");

        Packet ping = new Packet(0x9be8_1a2cL, 0, Packet.DEFAULT_AGENT, false, new Message.Ping(me));

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
        Packet findReply = new Packet(
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
        Packet getReply = new Packet(
                0x2345_6789L,
                0,
                Packet.DEFAULT_AGENT,
                false,
                new Message.Reply(me, null, requester, nodes4.subList(0, 4), List.of(), token, values, null));

        byte[] large = new byte[4000];
        random.nextBytes(large);
        Packet fragmented = new Packet(
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

        List<byte[]> fragmentedWire = WireCodec.encode(fragmented);
        if (fragmentedWire.size() < 2 || !fragmented.equals(receive(fragmentedWire))) {
            throw new IllegalStateException("the large get reply must travel as value parts and round-trip");
        }
        return new CodecDatagrams(List.of(
                new Kind(PING, ping, single(ping)),
                new Kind(FIND_REPLY, findReply, single(findReply)),
                new Kind(GET_REPLY, getReply, single(getReply)),
                new Kind(FRAGMENTED_GET_REPLY, fragmented, fragmentedWire)));
    }

    /** One datagram that decodes back to the packet: the benchmark measures the real path. */
    private static List<byte[]> single(Packet p) {
        List<byte[]> wire = WireCodec.encode(p);
        if (wire.size() != 1
                || !(WireCodec.decode(wire.get(0)) instanceof DecodeResult.Complete c)
                || !c.packet().equals(p)) {
            throw new IllegalStateException("does not round-trip in one datagram: " + p);
        }
        return wire;
    }

    /** A receiver's work for a fragmented message: header, parts in order, assemble. */
    static Packet receive(List<byte[]> datagrams) {
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

    /**
     * Writes each kind's datagrams as {@code NAME.I.bin} into {@code dir}, with {@code
     * datagrams.json} listing them (name, files in order, fragmented or not).
     */
    void export(Path dir) {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode manifest = json.createArrayNode();
        try {
            Files.createDirectories(dir);
            for (Kind k : kinds) {
                ObjectNode entry = manifest.addObject();
                entry.put("name", k.name());
                entry.put("fragmented", k.fragmented());
                ArrayNode files = entry.putArray("files");
                for (int i = 0; i < k.wire().size(); i++) {
                    String file = k.name() + "." + i + ".bin";
                    Files.write(dir.resolve(file), k.wire().get(i));
                    files.add(file);
                }
            }
            json.writeValue(dir.resolve("datagrams.json").toFile(), manifest);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export the datagrams to " + dir + ": " + e.getMessage(), e);
        }
    }
}
