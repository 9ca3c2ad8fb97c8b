package org.carillon.dht;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A value stored on the DHT, with every field OpenDHT's {@code Value} has on the wire.
 *
 * <p>A value is either <em>clear</em> (type, data, user type, and when signed: seq, owner,
 * recipient, signature) or <em>encrypted</em>, in which case only {@link #id}, {@link
 * #cypher} and {@link #priority} are meaningful. Value ids are unsigned 64-bit numbers held in
 * a {@code long}; print them with {@link Long#toUnsignedString(long, int)}.
 *
 * @param id random non-zero id chosen by the publisher; the same id is the same logical value
 * @param seq sequence number of a signed value (edits must increase it)
 * @param type value type id (see §9.3 of the protocol notes)
 * @param data application payload
 * @param userType MIME-like user type, empty when absent
 * @param owner DER SubjectPublicKeyInfo of the signer, or null when unsigned
 * @param recipient public-key id of the recipient, or null when not addressed
 * @param signature signature over the to-sign bytes, or null when unsigned
 * @param cypher encrypted body, or null for a clear value
 * @param priority OpenDHT's priority hint, 0 when absent
 */
public record Value(
        long id,
        int seq,
        int type,
        byte[] data,
        String userType,
        byte[] owner,
        InfoHash recipient,
        byte[] signature,
        byte[] cypher,
        int priority) {

    /** Largest value OpenDHT accepts ({@code MAX_VALUE_SIZE}). */
    public static final int MAX_SIZE = 64 * 1024;

    public Value {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(userType, "userType");
        if (owner != null && signature == null) {
            throw new IllegalArgumentException("a signed value needs its signature");
        }
    }

    /** A clear, unsigned value. */
    public static Value of(long id, int type, byte[] data) {
        return new Value(id, 0, type, data, "", null, null, null, null, 0);
    }

    /** A clear, unsigned value with a user type such as {@code text/plain}. */
    public static Value of(long id, int type, byte[] data, String userType) {
        return new Value(id, 0, type, data, userType, null, null, null, null, 0);
    }

    /** An encrypted value: nothing but id and cypher are visible to storage nodes. */
    public static Value encrypted(long id, byte[] cypher) {
        return new Value(id, 0, 0, new byte[0], "", null, null, null, cypher, 0);
    }

    /** A random non-zero id, as a publisher chooses one for a new value (§10.2). */
    public static long randomId(java.util.random.RandomGenerator random) {
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        return id;
    }

    public boolean isEncrypted() {
        return cypher != null;
    }

    public boolean isSigned() {
        return owner != null;
    }

    /** SHA-1 of the owner's DER public key (OpenDHT's short key id), or null when unsigned. */
    public InfoHash ownerKeyId() {
        return owner == null ? null : InfoHash.sha1(owner);
    }

    /** Size counted against storage quotas, as OpenDHT's {@code Value::size()}. */
    public int storageSize() {
        return data.length
                + (cypher == null ? 0 : cypher.length)
                + (signature == null ? 0 : signature.length)
                + userType.getBytes(StandardCharsets.UTF_8).length;
    }

    public Value withId(long newId) {
        return new Value(newId, seq, type, data, userType, owner, recipient, signature, cypher, priority);
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Value v
                && id == v.id
                && seq == v.seq
                && type == v.type
                && priority == v.priority
                && userType.equals(v.userType)
                && Arrays.equals(data, v.data)
                && Arrays.equals(owner, v.owner)
                && Objects.equals(recipient, v.recipient)
                && Arrays.equals(signature, v.signature)
                && Arrays.equals(cypher, v.cypher);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        String idHex = Long.toUnsignedString(id, 16);
        if (cypher != null) {
            return "Value[id:" + idHex + " encrypted " + cypher.length + " bytes]";
        }
        String text = userType.startsWith("text/")
                ? "\"" + new String(data, StandardCharsets.UTF_8) + "\""
                : data.length + " bytes";
        return "Value[id:" + idHex + (owner != null ? " signed (v" + seq + ")" : "") + " type:" + type
                + (userType.isEmpty() ? "" : " " + userType) + " data:" + text + "]";
    }
}
