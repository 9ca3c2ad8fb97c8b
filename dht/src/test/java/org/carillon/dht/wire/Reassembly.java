package org.carillon.dht.wire;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.carillon.dht.wire.Message.ValueParts;

/**
 * A minimal receiver for tests: decodes the datagrams {@link WireCodec#encode} produced, in
 * order, checks that value parts arrive in order and fill exactly the announced sizes, and
 * assembles the message. Any deviation is an {@link AssertionError}.
 */
public final class Reassembly {
    private Reassembly() {}

    /** encode → decode (→ reassemble → assemble): the packet a peer would see. */
    static Packet roundTrip(Packet packet) {
        return receive(WireCodec.encode(packet));
    }

    /** Receives the datagrams of one message: the message itself, then its value parts if any. */
    public static Packet receive(List<byte[]> datagrams) {
        if (datagrams.isEmpty()) {
            throw new AssertionError("no datagram");
        }
        DecodeResult first = WireCodec.decode(datagrams.get(0));
        if (first instanceof DecodeResult.Complete c) {
            if (datagrams.size() != 1) {
                throw new AssertionError("complete message followed by " + (datagrams.size() - 1) + " datagrams");
            }
            return c.packet();
        }
        if (!(first instanceof DecodeResult.AwaitingParts awaiting)) {
            throw new AssertionError("header rejected: " + first + " for " + hex(datagrams.get(0)));
        }
        List<Integer> sizes = awaiting.sizes();
        byte[][] values = new byte[sizes.size()][];
        int[] received = new int[sizes.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = new byte[sizes.get(i)];
        }
        for (byte[] datagram : datagrams.subList(1, datagrams.size())) {
            DecodeResult r = WireCodec.decode(datagram);
            if (!(r instanceof DecodeResult.Complete c) || !(c.packet().message() instanceof ValueParts parts)) {
                throw new AssertionError("not a value part: " + r + " for " + hex(datagram));
            }
            Packet fragment = c.packet();
            if (fragment.tid() != awaiting.header().tid()
                    || fragment.network() != awaiting.header().network()) {
                throw new AssertionError("fragment of another message: " + fragment);
            }
            if (fragment.agent() != null || fragment.client()) {
                throw new AssertionError("value parts carry no agent nor client flag: " + fragment);
            }
            for (var e : parts.parts().entrySet()) {
                int index = e.getKey();
                ValueParts.Part part = e.getValue();
                if (index < 0 || index >= values.length) {
                    throw new AssertionError("part for value " + index + " of " + values.length);
                }
                if (part.offset() != received[index]) {
                    throw new AssertionError("part at offset " + part.offset() + ", expected " + received[index]);
                }
                if (received[index] + part.data().length > values[index].length) {
                    throw new AssertionError("value " + index + " overflows its announced size " + sizes.get(index));
                }
                System.arraycopy(part.data(), 0, values[index], part.offset(), part.data().length);
                received[index] += part.data().length;
            }
        }
        for (int i = 0; i < values.length; i++) {
            if (received[i] != values[i].length) {
                throw new AssertionError("value " + i + " got " + received[i] + " of " + values[i].length + " bytes");
            }
        }
        DecodeResult whole = WireCodec.assemble(awaiting.header(), Arrays.asList(values));
        if (!(whole instanceof DecodeResult.Complete c)) {
            throw new AssertionError("assemble failed: " + whole);
        }
        return c.packet();
    }

    static String hex(byte[] b) {
        String h = HexFormat.of().formatHex(b, 0, Math.min(b.length, 512));
        return b.length > 512 ? h + "…(" + b.length + " bytes)" : h;
    }
}
