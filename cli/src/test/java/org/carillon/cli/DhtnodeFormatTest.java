package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.carillon.dht.Field;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.carillon.dht.interop.DhtnodeConsole.ConsoleValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Renderings checked against what dhtnode 2.4.12 printed (docs and the interop fixture's parser). */
class DhtnodeFormatTest {

    @Test
    void aTextValueLooksLikeDhtnodesAndItsParserReadsItBack() {
        Value v = Value.of(0xf06201ac1db9a4e5L, 0, "hello_from_A".getBytes(StandardCharsets.UTF_8), "text/plain");

        String line = DhtnodeFormat.value(v);

        // as dhtnode printed it in docs/interop.md
        assertThat(line).isEqualTo("Value[id:f06201ac1db9a4e5 data(text/plain):\"hello_from_A\"]");
        ConsoleValue parsed = ConsoleValue.parse("\t" + line).orElseThrow();
        assertThat(parsed.id()).isEqualTo(v.id());
        assertThat(parsed.text()).isEqualTo("hello_from_A");
        assertThat(parsed.userType()).isEqualTo("text/plain");
    }

    @Test
    void otherDataIsHexUnder1024BytesThenOnlyItsSize() {
        Value small = Value.of(1, 0, new byte[] {0, 1, (byte) 0xff});
        Value typed = Value.of(0x10, 3, new byte[] {0x0a}, "application/octet-stream");
        Value big = Value.of(2, 0, new byte[1024]);

        assertThat(DhtnodeFormat.value(small)).isEqualTo("Value[id:1 data:0001ff]");
        assertThat(DhtnodeFormat.value(typed)).isEqualTo("Value[id:10 data(application/octet-stream):0a]");
        assertThat(DhtnodeFormat.value(big)).isEqualTo("Value[id:2 data:1024 bytes]");
        assertThat(ConsoleValue.parse("\t" + DhtnodeFormat.value(small))
                        .orElseThrow()
                        .hexData())
                .containsExactly(0, 1, 0xff);
    }

    @Test
    void encryptedSignedAndCertificateValuesAreFlaggedAsDhtnodeDoes() {
        Value encrypted = Value.encrypted(0x110a22b8080d08bfL, new byte[32]);
        byte[] owner = new byte[] {1, 2, 3};
        Value signed = new Value(
                0x87e580144bab7ca2L,
                3,
                0,
                "hello_signed".getBytes(StandardCharsets.UTF_8),
                "text/plain",
                owner,
                null,
                new byte[] {9},
                null,
                0);
        Value decrypted = new Value(
                5,
                0,
                0,
                "s".getBytes(StandardCharsets.UTF_8),
                "text/plain",
                owner,
                InfoHash.ZERO,
                new byte[] {9},
                null,
                0);
        Value certificate = Value.of(1, DhtnodeFormat.CERTIFICATE_TYPE, new byte[] {1});

        assertThat(DhtnodeFormat.value(encrypted)).isEqualTo("Value[id:110a22b8080d08bf encrypted ]");
        assertThat(DhtnodeFormat.value(signed))
                .isEqualTo("Value[id:87e580144bab7ca2 signed (v3) data(text/plain):\"hello_signed\"]");
        assertThat(DhtnodeFormat.value(decrypted))
                .isEqualTo("Value[id:5 signed (v0) decrypted data(text/plain):\"s\"]");
        assertThat(DhtnodeFormat.value(certificate)).isEqualTo("Value[id:1 Certificate]");
        assertThat(ConsoleValue.parse("\t" + DhtnodeFormat.value(signed))
                        .orElseThrow()
                        .signed())
                .isTrue();
    }

    @Test
    void anIpServiceAnnouncementShowsItsPeer() {
        // msgpack bin8 of a Linux sockaddr_in: family 2 (LE), port 4222 (BE), 127.0.0.1, zero padding
        byte[] v4 = HexFormat.of().parseHex("c410" + "0200" + "107e" + "7f000001" + "0000000000000000");
        // sockaddr_in6: family 10, port 4222, flow info, ::1, scope id
        byte[] v6 = HexFormat.of()
                .parseHex("c41c" + "0a00" + "107e" + "00000000" + "00000000000000000000000000000001" + "00000000");

        assertThat(DhtnodeFormat.value(Value.of(7, DhtnodeFormat.IP_SERVICE_ANNOUNCEMENT_TYPE, v4)))
                .isEqualTo("Value[id:7 Peer: port 4222 addr 127.0.0.1]");
        assertThat(DhtnodeFormat.value(Value.of(7, DhtnodeFormat.IP_SERVICE_ANNOUNCEMENT_TYPE, v6)))
                .isEqualTo("Value[id:7 Peer: port 4222 addr [::1]]");
        // anything else under type 2 is shown as data rather than trusted
        assertThat(DhtnodeFormat.value(Value.of(7, DhtnodeFormat.IP_SERVICE_ANNOUNCEMENT_TYPE, new byte[] {1})))
                .isEqualTo("Value[id:7 data:01]");
    }

    @Test
    void aFieldIndexLooksLikeDhtnodesInFieldOrder() {
        Map<Field, Object> row = new LinkedHashMap<>();
        row.put(Field.SEQ_NUM, 0L);
        row.put(Field.USER_TYPE, "text/plain");
        row.put(Field.ID, 0x586937d0125d0aadL);
        row.put(Field.VALUE_TYPE, 0L);

        assertThat(DhtnodeFormat.index(row))
                .isEqualTo("Index[Id:586937d0125d0aad,ValueType:0,Seq:0,UserType:text/plain]");
    }

    @ParameterizedTest
    @CsvSource({
        "281000,       281 us",
        "90300,        90.3 us",
        "1000,         1 us",
        "0,            0 us",
        "2080000,      2.08 ms",
        "635000000,    635 ms",
        "1160000000,   1.16 s",
        "8730000000,   8.73 s",
        "90000000000,  1.5 min",
        "5400000000000, 1.5 h",
    })
    void durationsArePrintedWithThreeSignificantDigits(long nanos, String expected) {
        assertThat(DhtnodeFormat.duration(Duration.ofNanos(nanos))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "::1,                        ::1",
        "::,                         ::",
        "fd00::2,                    fd00::2",
        "2001:db8:0:0:1:0:0:1,       2001:db8::1:0:0:1",
        "2001:db8:0:1:1:1:1:1,       2001:db8:0:1:1:1:1:1",
        "fe80:0:0:0:0:0:0:0,         fe80::",
    })
    void ipv6AddressesAreWrittenShortestAsGetnameinfoDoes(String in, String expected) throws Exception {
        assertThat(DhtnodeFormat.ipv6((Inet6Address) InetAddress.getByName(in))).isEqualTo(expected);
    }

    @Test
    void addressesCarryTheirPort() throws Exception {
        assertThat(DhtnodeFormat.address(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 4301)))
                .isEqualTo("127.0.0.1:4301");
        assertThat(DhtnodeFormat.address(new InetSocketAddress(InetAddress.getByName("::1"), 4301)))
                .isEqualTo("[::1]:4301");
    }

    @Test
    void controlCharactersAreEscapedAndInvalidUtf8Replaced() {
        assertThat(DhtnodeFormat.printable("a\u001b[31mb\r\n\t\u007f\u0085\u2028"))
                .isEqualTo("a\\x1b[31mb\\r\\n\\t\\x7f\\x85\\u2028");
        assertThat(DhtnodeFormat.printable("plain é ✓")).isEqualTo("plain é ✓");
        assertThat(DhtnodeFormat.utf8(new byte[] {'o', 'k', (byte) 0xc3})).isEqualTo("ok\uFFFD");
    }
}
