package org.carillon.dht.index;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The fields of an index's keys and the largest value, in bytes, each may hold (OpenDHT's {@code
 * Pht::KeySpec}). Two peers read each other's index only with the same spec: it decides the
 * padding, hence every bit of every key.
 *
 * @param fields field name → maximum length in bytes, in the byte-wise name order OpenDHT uses
 */
public record KeySpec(SortedMap<String, Integer> fields) {
    /** Largest field length accepted; keeps linearized keys (and index values) small. */
    public static final int MAX_FIELD_LENGTH = 1024;

    /** Most fields in a key. */
    public static final int MAX_FIELDS = 16;

    /** Field names compared as OpenDHT's {@code std::map<std::string,…>} does: unsigned bytes. */
    static final Comparator<String> NAME_ORDER =
            (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    public KeySpec {
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("a key spec needs at least one field");
        }
        if (fields.size() > MAX_FIELDS) {
            throw new IllegalArgumentException("a key spec has at most " + MAX_FIELDS + " fields");
        }
        TreeMap<String, Integer> copy = new TreeMap<>(NAME_ORDER);
        fields.forEach((name, length) -> {
            if (length == null || length < 0 || length > MAX_FIELD_LENGTH) {
                throw new IllegalArgumentException(
                        "field \"" + name + "\": length " + length + " not in 0.." + MAX_FIELD_LENGTH);
            }
            copy.put(name, length);
        });
        fields = Collections.unmodifiableSortedMap(copy);
    }

    /** A spec from field name → maximum length in bytes. */
    public static KeySpec of(Map<String, Integer> fields) {
        TreeMap<String, Integer> sorted = new TreeMap<>(NAME_ORDER);
        sorted.putAll(fields);
        return new KeySpec(sorted);
    }

    /**
     * The spec dhtnode's console gives an index the first time a command names it: the fields of
     * that command's key, each as long as its value there.
     */
    public static KeySpec fittingKey(Map<String, byte[]> key) {
        TreeMap<String, Integer> sorted = new TreeMap<>(NAME_ORDER);
        key.forEach((name, value) -> sorted.put(name, value.length));
        return new KeySpec(sorted);
    }

    /** Whether {@code key} has exactly these fields, each no longer than its maximum ({@code validKey}). */
    public boolean accepts(Map<String, byte[]> key) {
        if (key.size() != fields.size()) {
            return false;
        }
        for (Map.Entry<String, byte[]> e : key.entrySet()) {
            Integer max = fields.get(e.getKey());
            if (max == null || e.getValue() == null || e.getValue().length > max) {
                return false;
            }
        }
        return true;
    }

    /** Bytes every field takes once padded: the longest maximum plus the end-marker byte. */
    int paddedFieldLength() {
        return fields.values().stream().mapToInt(Integer::intValue).max().orElseThrow() + 1;
    }

    /** Bytes of every linearized key (and of the prefix stored in each entry). */
    int linearizedLength() {
        return paddedFieldLength() * fields.size();
    }
}
