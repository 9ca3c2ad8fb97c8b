package org.carillon.core.message;

import java.io.IOException;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * The data of a type-3 value ("IM message", §7): OpenDHT 2.4.12's {@code ImMessage}, which
 * jamid 13.7 puts encrypted at {@code inbox:<recipient device>} for a text message, and which
 * the recipient answers with an acknowledgement carrying the same {@code id} and an empty text
 * at its own inbox. A msgpack map {@code {id, msg, date, status, datatype, metadatas}} in that
 * order.
 *
 * @param id the message token, an unsigned 64-bit number held in a {@code long}
 * @param text the message ({@code msg}); empty in an acknowledgement
 * @param dateSeconds when it was sent, Unix seconds
 * @param status OpenDHT's {@code ImStatus} (0 none, 1 sent, 2 displayed)
 * @param datatype the MIME type, {@code text/plain} for text; empty in an acknowledgement
 * @param metadata {@code metadatas}, free string pairs
 */
public record ImMessage(
        long id, String text, long dateSeconds, int status, String datatype, Map<String, String> metadata) {
    /** Type 3 in OpenDHT's default types (5-minute lifetime). */
    public static final int TYPE = 3;

    /** Larger than any value the DHT carries (64 KiB): anything bigger is not a message. */
    static final int MAX_BYTES = 64 * 1024;

    private static final int MAX_METADATA = 64;

    public ImMessage {
        if (text == null || datatype == null || metadata == null) {
            throw new IllegalArgumentException("a message needs its text, datatype and metadata (may be empty)");
        }
        metadata = Map.copyOf(metadata);
    }

    public static ImMessage text(long id, String text, long dateSeconds) {
        return new ImMessage(id, text, dateSeconds, 0, "text/plain", Map.of());
    }

    /** What the recipient puts back (encrypted to the sender) once it has the message: same id, nothing else. */
    public static ImMessage acknowledgement(long id, long dateSeconds) {
        return new ImMessage(id, "", dateSeconds, 0, "", Map.of());
    }

    public boolean isAcknowledgement() {
        return text.isEmpty() && datatype.isEmpty();
    }

    public byte[] encode() {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(6);
            p.packString("id").packBigInteger(new BigInteger(Long.toUnsignedString(id)));
            p.packString("msg").packString(text);
            p.packString("date").packLong(dateSeconds);
            p.packString("status").packInt(status);
            p.packString("datatype").packString(datatype);
            p.packString("metadatas").packMapHeader(metadata.size());
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(metadata).entrySet()) {
                p.packString(e.getKey()).packString(e.getValue());
            }
            return p.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("msgpack into memory cannot fail", e);
        }
    }

    /** Reads the map in any key order; throws {@link IllegalArgumentException} saying what is wrong. */
    public static ImMessage decode(byte[] data) {
        if (data.length > MAX_BYTES) {
            throw new IllegalArgumentException("a message of " + data.length + " bytes is too large");
        }
        Long id = null;
        String text = "";
        long date = 0;
        int status = 0;
        String datatype = "";
        Map<String, String> metadata = new LinkedHashMap<>();
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(data)) {
            if (!u.hasNext() || u.getNextFormat().getValueType() != ValueType.MAP) {
                throw new IllegalArgumentException("a message is a msgpack map");
            }
            int entries = u.unpackMapHeader();
            for (int i = 0; i < entries; i++) {
                String key = string(u, "key");
                switch (key) {
                    case "id" -> id = unsigned64(u);
                    case "msg" -> text = string(u, "msg");
                    case "date" -> date = integer(u, "date");
                    case "status" -> status = (int) integer(u, "status");
                    case "datatype" -> datatype = string(u, "datatype");
                    case "metadatas" -> {
                        if (u.getNextFormat().getValueType() != ValueType.MAP) {
                            throw new IllegalArgumentException("'metadatas' is not a map");
                        }
                        int n = u.unpackMapHeader();
                        if (n > MAX_METADATA) {
                            throw new IllegalArgumentException("'metadatas' has " + n + " entries");
                        }
                        for (int j = 0; j < n; j++) {
                            metadata.put(string(u, "metadata key"), string(u, "metadata value"));
                        }
                    }
                    default -> u.skipValue();
                }
            }
            if (u.hasNext()) {
                throw new IllegalArgumentException("bytes after the message's map");
            }
        } catch (IOException | MessagePackException e) {
            throw new IllegalArgumentException("not a message: " + e.getMessage(), e);
        }
        if (id == null) {
            throw new IllegalArgumentException("a message without 'id'");
        }
        return new ImMessage(id, text, date, status, datatype, metadata);
    }

    private static String string(MessageUnpacker u, String what) throws IOException {
        if (u.getNextFormat().getValueType() != ValueType.STRING) {
            throw new IllegalArgumentException("'" + what + "' is not a string");
        }
        return u.unpackString();
    }

    private static long integer(MessageUnpacker u, String what) throws IOException {
        if (u.getNextFormat().getValueType() != ValueType.INTEGER) {
            throw new IllegalArgumentException("'" + what + "' is not an integer");
        }
        return u.unpackLong();
    }

    /** A uint64 keeps all its 64 bits in a long (printed unsigned); a negative id is refused. */
    private static long unsigned64(MessageUnpacker u) throws IOException {
        MessageFormat f = u.getNextFormat();
        if (f.getValueType() != ValueType.INTEGER) {
            throw new IllegalArgumentException("'id' is not an integer");
        }
        BigInteger id = u.unpackBigInteger();
        if (id.signum() < 0 || id.bitLength() > 64) {
            throw new IllegalArgumentException("'id' " + id + " is not an unsigned 64-bit number");
        }
        return id.longValue();
    }
}
