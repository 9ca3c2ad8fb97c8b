package org.carillon.dht;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/** A 160-bit DHT key or node id, compared by XOR distance as OpenDHT does. */
public final class InfoHash implements Comparable<InfoHash> {
    public static final int SIZE = 20;
    public static final InfoHash ZERO = new InfoHash(new byte[SIZE]);

    private final byte[] bytes;

    private InfoHash(byte[] bytes) {
        this.bytes = bytes;
    }

    public static InfoHash of(byte[] bytes) {
        if (bytes.length != SIZE) {
            throw new IllegalArgumentException("an InfoHash has 20 bytes, not " + bytes.length);
        }
        return new InfoHash(bytes.clone());
    }

    /** Parses 40 hex digits. */
    public static InfoHash fromHex(String hex) {
        if (hex.length() != 2 * SIZE) {
            throw new IllegalArgumentException("an InfoHash is 40 hex digits, got \"" + hex + "\"");
        }
        return new InfoHash(HexFormat.of().parseHex(hex));
    }

    /** SHA-1 of the bytes, like {@code InfoHash::get}. */
    public static InfoHash sha1(byte[] data) {
        try {
            return new InfoHash(MessageDigest.getInstance("SHA-1").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-1", e);
        }
    }

    /**
     * The key for a user-supplied string, as dhtnode reads it: a string whose first 40
     * characters are ASCII hex digits is taken literally (the rest is ignored), anything else is
     * hashed with SHA-1 of its UTF-8 bytes. Forty zeros are hashed too: OpenDHT treats the zero
     * hash as "no hash" and falls back to hashing the text.
     */
    public static InfoHash fromUserKey(String key) {
        return isLiteralKey(key) ? fromHex(key.substring(0, 2 * SIZE)) : sha1(key.getBytes(StandardCharsets.UTF_8));
    }

    /** True when {@link #fromUserKey} takes {@code key} literally rather than hashing it. */
    public static boolean isLiteralKey(String key) {
        return key.length() >= 2 * SIZE
                && key.substring(0, 2 * SIZE).chars().allMatch(InfoHash::isHexDigit)
                && !fromHex(key.substring(0, 2 * SIZE)).isZero();
    }

    public static InfoHash random(RandomGenerator random) {
        byte[] b = new byte[SIZE];
        do {
            for (int i = 0; i < SIZE; i++) {
                b[i] = (byte) random.nextInt(256);
            }
        } while (Arrays.equals(b, ZERO.bytes));
        return new InfoHash(b);
    }

    /** ASCII only: {@code Character.digit} would also accept e.g. fullwidth digits. */
    private static boolean isHexDigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Writes the 20 bytes into {@code dst} at {@code offset} without copying twice. */
    public void copyTo(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, SIZE);
    }

    public int byteAt(int i) {
        return bytes[i] & 0xff;
    }

    public boolean isZero() {
        return Arrays.equals(bytes, ZERO.bytes);
    }

    /** Compares the XOR distances of {@code a} and {@code b} to this hash. */
    public int xorCompare(InfoHash a, InfoHash b) {
        for (int i = 0; i < SIZE; i++) {
            int da = (a.bytes[i] ^ bytes[i]) & 0xff;
            int db = (b.bytes[i] ^ bytes[i]) & 0xff;
            if (da != db) {
                return Integer.compare(da, db);
            }
        }
        return 0;
    }

    /** Index (MSB = 0) of the first bit where this and {@code other} differ, or 160 if equal. */
    public int commonPrefixBits(InfoHash other) {
        for (int i = 0; i < SIZE; i++) {
            int x = (bytes[i] ^ other.bytes[i]) & 0xff;
            if (x != 0) {
                return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
            }
        }
        return SIZE * 8;
    }

    public boolean bit(int index) {
        return ((bytes[index / 8] >> (7 - index % 8)) & 1) != 0;
    }

    /** A copy of this hash with the given bit set or cleared. */
    public InfoHash withBit(int index, boolean value) {
        byte[] b = bytes.clone();
        int mask = 1 << (7 - index % 8);
        b[index / 8] = (byte) (value ? (b[index / 8] | mask) : (b[index / 8] & ~mask));
        return new InfoHash(b);
    }

    @Override
    public int compareTo(InfoHash o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InfoHash h && Arrays.equals(bytes, h.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
