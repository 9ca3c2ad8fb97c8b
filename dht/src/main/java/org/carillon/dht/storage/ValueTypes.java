package org.carillon.dht.storage;

import java.io.ByteArrayInputStream;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.carillon.dht.crypto.ValueSigning;

/** The registry of value types: OpenDHT's built-in ones plus whatever upper layers add. */
public final class ValueTypes {
    public static final Duration DEFAULT_EXPIRATION = Duration.ofMinutes(10);

    /** Accepts what verifies (unsigned values always do). */
    static final ValueType.StorePolicy SECURE_STORE = (key, v, source) -> ValueSigning.verifies(v) ? v : null;

    /**
     * Signed values may be replaced by the same owner with a valid signature and a higher seq
     * (equal seq only for identical content); unsigned ones never by different content.
     */
    static final ValueType.EditPolicy SECURE_EDIT = (key, stored, replacement, source) -> {
        if (!stored.isSigned()) {
            return stored.equals(replacement);
        }
        if (!replacement.isSigned()
                || !Arrays.equals(stored.owner(), replacement.owner())
                || !ValueSigning.verifies(replacement)) {
            return false;
        }
        return replacement.seq() > stored.seq() || (replacement.seq() == stored.seq() && stored.equals(replacement));
    };

    private final Map<Integer, ValueType> types = new ConcurrentHashMap<>();
    private final ValueType fallback;

    private ValueTypes() {
        // OpenDHT answers unknown ids with the bare USER_DATA type: any value is stored, none is
        // ever edited (identical content is a refresh, handled before the edit policy).
        fallback = new ValueType(-1, "Unregistered", DEFAULT_EXPIRATION, (k, v, s) -> v, (k, a, b, s) -> false);
    }

    /** A registry holding the types of OpenDHT 2.4.12 (§9.3). */
    public static ValueTypes builtIn() {
        ValueTypes t = new ValueTypes();
        t.register(new ValueType(0, "User Data", Duration.ofMinutes(10), SECURE_STORE, SECURE_EDIT));
        t.register(new ValueType(1, "DHT message", Duration.ofMinutes(5), ValueTypes::storeDhtMessage, SECURE_EDIT));
        t.register(new ValueType(
                2,
                "Internet Service Announcement",
                Duration.ofMinutes(15),
                ValueTypes::storeServiceAnnouncement,
                (k, a, b, s) -> false));
        t.register(new ValueType(3, "IM message", Duration.ofMinutes(5), SECURE_STORE, SECURE_EDIT));
        t.register(new ValueType(4, "Certificate trust request", Duration.ofDays(7), SECURE_STORE, SECURE_EDIT));
        t.register(new ValueType(5, "ICE candidates", Duration.ofMinutes(1), SECURE_STORE, SECURE_EDIT));
        t.register(new ValueType(
                8,
                "Certificate",
                Duration.ofDays(7),
                (k, v, s) -> k.equals(certificateKeyId(v)) ? v : null,
                (k, a, b, s) -> k.equals(certificateKeyId(b))));
        return t;
    }

    public void register(ValueType type) {
        types.put(type.id(), type);
    }

    /** The type of that id, or the 10-minute type OpenDHT applies to unknown ids (stores all, edits none). */
    public ValueType get(int id) {
        return types.getOrDefault(id, fallback);
    }

    /** Rejects {@code [service, data]} messages with an empty service; other payloads pass. */
    private static Value storeDhtMessage(InfoHash key, Value v, InetSocketAddress source) {
        byte[] d = v.data();
        // fixarray of 2 whose first element is an empty fixstr
        if (d.length >= 2 && (d[0] & 0xff) == 0x92 && (d[1] & 0xff) == 0xa0) {
            return null;
        }
        return ValueSigning.verifies(v) ? v : null;
    }

    /**
     * The data is a msgpack bin of a Linux sockaddr; the storing node replaces the address by
     * the sender's, keeping the announced port. Port 0 is refused.
     */
    private static Value storeServiceAnnouncement(InfoHash key, Value v, InetSocketAddress source) {
        byte[] d = v.data();
        int header = d.length > 0 && (d[0] & 0xff) == 0xc4 ? 2 : -1;
        if (header < 0 || d.length < header + 4 || (d[1] & 0xff) != d.length - 2) {
            return null;
        }
        int port = ((d[header + 2] & 0xff) << 8) | (d[header + 3] & 0xff);
        if (port == 0) {
            return null;
        }
        byte[] ip = source.getAddress().getAddress();
        boolean v4 = source.getAddress() instanceof Inet4Address;
        byte[] sockaddr = new byte[v4 ? 16 : 28];
        sockaddr[0] = (byte) (v4 ? 2 : 10); // family, little-endian 16 bits
        sockaddr[2] = (byte) (port >>> 8);
        sockaddr[3] = (byte) port;
        System.arraycopy(ip, 0, sockaddr, v4 ? 4 : 8, ip.length);
        byte[] data = new byte[2 + sockaddr.length];
        data[0] = (byte) 0xc4;
        data[1] = (byte) sockaddr.length;
        System.arraycopy(sockaddr, 0, data, 2, sockaddr.length);
        return new Value(v.id(), v.seq(), v.type(), data, v.userType(), null, v.recipient(), null, null, v.priority());
    }

    /** The public-key id of the first certificate in a type-8 value, or null if it is none. */
    static InfoHash certificateKeyId(Value v) {
        byte[] d = v.data();
        int off;
        if (d.length > 2 && (d[0] & 0xff) == 0xc4) {
            off = 2;
        } else if (d.length > 3 && (d[0] & 0xff) == 0xc5) {
            off = 3;
        } else if (d.length > 5 && (d[0] & 0xff) == 0xc6) {
            off = 5;
        } else {
            return null;
        }
        try {
            var cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(d, off, d.length - off));
            return InfoHash.sha1(cert.getPublicKey().getEncoded());
        } catch (Exception e) {
            return null; // not a certificate: the store policy refuses it
        }
    }
}
