package org.carillon.dht.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bounded MessagePack parser into plain Java objects, total by construction: it either
 * returns an object tree or throws {@link Malformed}, never anything else. Every length is
 * checked against the bytes that remain before anything is allocated, and nesting is capped.
 *
 * <p>Mapping: non-negative integers → {@code Long} (uint64 above 2^63 keep their raw bits),
 * negative integers → {@link Negative}, str → {@code String}, bin → {@code byte[]}, array →
 * {@code List}, map → {@code LinkedHashMap} (keys as parsed, first occurrence wins), nil →
 * {@link #NIL}, bool → {@code Boolean}, float → {@code Double}, ext → {@link Ext}.
 */
final class MsgpackReader {
    static final Object NIL = new Object() {
        @Override
        public String toString() {
            return "nil";
        }
    };

    static final int MAX_DEPTH = 12;

    record Negative(long value) {}

    record Ext(int type, byte[] data) {}

    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private final byte[] buf;
    private final int end;
    private int pos;

    private MsgpackReader(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
    }

    /** Parses exactly one object that must span the whole input. */
    static Object parse(byte[] data) throws Malformed {
        MsgpackReader r = new MsgpackReader(data, 0, data.length);
        Object o = r.read(0);
        if (r.pos != r.end) {
            throw new Malformed((r.end - r.pos) + " trailing bytes after the message");
        }
        return o;
    }

    private Object read(int depth) throws Malformed {
        if (depth > MAX_DEPTH) {
            throw new Malformed("nesting deeper than " + MAX_DEPTH);
        }
        int b = u8();
        if (b <= 0x7f) {
            return (long) b;
        }
        if (b >= 0xe0) {
            return new Negative((byte) b);
        }
        if ((b & 0xf0) == 0x80) {
            return map(b & 0x0f, depth);
        }
        if ((b & 0xf0) == 0x90) {
            return array(b & 0x0f, depth);
        }
        if ((b & 0xe0) == 0xa0) {
            return str(b & 0x1f);
        }
        return switch (b) {
            case 0xc0 -> NIL;
            case 0xc2 -> Boolean.FALSE;
            case 0xc3 -> Boolean.TRUE;
            case 0xc4 -> bytes(u8());
            case 0xc5 -> bytes(u16());
            case 0xc6 -> bytes(u32());
            case 0xc7 -> ext(u8());
            case 0xc8 -> ext(u16());
            case 0xc9 -> ext(u32());
            case 0xca -> (double) Float.intBitsToFloat((int) u32());
            case 0xcb -> Double.longBitsToDouble(u64());
            case 0xcc -> (long) u8();
            case 0xcd -> (long) u16();
            case 0xce -> u32();
            case 0xcf -> u64();
            case 0xd0 -> signed((byte) u8());
            case 0xd1 -> signed((short) u16());
            case 0xd2 -> signed((int) u32());
            case 0xd3 -> signed(u64());
            case 0xd4 -> ext(1);
            case 0xd5 -> ext(2);
            case 0xd6 -> ext(4);
            case 0xd7 -> ext(8);
            case 0xd8 -> ext(16);
            case 0xd9 -> str(u8());
            case 0xda -> str(u16());
            case 0xdb -> str(u32());
            case 0xdc -> array(u16(), depth);
            case 0xdd -> array(u32(), depth);
            case 0xde -> map(u16(), depth);
            case 0xdf -> map(u32(), depth);
            default -> throw new Malformed("reserved byte 0x" + Integer.toHexString(b));
        };
    }

    private static Object signed(long v) {
        return v >= 0 ? (Object) v : new Negative(v);
    }

    private Map<Object, Object> map(long n, int depth) throws Malformed {
        if (n * 2 > end - pos) {
            throw new Malformed("map of " + n + " entries in " + (end - pos) + " bytes");
        }
        Map<Object, Object> m = new LinkedHashMap<>((int) n * 2);
        for (long i = 0; i < n; i++) {
            Object k = read(depth + 1);
            Object v = read(depth + 1);
            m.putIfAbsent(k instanceof byte[] ? new String((byte[]) k, StandardCharsets.ISO_8859_1) : k, v);
        }
        return m;
    }

    private List<Object> array(long n, int depth) throws Malformed {
        if (n > end - pos) {
            throw new Malformed("array of " + n + " elements in " + (end - pos) + " bytes");
        }
        List<Object> l = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            l.add(read(depth + 1));
        }
        return l;
    }

    private String str(long n) throws Malformed {
        need(n);
        String s = new String(buf, pos, (int) n, StandardCharsets.UTF_8);
        pos += (int) n;
        return s;
    }

    private byte[] bytes(long n) throws Malformed {
        need(n);
        byte[] b = new byte[(int) n];
        System.arraycopy(buf, pos, b, 0, (int) n);
        pos += (int) n;
        return b;
    }

    private Ext ext(long n) throws Malformed {
        int type = (byte) u8();
        return new Ext(type, bytes(n));
    }

    private void need(long n) throws Malformed {
        if (n > end - pos) {
            throw new Malformed("needs " + n + " bytes, " + (end - pos) + " left");
        }
    }

    private int u8() throws Malformed {
        need(1);
        return buf[pos++] & 0xff;
    }

    private int u16() throws Malformed {
        need(2);
        int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    private long u32() throws Malformed {
        need(4);
        long v = ((long) (buf[pos] & 0xff) << 24)
                | ((buf[pos + 1] & 0xff) << 16)
                | ((buf[pos + 2] & 0xff) << 8)
                | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    private long u64() throws Malformed {
        return (u32() << 32) | u32();
    }
}
