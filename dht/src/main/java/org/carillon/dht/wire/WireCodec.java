package org.carillon.dht.wire;

import java.util.List;
import org.carillon.dht.Value;

/** Entry point of the wire codec: datagrams to packets and back, byte for byte as OpenDHT 2.4.12. */
public final class WireCodec {
    private WireCodec() {}

    /** Decodes one datagram. Total: any input yields a result, never an exception. */
    public static DecodeResult decode(byte[] datagram) {
        try {
            return WireDecoder.decode(datagram);
        } catch (RuntimeException e) {
            // A bug, not an input problem: still never let a datagram take the node down.
            return new DecodeResult.Rejected(DecodeError.MALFORMED, "decoder fault: " + e);
        }
    }

    /** Completes a message announced by {@link DecodeResult.AwaitingParts} with its reassembled values. */
    public static DecodeResult assemble(Packet header, List<byte[]> packedValues) {
        try {
            return WireDecoder.assemble(header, packedValues);
        } catch (RuntimeException e) {
            return new DecodeResult.Rejected(DecodeError.MALFORMED, "decoder fault: " + e);
        }
    }

    /**
     * Encodes a packet into the datagrams to send, in order: the message itself, then the
     * value parts when its values are too large to ride inline (50 values / 600 bytes).
     */
    public static List<byte[]> encode(Packet packet) {
        return WireEncoder.encode(packet);
    }

    /** The canonical to-sign bytes of a value's body, which signatures cover. */
    public static byte[] toSignBytes(Value value) {
        MsgpackWriter w = new MsgpackWriter(64 + value.data().length);
        WireEncoder.toSign(w, value);
        return w.toByteArray();
    }

    /** The packed size of a value on the wire. */
    public static int packedSize(Value value) {
        return WireEncoder.packValue(value).length;
    }
}
