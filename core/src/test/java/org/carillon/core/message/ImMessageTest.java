package org.carillon.core.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

class ImMessageTest {
    /** The message and acknowledgement jamid 13.7 exchanged in the shared capture (decoded there). */
    private static final long CAPTURED_ID = 6545930941371764L;

    @Test
    void encodesTheKeysInOpendhtsOrder() throws IOException {
        byte[] data = ImMessage.text(CAPTURED_ID, "legacy hello over the DHT", 1795445620)
                .encode();

        List<String> keys = new ArrayList<>();
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(data)) {
            int n = u.unpackMapHeader();
            for (int i = 0; i < n; i++) {
                keys.add(u.unpackString());
                u.skipValue();
            }
        }
        assertThat(keys).containsExactly("id", "msg", "date", "status", "datatype", "metadatas");
        assertThat(ImMessage.decode(data))
                .isEqualTo(
                        new ImMessage(CAPTURED_ID, "legacy hello over the DHT", 1795445620, 0, "text/plain", Map.of()));
    }

    @Test
    void anAcknowledgementHasTheIdAndNothingElse() {
        ImMessage ack = ImMessage.decode(
                ImMessage.acknowledgement(CAPTURED_ID, 1795445620).encode());

        assertThat(ack.isAcknowledgement()).isTrue();
        assertThat(ack.id()).isEqualTo(CAPTURED_ID);
        assertThat(ImMessage.text(CAPTURED_ID, "hi", 0).isAcknowledgement()).isFalse();
    }

    @Test
    void idsAboveTwoToTheSixtyThreeKeepAllTheirBits() throws IOException {
        BigInteger big = new BigInteger("18178224921656346524"); // a uint64 as OpenDHT draws them
        byte[] data;
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(3);
            p.packString("datatype").packString("text/plain");
            p.packString("msg").packString("any order");
            p.packString("id").packBigInteger(big);
            data = p.toByteArray();
        }
        ImMessage m = ImMessage.decode(data);

        assertThat(Long.toUnsignedString(m.id())).isEqualTo(big.toString());
        assertThat(ImMessage.decode(m.encode()).id()).isEqualTo(m.id());
    }

    @Test
    void garbageIsRefusedWithAReason() throws IOException {
        assertThatThrownBy(() -> ImMessage.decode(new byte[] {(byte) 0xc1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a message");
        assertThatThrownBy(() -> ImMessage.decode(new byte[] {(byte) 0x90}))
                .hasMessageContaining("a message is a msgpack map");
        assertThatThrownBy(() -> ImMessage.decode(new byte[ImMessage.MAX_BYTES + 1]))
                .hasMessageContaining("too large");
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(1);
            p.packString("msg").packString("no id");
            byte[] noId = p.toByteArray();
            assertThatThrownBy(() -> ImMessage.decode(noId)).hasMessageContaining("without 'id'");
        }
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(1);
            p.packString("id").packLong(-1);
            byte[] negative = p.toByteArray();
            assertThatThrownBy(() -> ImMessage.decode(negative)).hasMessageContaining("not an unsigned 64-bit");
        }
    }
}
