package org.carillon.dht.index;

import java.util.Arrays;
import java.util.HexFormat;
import org.carillon.dht.InfoHash;

/**
 * The label of a trie node: the first {@link #size} bits of a linearized key, as OpenDHT's
 * {@code indexation::Prefix}. The content may hold more bytes than the size needs (a linearized
 * key keeps its padding), so {@link #truncate} can reach bits past the size, as OpenDHT's {@code
 * getPrefix} does.
 */
final class Prefix {
    private final byte[] content;
    private final int size;

    private Prefix(byte[] content, int size) {
        this.content = content;
        this.size = size;
    }

    /** A prefix of {@code size} bits over {@code content} (kept whole, not masked). */
    static Prefix of(byte[] content, int size) {
        if (size < 0 || size > content.length * 8) {
            throw new IllegalArgumentException("a prefix of " + size + " bits over " + content.length + " bytes");
        }
        return new Prefix(content.clone(), size);
    }

    /** All the bits of {@code bytes}: how OpenDHT reads the prefix stored in an index entry. */
    static Prefix ofBytes(byte[] bytes) {
        return new Prefix(bytes.clone(), bytes.length * 8);
    }

    int size() {
        return size;
    }

    int contentBits() {
        return content.length * 8;
    }

    byte[] content() {
        return content.clone();
    }

    boolean contentEquals(byte[] other) {
        return Arrays.equals(content, other);
    }

    /** Bit {@code index} of the content, MSB of byte 0 first. */
    boolean bit(int index) {
        return ((content[index / 8] >> (7 - index % 8)) & 1) != 0;
    }

    /**
     * The first {@code bits} bits, the bits after them cleared (OpenDHT's {@code getPrefix} with a
     * non-negative length). The content is cut to the bytes those bits need.
     */
    Prefix truncate(int bits) {
        if (bits < 0 || bits >= contentBits()) {
            // OpenDHT throws out_of_range from the same check
            throw new IllegalArgumentException(
                    "prefix of " + bits + " bits out of a content of " + contentBits() + " bits");
        }
        byte[] cut = Arrays.copyOf(content, (bits + 7) / 8);
        int rem = bits % 8;
        if (rem != 0) {
            cut[bits / 8] &= (byte) (0xff << (8 - rem));
        }
        return new Prefix(cut, bits);
    }

    /** The prefix one bit shorter ({@code getPrefix(-1)}). */
    Prefix parent() {
        return truncate(size - 1);
    }

    /**
     * OpenDHT 2.4.12's "sibling": its bit swap flips bit {@code size-2} when {@code (size-1) % 8 !=
     * 0}, and otherwise the lowest bit of byte {@code (size-1)/8}, which lies past the size. Both
     * peers must compute the same keys, so the quirk is kept.
     */
    Prefix sibling() {
        if (size == 0) {
            return this;
        }
        int bit = size - 1;
        byte[] swapped = content.clone();
        swapped[bit / 8] ^= (byte) (1 << ((8 - bit % 8) % 8));
        return new Prefix(swapped, size);
    }

    /** The same content, its size grown to all of its bytes ({@code getFullSize}). */
    Prefix fullSize() {
        return new Prefix(content, contentBits());
    }

    /** Where the trie node for this prefix lives: SHA-1 of the content and the size's low byte. */
    InfoHash key() {
        byte[] input = Arrays.copyOf(content, content.length + 1);
        input[content.length] = (byte) size;
        return InfoHash.sha1(input);
    }

    /**
     * Leading bits two prefixes share, as OpenDHT's {@code commonBits}: it compares whole bytes, up
     * to a count of bytes equal to the smaller <em>bit</em> size, and answers 8 × that count when
     * they all match. Where that count runs past a content OpenDHT reads outside its buffer; here
     * the comparison stops at the shorter content instead.
     */
    static int commonBits(Prefix a, Prefix b) {
        int bytes = Math.min(Math.min(a.size, b.size), Math.min(a.content.length, b.content.length));
        for (int i = 0; i < bytes; i++) {
            int x = (a.content[i] ^ b.content[i]) & 0xff;
            if (x != 0) {
                return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
            }
        }
        return bytes * 8;
    }

    /** The first bit where {@code other} differs from this content, or -1 over the common bytes. */
    int firstDifference(byte[] other) {
        int bytes = Math.min(content.length, other.length);
        for (int i = 0; i < bytes; i++) {
            int x = (content[i] ^ other[i]) & 0xff;
            if (x != 0) {
                return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Prefix p && p.size == size && Arrays.equals(p.content, content);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(content) * 31 + size;
    }

    @Override
    public String toString() {
        StringBuilder bits = new StringBuilder(size);
        for (int i = 0; i < size; i++) {
            bits.append(bit(i) ? '1' : '0');
        }
        return "Prefix[" + size + " bits " + bits + " content " + HexFormat.of().formatHex(content) + "]";
    }
}
