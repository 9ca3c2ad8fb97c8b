package org.carillon.core.contact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class TrustRequestMessageTest {
    private static final byte[] VCARD =
            "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:alice\r\nEND:VCARD\r\n".getBytes(StandardCharsets.UTF_8);
    private static final String CONV = "fcaa2e7acff6e40b78b035256f8506863b34fbab";

    @Test
    void confirmIsByteForByteWhatJamid137Sends() {
        // msgpack-c: fixmap 4, fixstr keys, str8 for the 40-hex id, bin8 empty payload, true
        String expected = "84" + "a7" + hex("service") + "a7" + hex("cx.ring")
                + "ae" + hex("conversationId") + "d928" + hex(CONV)
                + "a7" + hex("payload") + "c400"
                + "a7" + hex("confirm") + "c3";
        assertThat(HexFormat.of()
                        .formatHex(TrustRequestMessage.confirmation(CONV).encode()))
                .isEqualTo(expected);
    }

    @Test
    void requestHas137KeysInOrderThenInvitedMs() {
        byte[] data =
                TrustRequestMessage.request(CONV, VCARD, 1_795_445_620_484L).encode();
        String h = HexFormat.of().formatHex(data);
        assertThat(h).startsWith("85a7" + hex("service"));
        assertThat(h).contains("a7" + hex("payload") + "c42f" + HexFormat.of().formatHex(VCARD));
        assertThat(h.indexOf(hex("confirm"))).isLessThan(h.indexOf(hex("invitedMs")));
        TrustRequestMessage back = TrustRequestMessage.decode(data);
        assertThat(back.payload()).isEqualTo(VCARD);
        assertThat(back.invitedMs()).isEqualTo(OptionalLong.of(1_795_445_620_484L));
        assertThat(back.confirm()).isFalse();
    }

    @Test
    void decodesA137RequestWithAStringPayloadAndHeadsZeroInvite() {
        // 13.7 layout with the payload as str (msgpack-c converts str to a blob too), HEAD's invitedMs 0
        String h = "85" + "a7" + hex("service") + "a7" + hex("cx.ring")
                + "ae" + hex("conversationId") + "a0"
                + "a7" + hex("payload") + "a3" + hex("abc")
                + "a7" + hex("confirm") + "c2"
                + "a9" + hex("invitedMs") + "00";
        TrustRequestMessage m = TrustRequestMessage.decode(HexFormat.of().parseHex(h));
        assertThat(m.service()).isEqualTo("cx.ring");
        assertThat(m.payload()).isEqualTo("abc".getBytes(StandardCharsets.UTF_8));
        assertThat(m.invitedMs()).isEmpty();
    }

    @Test
    void unknownKeysAreSkippedAndMissingOnesDefault() {
        String h = "82" + "a5" + hex("extra") + "93010203" + "a7" + hex("confirm") + "c3";
        TrustRequestMessage m = TrustRequestMessage.decode(HexFormat.of().parseHex(h));
        assertThat(m.confirm()).isTrue();
        assertThat(m.service()).isEmpty();
        assertThat(m.payload()).isEmpty();
    }

    @Test
    void garbageIsRefusedWithAReason() {
        assertThatThrownBy(() -> TrustRequestMessage.decode(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> TrustRequestMessage.decode(HexFormat.of().parseHex("93010203")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("should be map");
        // a map claiming 2^32-1 entries in 5 bytes
        assertThatThrownBy(() -> TrustRequestMessage.decode(HexFormat.of().parseHex("dfffffffff")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not fit");
        // a payload claiming 4 GiB
        String h = "81" + "a7" + hex("payload") + "c6ffffffff00";
        assertThatThrownBy(() -> TrustRequestMessage.decode(HexFormat.of().parseHex(h)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("declared");
        assertThatThrownBy(() -> TrustRequestMessage.decode(HexFormat.of().parseHex("81a7" + hex("confirm") + "01")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("confirm should be boolean");
        assertThatThrownBy(() -> TrustRequestMessage.decode(HexFormat.of().parseHex("80c0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("after the trust request");
    }

    private static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }
}
