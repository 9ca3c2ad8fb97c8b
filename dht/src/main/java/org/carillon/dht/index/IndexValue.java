package org.carillon.dht.index;

import java.util.Objects;
import org.carillon.dht.InfoHash;

/**
 * What an index maps a key to: a DHT key and a value id there (OpenDHT's {@code
 * indexation::Value}, a {@code pair<InfoHash, Value::Id>}). dhtnode's {@code ii} always inserts
 * id 0.
 *
 * @param hash the key the indexed value lives at
 * @param valueId the indexed value's id (unsigned 64 bits)
 */
public record IndexValue(InfoHash hash, long valueId) {
    public IndexValue {
        Objects.requireNonNull(hash, "hash");
    }

    @Override
    public String toString() {
        return hash + "[vid: " + Long.toHexString(valueId) + "]";
    }
}
