package org.carillon.core.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.security.PublicKey;
import java.util.HexFormat;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.carillon.dht.crypto.ValueSigning;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

class DeviceAnnouncementTest {
    @Test
    void anAnnouncementIsSignedByTheAccountAndReadBack() {
        AccountKeys alice = TestAccounts.alice();
        Value value = DeviceAnnouncement.of(alice).toValue(alice);

        assertThat(value.type()).isZero();
        assertThat(value.seq()).isZero();
        assertThat(value.id()).isNotZero();
        assertThat(value.owner()).isEqualTo(alice.account().key().getPublic().getEncoded());
        assertThat(ValueSigning.verifies(value)).isTrue();
        assertThat(DeviceAnnouncement.key(alice.accountId()))
                .isEqualTo(alice.accountId().hash());

        DeviceAnnouncement read =
                DeviceAnnouncement.from(value, alice.accountId()).orElseThrow();
        assertThat(read.device()).isEqualTo(alice.deviceId().shortId());
        assertThat(read.deviceKey()).isEqualTo(alice.device().key().getPublic());
    }

    @Test
    void theDataIsJamisMsgpackMap() {
        AccountKeys alice = TestAccounts.alice();
        byte[] pk = alice.device().key().getPublic().getEncoded();
        byte[] data = DeviceAnnouncement.of(alice).toValue(alice).data();

        String hex = HexFormat.of().formatHex(data);
        String expected = "82" + "a3646576" + "c414" + alice.deviceId().shortId() + "a2706b" + "c5"
                + String.format("%04x", pk.length) + HexFormat.of().formatHex(pk);
        assertThat(hex).isEqualTo(expected);
    }

    @Test
    void anAnnouncementSignedByAnotherKeyIsRefused() {
        AccountKeys alice = TestAccounts.alice();
        AccountKeys bob = TestAccounts.bob();
        // bob signs an announcement of his device and someone stores it at alice's id
        Value byBob = DeviceAnnouncement.of(bob).toValue(bob);
        assertThat(DeviceAnnouncement.from(byBob, alice.accountId())).isEmpty();
        assertThat(DeviceAnnouncement.from(byBob, bob.accountId())).isPresent();
        // a device key signing for its own account is no account key
        Value byDevice = ValueSigning.sign(
                Value.of(7, 0, DeviceAnnouncement.of(alice).pack()),
                alice.device().key(),
                0);
        assertThat(DeviceAnnouncement.from(byDevice, alice.accountId())).isEmpty();
    }

    @Test
    void aDevIdThatIsNotThePublicKeysIsRefused() throws IOException {
        AccountKeys alice = TestAccounts.alice();
        byte[] data = pack(
                InfoHash.sha1(new byte[] {1}).toBytes(),
                alice.device().key().getPublic().getEncoded());
        Value value = ValueSigning.sign(Value.of(9, 0, data), alice.account().key(), 0);
        assertThat(DeviceAnnouncement.from(value, alice.accountId())).isEmpty();
    }

    @Test
    void unsignedTamperedOrMalformedValuesAreRefused() throws IOException {
        AccountKeys alice = TestAccounts.alice();
        DeviceAnnouncement announcement = DeviceAnnouncement.of(alice);
        assertThat(DeviceAnnouncement.from(Value.of(3, 0, announcement.pack()), alice.accountId()))
                .isEmpty();

        Value signed = announcement.toValue(alice);
        PublicKey other = TestAccounts.bob().device().key().getPublic();
        Value tampered = new Value(
                signed.id(),
                signed.seq(),
                signed.type(),
                DeviceAnnouncement.of(other).pack(),
                signed.userType(),
                signed.owner(),
                signed.recipient(),
                signed.signature(),
                null,
                0);
        assertThat(DeviceAnnouncement.from(tampered, alice.accountId())).isEmpty();

        for (byte[] junk : new byte[][] {
            {}, {(byte) 0xc0}, {(byte) 0x81, (byte) 0xa3, 'd', 'e', 'v'}, pack(new byte[3], new byte[3])
        }) {
            Value v = ValueSigning.sign(Value.of(5, 0, junk), alice.account().key(), 0);
            assertThat(DeviceAnnouncement.from(v, alice.accountId()))
                    .as(HexFormat.of().formatHex(junk))
                    .isEmpty();
        }
    }

    @Test
    void unknownKeysAndAnyKeyOrderAreAccepted() throws IOException {
        AccountKeys alice = TestAccounts.alice();
        byte[] pk = alice.device().key().getPublic().getEncoded();
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(3).packString("pk").packBinaryHeader(pk.length).writePayload(pk);
        p.packString("future").packInt(1);
        p.packString("dev")
                .packBinaryHeader(20)
                .writePayload(alice.deviceId().shortId().toBytes());
        Value v = ValueSigning.sign(
                Value.of(5, 0, p.toByteArray()), alice.account().key(), 0);
        assertThat(DeviceAnnouncement.from(v, alice.accountId()).map(DeviceAnnouncement::device))
                .contains(alice.deviceId().shortId());
    }

    private static byte[] pack(byte[] dev, byte[] pk) throws IOException {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(2).packString("dev").packBinaryHeader(dev.length).writePayload(dev);
        p.packString("pk").packBinaryHeader(pk.length).writePayload(pk);
        return p.toByteArray();
    }
}
