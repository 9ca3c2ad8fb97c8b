package org.carillon.dht.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.SplittableRandom;
import org.carillon.dht.InfoHash;
import org.carillon.dht.wire.DiscoveryCodec.DhtAnnouncement;
import org.carillon.dht.wire.DiscoveryCodec.DiscoveryMessage;
import org.carillon.dht.wire.DiscoveryCodec.Garbage;
import org.carillon.dht.wire.DiscoveryCodec.OtherServices;
import org.carillon.dht.wire.DiscoveryCodec.Query;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The discovery datagrams, checked against bytes sent by a real {@code dhtnode -D} (OpenDHT
 * 2.4.12), captured inside a network namespace whose only interface was {@code lo}, so no
 * multicast left the machine: {@code unshare -n}, {@code ip route add 224.0.0.0/4 dev lo}, a
 * listener joined to 239.192.0.1:8888 on lo, then {@code dhtnode -D -p P -n N}.
 */
class DiscoveryCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    @ParameterizedTest(name = "dhtnode -D -p {1} -n {2}")
    @CsvSource({
        // announcement on start (multicast); node id as printed by dhtnode
        "81a364687493c4148e6f16fca24cd52c258ff133f26bc946353be33dcd115c07,"
                + " 4444, 7, 8e6f16fca24cd52c258ff133f26bc946353be33d",
        "81a364687493c414bb249e1ef8ff0d3d60f55a8af6d379f8b646b2aa5000, 80, 0, bb249e1ef8ff0d3d60f55a8af6d379f8b646b2aa",
        "81a364687493c4147ddacffd20dd7f0c02648ffa7dc987e78151ff39cdffffceffffffff,"
                + " 65535, 4294967295, 7ddacffd20dd7f0c02648ffa7dc987e78151ff39",
        // the unicast answer to a "q" sent from an ephemeral port: the same announcement
        "81a364687493c4148421e7106f29b2ab97000339336d85ed0081662acd115c07,"
                + " 4444, 7, 8421e7106f29b2ab97000339336d85ed0081662a",
    })
    void dhtnodeAnnouncementsDecodeAndOursAreTheSameBytes(String hex, int port, long network, String id) {
        byte[] captured = HEX.parseHex(hex);
        DhtAnnouncement expected = new DhtAnnouncement(InfoHash.fromHex(id), port, network);

        assertThat(DiscoveryCodec.decode(captured)).isEqualTo(expected);
        assertThat(HEX.formatHex(DiscoveryCodec.announcement(InfoHash.fromHex(id), port, network)))
                .isEqualTo(hex);
    }

    @Test
    void theQueryIsTheStringQLikeDhtnodes() {
        byte[] captured = HEX.parseHex("a171"); // dhtnode -D queries the group on start
        assertThat(DiscoveryCodec.decode(captured)).isEqualTo(new Query());
        assertThat(DiscoveryCodec.query()).isEqualTo(captured);
    }

    @Test
    void announcementsRoundTripOverTheWholeRange() {
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 500; i++) {
            InfoHash id = InfoHash.random(random);
            int port = random.nextInt(1, 65536);
            long network = random.nextLong(0, 0x1_0000_0000L);
            assertThat(DiscoveryCodec.decode(DiscoveryCodec.announcement(id, port, network)))
                    .isEqualTo(new DhtAnnouncement(id, port, network));
        }
    }

    @Test
    void otherServicesAreToldApartFromGarbage() {
        // {"jami": 1}: another application's announcement in the same format
        assertThat(DiscoveryCodec.decode(HEX.parseHex("81a46a616d6901")))
                .isEqualTo(new OtherServices(java.util.List.of("jami")));
        // {"jami": 1, "dht": [...]}: the DHT part is found among others
        InfoHash id = InfoHash.fromHex("8e6f16fca24cd52c258ff133f26bc946353be33d");
        byte[] both = HEX.parseHex("82a46a616d6901a364687493c414" + id + "cd115c07");
        assertThat(DiscoveryCodec.decode(both)).isEqualTo(new DhtAnnouncement(id, 4444, 7));
        // a newer sender's extra field is tolerated, as msgpack-c does
        byte[] longer = HEX.parseHex("81a364687494c414" + id + "cd115c07c3");
        assertThat(DiscoveryCodec.decode(longer)).isEqualTo(new DhtAnnouncement(id, 4444, 7));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "", // empty datagram
                "a171a171", // trailing bytes
                "a178", // "x": not the query
                "c0", // nil
                "2a", // a number
                "93010203", // an array
                "c40171", // bin "q"
                "80", // empty map
                "810102", // map without string keys
                "81a3646874", // map cut short
                "81a364687401", // dht payload not an array
                "81a364687492c414000102030405060708090a0b0c0d0e0f10111213cd115c", // 2 fields
                "81a364687493c413000102030405060708090a0b0c0d0e0f101112cd115c07", // 19-byte id
                "81a364687493a4617364660007", // id as str
                "81a364687493c414000102030405060708090a0b0c0d0e0f101112130007", // port 0
                "81a364687493c414000102030405060708090a0b0c0d0e0f10111213ce0001000007", // port 65536
                "81a364687493c414000102030405060708090a0b0c0d0e0f10111213ff07", // port -1
                "81a364687493c414000102030405060708090a0b0c0d0e0f10111213cd115ccf0000000100000000", // net 2^32
                "81a364687493c414000102030405060708090a0b0c0d0e0f10111213cd115cc0", // net nil
                "dfffffffff", // a map claiming 4 billion entries
                "c1", // reserved byte
            })
    void garbageIsReportedNeverThrown(String hex) {
        DiscoveryMessage m = DiscoveryCodec.decode(HEX.parseHex(hex));
        assertThat(m).as(hex).isInstanceOf(Garbage.class);
        assertThat(((Garbage) m).reason()).isNotBlank();
    }

    @Test
    void randomBytesNeverThrow() {
        SplittableRandom random = new SplittableRandom(8);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[random.nextInt(0, 64)];
            random.nextBytes(junk);
            assertThat(DiscoveryCodec.decode(junk)).isNotNull();
        }
    }

    @Test
    void anAnnouncementOutOfRangeIsRefusedAtEncoding() {
        InfoHash id = InfoHash.fromHex("8e6f16fca24cd52c258ff133f26bc946353be33d");
        assertThatThrownBy(() -> DiscoveryCodec.announcement(id, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DiscoveryCodec.announcement(id, 1, 1L << 32))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
