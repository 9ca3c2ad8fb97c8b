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

    /**
     * What an encrypted value encrypts (§11.3): {@code {body: <to-sign map>, sig: bin}}, i.e.
     * the {@code dat} map of the signed value.
     */
    public static byte[] encryptionPlaintext(Value signed) {
        if (!signed.isSigned() || signed.isEncrypted()) {
            throw new IllegalArgumentException("only a clear signed value can be encrypted");
        }
        MsgpackWriter w = new MsgpackWriter(96 + signed.data().length + signed.owner().length);
        w.mapHeader(2).str("body");
        WireEncoder.toSign(w, signed);
        w.str("sig").bin(signed.signature());
        return w.toByteArray();
    }

    /**
     * The value an encrypted value's plaintext holds, with the outer value's id and priority;
     * empty when the plaintext is no valid {@code {body, sig}} map.
     */
    public static java.util.Optional<Value> decodeEncryptionPlaintext(Value encrypted, byte[] plaintext) {
        try {
            return java.util.Optional.of(WireDecoder.decryptedValue(encrypted.id(), encrypted.priority(), plaintext));
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** The packed size of a value on the wire. */
    public static int packedSize(Value value) {
        return WireEncoder.packValue(value).length;
    }
}
