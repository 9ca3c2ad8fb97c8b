package org.carillon.dht.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a multi-field key into the one bit string the trie indexes ({@code Pht::linearize}): each
 * field padded to the same length behind an end-marker bit, then the fields' bits interleaved
 * (a z-curve), so keys sharing leading bytes in every field share a long prefix.
 */
final class KeyLinearizer {
    static final String INVALID_KEY = "Key does not match the PHT key spec.";

    private final KeySpec spec;

    KeyLinearizer(KeySpec spec) {
        this.spec = spec;
    }

    Prefix linearize(Map<String, byte[]> key) {
        if (!spec.accepts(key)) {
            throw new IllegalArgumentException(INVALID_KEY + " Expected fields (max bytes): " + spec.fields());
        }
        int padded = spec.paddedFieldLength();
        TreeMap<String, byte[]> ordered = new TreeMap<>(KeySpec.NAME_ORDER);
        ordered.putAll(key);
        List<byte[]> fields = new ArrayList<>(ordered.size());
        for (byte[] value : ordered.values()) {
            byte[] field = new byte[padded];
            System.arraycopy(value, 0, field, 0, value.length);
            field[value.length] = (byte) 0x80; // the bit right after the value: "the value ends here"
            fields.add(field);
        }
        if (fields.size() == 1) {
            // OpenDHT keeps a lone field as it is: its size counts the value's bits, not the padding
            return Prefix.of(fields.get(0), ordered.firstEntry().getValue().length * 8);
        }
        return Prefix.of(interleave(fields, padded), padded * fields.size() * 8);
    }

    /** Byte position by byte position, bit by bit (MSB first), one bit of each field in turn. */
    private static byte[] interleave(List<byte[]> fields, int padded) {
        int n = fields.size();
        byte[] out = new byte[padded * n];
        int outBit = 0;
        for (int bit = 0; bit < padded * 8; bit++) {
            for (byte[] field : fields) {
                if (((field[bit / 8] >> (7 - bit % 8)) & 1) != 0) {
                    out[outBit / 8] |= (byte) (0x80 >>> (outBit % 8));
                }
                outBit++;
            }
        }
        return out;
    }
}
