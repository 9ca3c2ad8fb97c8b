package org.carillon.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.carillon.dht.Field;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;

/**
 * How dhtnode 2.4.12 prints values, field indexes, durations and addresses, so that its users
 * recognise the output. One deliberate difference: text coming from the network has its control
 * characters escaped, because a value must not be able to move the cursor or recolour a terminal.
 */
final class DhtnodeFormat {
    /** {@code IpServiceAnnouncement::TYPE} and {@code CERTIFICATE_TYPE}, which dhtnode prints specially. */
    static final int IP_SERVICE_ANNOUNCEMENT_TYPE = 2;

    static final int CERTIFICATE_TYPE = 8;

    /** dhtnode prints data as hex up to this size, then only the size. */
    private static final int MAX_HEX_DATA = 1024;

    private DhtnodeFormat() {}

    /**
     * {@code operator<<(Value)}: {@code Value[id:HEX [encrypted |signed (vSEQ) [decrypted ]]
     * data(UTYPE):"TEXT"]}; hex data for other user types, {@code N bytes} from 1024 bytes on.
     */
    static String value(Value v) {
        StringBuilder s =
                new StringBuilder("Value[id:").append(Long.toHexString(v.id())).append(' ');
        if (v.isEncrypted()) {
            s.append("encrypted ");
        } else if (v.isSigned()) {
            s.append("signed (v").append(v.seq()).append(") ");
            if (v.recipient() != null) {
                s.append("decrypted ");
            }
        }
        if (!v.isEncrypted()) {
            Optional<String> peer =
                    v.type() == IP_SERVICE_ANNOUNCEMENT_TYPE ? ipServiceAnnouncement(v.data()) : Optional.empty();
            if (peer.isPresent()) {
                s.append(peer.get());
            } else if (v.type() == CERTIFICATE_TYPE) {
                s.append("Certificate");
            } else {
                s.append(v.userType().isEmpty() ? "data:" : "data(" + printable(v.userType()) + "):");
                byte[] data = v.data();
                if (v.userType().equals("text/plain")) {
                    s.append('"').append(printable(utf8(data))).append('"');
                } else if (data.length < MAX_HEX_DATA) {
                    s.append(HexFormat.of().formatHex(data));
                } else {
                    s.append(data.length).append(" bytes");
                }
            }
        }
        return s.append(']').toString();
    }

    /** {@code operator<<(FieldValueIndex)}: {@code Index[Id:HEX,ValueType:N,Owner:HASH,Seq:N,UserType:TEXT]}. */
    static String index(Map<Field, Object> row) {
        StringBuilder s = new StringBuilder("Index[");
        String comma = "";
        for (Field field : Field.values()) {
            if (!row.containsKey(field)) {
                continue;
            }
            Object v = row.get(field);
            s.append(comma);
            comma = ",";
            if (field == Field.ID) {
                s.append("Id:").append(v instanceof Long id ? Long.toHexString(id) : String.valueOf(v));
            } else if (field == Field.VALUE_TYPE) {
                s.append("ValueType:").append(v);
            } else if (field == Field.OWNER_PK) {
                s.append("Owner:").append(ownerText(v));
            } else if (field == Field.SEQ_NUM) {
                s.append("Seq:").append(v);
            } else {
                s.append("UserType:").append(printable(v instanceof byte[] b ? utf8(b) : String.valueOf(v)));
            }
        }
        return s.append(']').toString();
    }

    private static String ownerText(Object owner) {
        if (owner instanceof byte[] der) {
            // the projection carries the whole public key: show its id, as the other fields show ids
            return der.length == InfoHash.SIZE
                    ? InfoHash.of(der).toString()
                    : InfoHash.sha1(der).toString();
        }
        return String.valueOf(owner);
    }

    /**
     * {@code print_duration}: microseconds below 1 ms, milliseconds below 1 s, then seconds,
     * minutes, hours, each with 3 significant digits ({@code %.3g}).
     */
    static String duration(Duration d) {
        if (d.isNegative()) {
            return "-" + duration(d.negated());
        }
        double nanos = d.toNanos();
        if (d.compareTo(Duration.ofMillis(1)) < 0) {
            return threeDigits(nanos / 1e3) + " us";
        } else if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            return threeDigits(nanos / 1e6) + " ms";
        } else if (d.compareTo(Duration.ofMinutes(1)) < 0) {
            return threeDigits(nanos / 1e9) + " s";
        } else if (d.compareTo(Duration.ofHours(1)) < 0) {
            return threeDigits(nanos / 60e9) + " min";
        }
        return threeDigits(nanos / 3600e9) + " h";
    }

    /** {@code %.3g} as C prints it for numbers below 1000: no exponent, no trailing zeros. */
    static String threeDigits(double x) {
        if (x == 0) {
            return "0";
        }
        return new BigDecimal(x).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /** {@code print_addr}: {@code 127.0.0.1:4222}, {@code [::1]:4222} (IPv6 in its shortest form). */
    static String address(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        String host = ip == null
                ? a.getHostString()
                : ip instanceof Inet6Address v6 ? "[" + ipv6(v6) + "]" : ip.getHostAddress();
        return a.getPort() == 0 ? host : host + ":" + a.getPort();
    }

    /** RFC 5952 text of an IPv6 address: lower case, the longest run of two or more zero groups as {@code ::}. */
    static String ipv6(Inet6Address a) {
        byte[] b = a.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLength - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(groups[i]));
        }
        return s.toString();
    }

    /**
     * {@code operator<<(IpServiceAnnouncement)}: {@code Peer: port P addr A}, from a msgpack bin
     * holding a Linux {@code sockaddr_in}/{@code sockaddr_in6}; empty when the data is not one.
     */
    static Optional<String> ipServiceAnnouncement(byte[] data) {
        ByteBuffer in = ByteBuffer.wrap(data);
        if (in.remaining() < 2) {
            return Optional.empty();
        }
        int marker = in.get() & 0xff;
        int length;
        if (marker == 0xc4) {
            length = in.get() & 0xff;
        } else if (marker == 0xc5 && in.remaining() >= 2) {
            length = in.getShort() & 0xffff;
        } else {
            return Optional.empty();
        }
        if (length != in.remaining() || length < 8) {
            return Optional.empty();
        }
        int family = (in.get() & 0xff) | ((in.get() & 0xff) << 8); // sa_family: host order (little endian)
        int port = in.getShort() & 0xffff;
        byte[] ip;
        if (family == 2) {
            ip = new byte[4];
        } else if (family == 10 && length >= 24) {
            in.getInt(); // flow info
            ip = new byte[16];
        } else {
            return Optional.empty();
        }
        in.get(ip);
        try {
            return Optional.of(
                    "Peer: port " + port + " addr " + address(new InetSocketAddress(InetAddress.getByAddress(ip), 0)));
        } catch (UnknownHostException cannotHappen) {
            return Optional.empty();
        }
    }

    /** UTF-8 text; bytes that are not UTF-8 become U+FFFD, as a terminal would show them. */
    static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException replacedNotThrown) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** {@code s} with control characters written as {@code \n}, {@code \t}, {@code \x1b}: safe to print. */
    static String printable(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
            if (control && b == null) {
                b = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (b == null) {
                continue;
            }
            if (!control) {
                b.append(c);
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c < 0x100) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b == null ? s : b.toString();
    }
}
