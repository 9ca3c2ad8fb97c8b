package org.carillon.core.contact;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * Reads the msgpack maps Jami's payloads are made of, checking every declared length and count
 * against the bytes left before reading it, so a hostile header never allocates more than the
 * input holds. Types are read as msgpack-c converts them for MSGPACK_DEFINE_MAP structs: a
 * string or a blob accepts both str and bin. Every problem is an {@link
 * IllegalArgumentException} naming what was wrong.
 */
final class MsgpackReader implements AutoCloseable {
    /** Nesting we ever need is 3 (sync → peers → contact); deeper input is refused. */
    private static final int MAX_DEPTH = 8;

    private final MessageUnpacker in;
    private final int size;

    MsgpackReader(byte[] data) {
        if (data == null) {
            throw new IllegalArgumentException("no data");
        }
        this.in = MessagePack.newDefaultUnpacker(data);
        this.size = data.length;
    }

    long remaining() {
        return size - in.getTotalReadBytes();
    }

    boolean atEnd() {
        try {
            return !in.hasNext();
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable msgpack: " + e.getMessage(), e);
        }
    }

    ValueType next(String what) {
        try {
            if (!in.hasNext()) {
                throw new IllegalArgumentException("truncated: " + what + " missing");
            }
            MessageFormat f = in.getNextFormat();
            if (f == MessageFormat.NEVER_USED) {
                throw new IllegalArgumentException("invalid msgpack byte where " + what + " should be");
            }
            return f.getValueType();
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable msgpack at " + what + ": " + e.getMessage(), e);
        }
    }

    boolean nextIsNil() {
        return next("a value") == ValueType.NIL;
    }

    int mapHeader(String what) {
        expect(ValueType.MAP, what);
        try {
            int n = in.unpackMapHeader();
            if (n < 0 || (long) n * 2 > remaining()) {
                throw new IllegalArgumentException(what + ": map of " + Integer.toUnsignedString(n)
                        + " entries does not fit in the " + remaining() + " bytes left");
            }
            return n;
        } catch (org.msgpack.core.MessageSizeException e) {
            throw new IllegalArgumentException(what + ": map size over 2^31 does not fit in the input", e);
        } catch (IOException | MessagePackException e) {
            throw new IllegalArgumentException("unreadable " + what + ": " + e, e);
        }
    }

    String string(String what) {
        return utf8(raw(what), what);
    }

    byte[] bytes(String what) {
        return raw(what);
    }

    boolean bool(String what) {
        expect(ValueType.BOOLEAN, what);
        try {
            return in.unpackBoolean();
        } catch (IOException | MessagePackException e) {
            throw new IllegalArgumentException("unreadable " + what + ": " + e.getMessage(), e);
        }
    }

    long integer(String what) {
        expect(ValueType.INTEGER, what);
        try {
            return in.unpackLong(); // uint64 above 2^63 throws: no field of ours goes there
        } catch (IOException | MessagePackException e) {
            throw new IllegalArgumentException(what + " is not a 64-bit integer: " + e.getMessage(), e);
        }
    }

    /** Skips one value of any kind, bounded in depth and by the input's length. */
    void skip(String what) {
        skip(what, 0);
    }

    private void skip(String what, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException(what + ": nested deeper than " + MAX_DEPTH);
        }
        ValueType t = next(what);
        try {
            switch (t) {
                case MAP: {
                    int n = mapHeader(what);
                    for (int i = 0; i < 2 * n; i++) {
                        skip(what, depth + 1);
                    }
                    break;
                }
                case ARRAY: {
                    int n = in.unpackArrayHeader();
                    if (n < 0 || n > remaining()) {
                        throw new IllegalArgumentException(what + ": array of " + Integer.toUnsignedString(n)
                                + " items does not fit in the " + remaining() + " bytes left");
                    }
                    for (int i = 0; i < n; i++) {
                        skip(what, depth + 1);
                    }
                    break;
                }
                case STRING:
                case BINARY:
                    raw(what);
                    break;
                default:
                    in.skipValue(); // scalars and extensions: skipValue checks the buffer
            }
        } catch (IOException | MessagePackException e) {
            throw new IllegalArgumentException("unreadable " + what + ": " + e.getMessage(), e);
        }
    }

    private byte[] raw(String what) {
        ValueType t = next(what);
        try {
            int n;
            if (t == ValueType.STRING) {
                n = in.unpackRawStringHeader();
            } else if (t == ValueType.BINARY) {
                n = in.unpackBinaryHeader();
            } else {
                throw new IllegalArgumentException(what + " should be a string or bytes, found " + name(t));
            }
            if (n < 0 || n > remaining()) {
                throw new IllegalArgumentException(
                        what + ": " + Integer.toUnsignedString(n) + " bytes declared, " + remaining() + " left");
            }
            return in.readPayload(n);
        } catch (org.msgpack.core.MessageSizeException e) {
            throw new IllegalArgumentException(what + ": over 2^31 bytes declared", e);
        } catch (IOException | MessagePackException e) {
            throw new IllegalArgumentException("unreadable " + what + ": " + e.getMessage(), e);
        }
    }

    private void expect(ValueType type, String what) {
        ValueType t = next(what);
        if (t != type) {
            throw new IllegalArgumentException(what + " should be " + name(type) + ", found " + name(t));
        }
    }

    private static String utf8(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " is not UTF-8");
        }
    }

    private static String name(ValueType t) {
        return t.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // reading from a byte array: nothing to release
        }
    }
}
