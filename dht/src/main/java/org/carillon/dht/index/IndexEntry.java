package org.carillon.dht.index;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One entry of the trie as stored on the DHT: the full linearized key it was inserted under and
 * the indexed value (OpenDHT's {@code IndexEntry}).
 */
record IndexEntry(byte[] prefix, IndexValue value) {
    IndexEntry {
        prefix = prefix.clone();
    }

    @Override
    public byte[] prefix() {
        return prefix.clone();
    }

    Prefix fullPrefix() {
        return Prefix.ofBytes(prefix);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IndexEntry e && Arrays.equals(e.prefix, prefix) && e.value.equals(value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(prefix) * 31 + value.hashCode();
    }

    @Override
    public String toString() {
        return "IndexEntry[" + HexFormat.of().formatHex(prefix) + " -> " + value + "]";
    }
}
