package org.carillon.dht.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes MessagePack exactly as msgpack-c does for OpenDHT: smallest integer encodings,
 * unsigned only (ids at or above 2^63 as {@code 0xcf}), str8 for 32..255-byte strings, bin
 * for blobs.
 */
final class MsgpackWriter {
    private byte[] buf;
    private int size;

    MsgpackWriter(int capacity) {
        buf = new byte[capacity];
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    int size() {
        return size;
    }

    MsgpackWriter mapHeader(int n) {
        if (n < 16) {
            put(0x80 | n);
        } else if (n < 0x10000) {
            put(0xde).put16(n);
        } else {
            put(0xdf).put32(n);
        }
        return this;
    }

    MsgpackWriter arrayHeader(int n) {
        if (n < 16) {
            put(0x90 | n);
        } else if (n < 0x10000) {
            put(0xdc).put16(n);
        } else {
            put(0xdd).put32(n);
        }
        return this;
    }

    /** An unsigned integer; {@code v} holds the raw bits of a uint64. */
    MsgpackWriter uint(long v) {
        if (v >= 0 && v < 0x80) {
            put((int) v);
        } else if (v >= 0 && v < 0x100) {
            put(0xcc).put((int) v);
        } else if (v >= 0 && v < 0x10000) {
            put(0xcd).put16((int) v);
        } else if (v >= 0 && v < 0x1_0000_0000L) {
            put(0xce).put32(v);
        } else {
            put(0xcf).put32(v >>> 32).put32(v);
        }
        return this;
    }

    /**
     * A uint32 field held in an {@code int} (error code, {@code ve}, priority): the decoder
     * maps values above 2^31 to negative ints, so write the raw bits back unsigned rather than
     * sign-extending them into a uint64 no peer accepts.
     */
    MsgpackWriter uint32(int v) {
        return uint(Integer.toUnsignedLong(v));
    }

    MsgpackWriter bool(boolean b) {
        return put(b ? 0xc3 : 0xc2);
    }

    MsgpackWriter str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int n = b.length;
        if (n < 32) {
            put(0xa0 | n);
        } else if (n < 0x100) {
            put(0xd9).put(n);
        } else if (n < 0x10000) {
            put(0xda).put16(n);
        } else {
            put(0xdb).put32(n);
        }
        return raw(b, 0, n);
    }

    MsgpackWriter bin(byte[] b) {
        return bin(b, 0, b.length);
    }

    MsgpackWriter bin(byte[] b, int off, int n) {
        if (n < 0x100) {
            put(0xc4).put(n);
        } else if (n < 0x10000) {
            put(0xc5).put16(n);
        } else {
            put(0xc6).put32(n);
        }
        return raw(b, off, n);
    }

    /** Already-encoded MessagePack bytes. */
    MsgpackWriter raw(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, size, n);
        size += n;
        return this;
    }

    private MsgpackWriter put(int b) {
        ensure(1);
        buf[size++] = (byte) b;
        return this;
    }

    private MsgpackWriter put16(int v) {
        return put(v >>> 8).put(v);
    }

    private MsgpackWriter put32(long v) {
        return put((int) (v >>> 24)).put((int) (v >>> 16)).put((int) (v >>> 8)).put((int) v);
    }

    private void ensure(int n) {
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }
    }
}
