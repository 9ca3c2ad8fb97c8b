package org.carillon.core.contact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.carillon.core.account.AccountId;
import org.carillon.dht.InfoHash;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

class DeviceSyncMessageTest {
    private static final AccountId ALICE = AccountId.parse("1fa9a52c39ca9cec3b8ecccef2044b9f9a40028d");
    private static final AccountId BOB = AccountId.parse("79056eeead8a23e43f63bc4695d19b5b23c685f4");

    @Test
    void roundTripsWith137KeysInOrder() {
        byte[] longId = new byte[32];
        longId[0] = 7;
        DeviceSyncMessage m = new DeviceSyncMessage(
                1_700_000_000_000_000_000L,
                "",
                List.of(new DeviceSyncMessage.KnownDevice(
                        longId, "laptop", InfoHash.fromHex("cf7c014f8242261ca19340a60c8fb0252ebcabcd"))),
                List.of(
                        new Contact(ALICE, 1_700_000_000L, 0, true, false, "fcaa2e7acff6e40b78b035256f8506863b34fbab"),
                        new Contact(BOB, 1_700_000_000L, 1_700_000_100L, false, true, "")),
                List.of(new DeviceSyncMessage.SyncedRequest(BOB, null, "", 1_700_000_050L)));
        byte[] data = m.encode();
        String h = HexFormat.of().formatHex(data);
        String[] keys = {"date", "device_name", "devices_known", "devices", "peers", "trust_requests"};
        int at = -1;
        for (String k : keys) {
            int i = h.indexOf(
                    String.format("%02x", 0xa0 | k.length()) + HexFormat.of().formatHex(k.getBytes()));
            assertThat(i).as(k).isGreaterThan(at);
            at = i;
        }
        DeviceSyncMessage back = DeviceSyncMessage.decode(data);
        assertThat(back.date()).isEqualTo(m.date());
        assertThat(back.peers()).isEqualTo(m.peers());
        assertThat(back.trustRequests()).singleElement().satisfies(r -> {
            assertThat(r.from()).isEqualTo(BOB);
            assertThat(r.deviceKey()).isNull();
            assertThat(r.receivedSeconds()).isEqualTo(1_700_000_050L);
        });
        assertThat(back.devices()).singleElement().satisfies(d -> {
            assertThat(d.name()).isEqualTo("laptop");
            assertThat(d.longId()).isEqualTo(longId);
        });
    }

    @Test
    void readsHeadsLayoutWithMillisecondKeys() throws IOException {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(5);
        p.packString("date").packLong(5);
        p.packString("device_name").packString("phone");
        p.packString("devices").packMapHeader(1);
        p.packBinaryHeader(32).writePayload(new byte[32]);
        p.packMapHeader(1).packString("name").packString("phone");
        p.packString("peers").packMapHeader(1);
        p.packBinaryHeader(20).writePayload(ALICE.hash().toBytes());
        p.packMapHeader(7);
        p.packString("added").packLong(1_700_000_000L);
        p.packString("removed").packLong(0);
        p.packString("confirmed").packBoolean(true);
        p.packString("banned").packBoolean(false);
        p.packString("conversationId").packString("");
        p.packString("addedMs").packLong(1_700_000_001_500L);
        p.packString("removedMs").packLong(0);
        p.packString("trust_requests").packMapHeader(0);
        DeviceSyncMessage m = DeviceSyncMessage.decode(p.toByteArray());
        assertThat(m.deviceName()).isEqualTo("phone");
        assertThat(m.devices())
                .singleElement()
                .satisfies(d -> assertThat(d.sha1()).isNull());
        assertThat(m.peers()).containsExactly(new Contact(ALICE, 1_700_000_001L, 0, true, false, ""));
    }

    @Test
    void garbageIsRefused() {
        assertThatThrownBy(
                        () -> DeviceSyncMessage.decode(HexFormat.of().parseHex("81a5" + "7065657273" + "dfffffff00")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("peers");
        assertThatThrownBy(() ->
                        DeviceSyncMessage.decode(HexFormat.of().parseHex("81a5" + "7065657273" + "81c40101" + "80")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("account id of 1 bytes");
    }
}
