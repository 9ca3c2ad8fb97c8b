package org.carillon.core.account;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.carillon.dht.crypto.PublicKeys;
import org.carillon.dht.crypto.ValueSigning;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * Jami's {@code DeviceAnnouncement} (§2, jami_contact.h): "this device belongs to this
 * account". Put at the account id as a type-0 value signed by the account key, data = msgpack
 * map {@code {"dev": bin(20) device SHA-1 id, "pk": bin(device DER SPKI)}}.
 *
 * @param device the device's SHA-1 key id
 * @param deviceKey the device's public key
 */
public record DeviceAnnouncement(InfoHash device, PublicKey deviceKey) {
    /** USER_DATA, as {@code DeviceAnnouncement::TYPE}. */
    public static final int TYPE = 0;

    private static final SecureRandom IDS = new SecureRandom();

    public DeviceAnnouncement {
        if (device == null || deviceKey == null) {
            throw new IllegalArgumentException("an announcement needs the device id and key");
        }
    }

    /** The announcement of {@code deviceKey}, with its id computed from the key. */
    public static DeviceAnnouncement of(PublicKey deviceKey) {
        return new DeviceAnnouncement(PublicKeys.id(deviceKey), deviceKey);
    }

    /** The announcement of the device whose keys these are. */
    public static DeviceAnnouncement of(AccountKeys keys) {
        return of(keys.device().key().getPublic());
    }

    /** The DHT key Jami puts it at: the account id itself, not hashed again. */
    public static InfoHash key(AccountId account) {
        return account.hash();
    }

    /** The value to put at the account id: signed by the account key, seq 0, a random id. */
    public Value toValue(AccountKeys keys) {
        Value unsigned = Value.of(Value.randomId(IDS), TYPE, pack());
        return ValueSigning.sign(unsigned, keys.account().key(), 0);
    }

    /** The msgpack data, keys in Jami's order ({@code MSGPACK_DEFINE_MAP(dev, pk)}). */
    byte[] pack() {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            byte[] pk = deviceKey.getEncoded();
            p.packMapHeader(2);
            p.packString("dev");
            p.packBinaryHeader(InfoHash.SIZE);
            p.writePayload(device.toBytes());
            p.packString("pk");
            p.packBinaryHeader(pk.length);
            p.writePayload(pk);
            p.close();
            return p.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("packing in memory cannot fail", e);
        }
    }

    /**
     * The announcement a value carries, when it is one of {@code account}'s: signed, the
     * signature verifies, the signer's key id is the account id, the data decodes and {@code
     * dev} is the SHA-1 id of {@code pk}. Anything else is empty (peers may put junk there).
     */
    public static Optional<DeviceAnnouncement> from(Value value, AccountId account) {
        if (value == null || account == null || value.isEncrypted() || !value.isSigned()) {
            return Optional.empty();
        }
        if (!account.hash().equals(value.ownerKeyId()) || !ValueSigning.verifies(value)) {
            return Optional.empty();
        }
        return unpack(value.data());
    }

    static Optional<DeviceAnnouncement> unpack(byte[] data) {
        byte[] dev = null;
        byte[] pk = null;
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(data)) {
            if (!u.hasNext() || u.getNextFormat().getValueType() != ValueType.MAP) {
                return Optional.empty();
            }
            int entries = u.unpackMapHeader();
            for (int i = 0; i < entries; i++) {
                if (u.getNextFormat().getValueType() != ValueType.STRING) {
                    return Optional.empty();
                }
                String name = u.unpackString();
                if (("dev".equals(name) || "pk".equals(name))
                        && u.getNextFormat().getValueType() == ValueType.BINARY) {
                    byte[] bytes = u.readPayload(u.unpackBinaryHeader());
                    if ("dev".equals(name)) {
                        dev = bytes;
                    } else {
                        pk = bytes;
                    }
                } else {
                    u.skipValue(); // msgpack-c's MSGPACK_DEFINE_MAP ignores unknown keys
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        if (dev == null || pk == null || dev.length != InfoHash.SIZE) {
            return Optional.empty();
        }
        if (!Arrays.equals(dev, InfoHash.sha1(pk).toBytes())) {
            return Optional.empty();
        }
        try {
            return Optional.of(new DeviceAnnouncement(InfoHash.of(dev), PublicKeys.fromDer(pk)));
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
