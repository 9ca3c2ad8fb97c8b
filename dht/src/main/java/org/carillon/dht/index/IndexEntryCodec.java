package org.carillon.dht.index;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.carillon.dht.InfoHash;

/**
 * The data of an index entry value, byte for byte as msgpack-c writes OpenDHT's {@code
 * MSGPACK_DEFINE_MAP(prefix, value)}: {@code {"prefix": bin, "value": [bin(20), uint]}}.
 *
 * <p>Reading is total: anything else (wrong shapes, missing or unknown keys, truncated or
 * trailing bytes) is refused with an empty result, never an exception. Like msgpack-c, the
 * prefix may also come as a str, the keys in either order, the id in any non-negative integer
 * format.
 */
final class IndexEntryCodec {
    private static final byte[] PREFIX_KEY = "prefix".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VALUE_KEY = "value".getBytes(StandardCharsets.US_ASCII);

    private IndexEntryCodec() {}

    static byte[] encode(IndexEntry entry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + entry.prefix().length);
        out.write(0x82);
        writeFixStr(out, PREFIX_KEY);
        writeBin(out, entry.prefix());
        writeFixStr(out, VALUE_KEY);
        out.write(0x92);
        writeBin(out, entry.value().hash().toBytes());
        writeUnsigned(out, entry.value().valueId());
        return out.toByteArray();
    }

    private static void writeFixStr(ByteArrayOutputStream out, byte[] s) {
        out.write(0xa0 | s.length);
        out.writeBytes(s);
    }

    private static void writeBin(ByteArrayOutputStream out, byte[] b) {
        if (b.length < 0x100) {
            out.write(0xc4);
            out.write(b.length);
        } else if (b.length < 0x10000) {
            out.write(0xc5);
            out.write(b.length >>> 8);
            out.write(b.length);
        } else {
            out.write(0xc6);
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.write(b.length >>> shift);
            }
        }
        out.writeBytes(b);
    }

    /** The smallest form msgpack-c picks for a {@code uint64_t}. */
    private static void writeUnsigned(ByteArrayOutputStream out, long v) {
        if (Long.compareUnsigned(v, 0x80) < 0) {
            out.write((int) v);
            return;
        }
        int bytes;
        if (Long.compareUnsigned(v, 0x100) < 0) {
            out.write(0xcc);
            bytes = 1;
        } else if (Long.compareUnsigned(v, 0x10000) < 0) {
            out.write(0xcd);
            bytes = 2;
        } else if (Long.compareUnsigned(v, 0x1_0000_0000L) < 0) {
            out.write(0xce);
            bytes = 4;
        } else {
            out.write(0xcf);
            bytes = 8;
        }
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)));
        }
    }

    static Optional<IndexEntry> decode(byte[] data) {
        Reader r = new Reader(data);
        int entries = r.mapHeader();
        if (entries != 2) {
            return Optional.empty();
        }
        byte[] prefix = null;
        IndexValue value = null;
        for (int i = 0; i < 2 && !r.failed; i++) {
            byte[] key = r.str();
            if (Arrays.equals(key, PREFIX_KEY) && prefix == null) {
                prefix = r.binOrStr();
            } else if (Arrays.equals(key, VALUE_KEY) && value == null) {
                value = r.indexValue();
            } else {
                return Optional.empty();
            }
        }
        if (r.failed || prefix == null || value == null || r.pos != data.length) {
            return Optional.empty();
        }
        return Optional.of(new IndexEntry(prefix, value));
    }

    /** A cursor that turns every malformation into {@code failed}; lengths are checked before use. */
    private static final class Reader {
        private final byte[] data;
        private int pos;
        private boolean failed;

        Reader(byte[] data) {
            this.data = data;
        }

        private int u8() {
            if (pos >= data.length) {
                failed = true;
                return -1;
            }
            return data[pos++] & 0xff;
        }

        private long be(int bytes) {
            long v = 0;
            for (int i = 0; i < bytes; i++) {
                int b = u8();
                if (b < 0) {
                    return -1;
                }
                v = (v << 8) | b;
            }
            return v;
        }

        private byte[] take(long length) {
            if (failed || length < 0 || length > data.length - pos) {
                failed = true;
                return null;
            }
            byte[] b = Arrays.copyOfRange(data, pos, pos + (int) length);
            pos += (int) length;
            return b;
        }

        int mapHeader() {
            int t = u8();
            if (t >= 0x80 && t <= 0x8f) {
                return t & 0x0f;
            }
            if (t == 0xde) {
                return (int) be(2);
            }
            if (t == 0xdf) {
                long n = be(4);
                return n > Integer.MAX_VALUE ? -1 : (int) n;
            }
            failed = true;
            return -1;
        }

        byte[] str() {
            int t = u8();
            if (t >= 0xa0 && t <= 0xbf) {
                return take(t & 0x1f);
            }
            return switchStrLength(t, false);
        }

        byte[] binOrStr() {
            int t = u8();
            if (t >= 0xa0 && t <= 0xbf) {
                return take(t & 0x1f);
            }
            return switchStrLength(t, true);
        }

        private byte[] switchStrLength(int t, boolean binAllowed) {
            if (t == 0xd9 || (binAllowed && t == 0xc4)) {
                return take(be(1));
            }
            if (t == 0xda || (binAllowed && t == 0xc5)) {
                return take(be(2));
            }
            if (t == 0xdb || (binAllowed && t == 0xc6)) {
                return take(be(4));
            }
            failed = true;
            return null;
        }

        IndexValue indexValue() {
            if (u8() != 0x92) {
                failed = true;
                return null;
            }
            int t = u8();
            if (t != 0xc4 || u8() != InfoHash.SIZE) {
                failed = true;
                return null;
            }
            byte[] hash = take(InfoHash.SIZE);
            Long id = unsigned();
            if (failed || hash == null || id == null) {
                failed = true;
                return null;
            }
            return new IndexValue(InfoHash.of(hash), id);
        }

        /** Any integer msgpack-c would convert to a {@code uint64_t}: non-negative ones. */
        private Long unsigned() {
            int t = u8();
            if (t < 0) {
                return null;
            }
            if (t <= 0x7f) {
                return (long) t;
            }
            long v;
            switch (t) {
                case 0xcc, 0xd0 -> v = signExtend(be(1), t == 0xd0, 1);
                case 0xcd, 0xd1 -> v = signExtend(be(2), t == 0xd1, 2);
                case 0xce, 0xd2 -> v = signExtend(be(4), t == 0xd2, 4);
                case 0xcf -> v = be(8);
                case 0xd3 -> v = be(8);
                default -> {
                    failed = true;
                    return null;
                }
            }
            if (failed || (t >= 0xd0 && v < 0)) {
                failed = true; // a negative id is a type error for msgpack-c
                return null;
            }
            return v;
        }

        private static long signExtend(long v, boolean signed, int bytes) {
            if (!signed) {
                return v;
            }
            int shift = 64 - 8 * bytes;
            return (v << shift) >> shift;
        }
    }
}
