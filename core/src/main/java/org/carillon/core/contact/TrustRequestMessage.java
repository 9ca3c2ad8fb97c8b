package org.carillon.core.contact;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * The data of a type-4 "certificate trust request" value (§5), put encrypted at {@code
 * inbox:<device SHA-1 hex>}: a request ({@code confirm} false, the sender's vCard as payload)
 * or its acceptance ({@code confirm} true, empty payload).
 *
 * <p>Layout: jamid 13.7 ({@code dht::TrustRequest}) packs the map {@code {"service",
 * "conversationId", "payload" (bin), "confirm"}} in that order; HEAD ({@code TrustRequestMsg})
 * adds {@code "invitedMs"} (int64) last. Both read with msgpack-c's MSGPACK_DEFINE_MAP, which
 * looks keys up by name, ignores unknown ones and leaves missing ones at their default, so
 * either layout is read by either version. {@link #encode} writes 13.7's four keys and appends
 * {@code invitedMs} only when present: requests carry it (HEAD keeps the original invite time
 * across redeliveries), confirms do not (byte for byte what 13.7 sends; HEAD reads a missing
 * key as 0, "not given", which is also what it sends in its own confirms).
 *
 * @param service always {@link #SERVICE} from Jami; receivers drop anything else
 * @param conversationId the one-to-one conversation (40 hex), may be empty
 * @param payload the sender's vCard, empty in a confirm
 * @param confirm true for the acceptance of a request
 * @param invitedMs when the sender first issued the invitation (Unix ms), when given
 */
public record TrustRequestMessage(
        String service, String conversationId, byte[] payload, boolean confirm, OptionalLong invitedMs) {
    /** Jami's {@code DHT_TYPE_NS}. */
    public static final String SERVICE = "cx.ring";

    public TrustRequestMessage {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(invitedMs, "invitedMs");
        payload = payload.clone();
    }

    /** A request carrying {@code vcard}, as HEAD sends it (13.7 ignores {@code invitedMs}). */
    public static TrustRequestMessage request(String conversationId, byte[] vcard, long invitedMs) {
        return new TrustRequestMessage(SERVICE, conversationId, vcard, false, OptionalLong.of(invitedMs));
    }

    /** The acceptance of a request, as 13.7 sends it: empty payload, no invite time. */
    public static TrustRequestMessage confirmation(String conversationId) {
        return new TrustRequestMessage(SERVICE, conversationId, new byte[0], true, OptionalLong.empty());
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    public byte[] encode() {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(invitedMs.isPresent() ? 5 : 4);
            p.packString("service");
            p.packString(service);
            p.packString("conversationId");
            p.packString(conversationId);
            p.packString("payload");
            p.packBinaryHeader(payload.length); // std::vector<uint8_t>: msgpack-c packs a bin
            p.writePayload(payload);
            p.packString("confirm");
            p.packBoolean(confirm);
            if (invitedMs.isPresent()) {
                p.packString("invitedMs");
                p.packLong(invitedMs.getAsLong());
            }
            p.close();
            return p.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("packing in memory cannot fail", e);
        }
    }

    /**
     * Reads either version's layout (missing keys take msgpack-c's defaults: empty strings and
     * payload, false, no invite time; {@code invitedMs} 0 is HEAD's "not given"). Throws {@link
     * IllegalArgumentException} saying what is wrong when the data is not such a map.
     */
    public static TrustRequestMessage decode(byte[] data) {
        String service = "";
        String conversationId = "";
        byte[] payload = new byte[0];
        boolean confirm = false;
        OptionalLong invited = OptionalLong.empty();
        try (MsgpackReader in = new MsgpackReader(data)) {
            int entries = in.mapHeader("trust request");
            for (int i = 0; i < entries; i++) {
                String key = in.string("trust request key");
                switch (key) {
                    case "service":
                        service = in.string("service");
                        break;
                    case "conversationId":
                        conversationId = in.string("conversationId");
                        break;
                    case "payload":
                        payload = in.bytes("payload");
                        break;
                    case "confirm":
                        confirm = in.bool("confirm");
                        break;
                    case "invitedMs":
                        long ms = in.integer("invitedMs");
                        invited = ms > 0 ? OptionalLong.of(ms) : OptionalLong.empty();
                        break;
                    default:
                        in.skip("value of '" + key + "'");
                }
            }
            if (!in.atEnd()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after the trust request map");
            }
        }
        return new TrustRequestMessage(service, conversationId, payload, confirm, invited);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustRequestMessage m
                && confirm == m.confirm
                && service.equals(m.service)
                && conversationId.equals(m.conversationId)
                && Arrays.equals(payload, m.payload)
                && invitedMs.equals(m.invitedMs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(service, conversationId, Arrays.hashCode(payload), confirm, invitedMs);
    }

    @Override
    public String toString() {
        return "TrustRequestMessage[service=" + service + ", conversationId=" + conversationId + ", payload="
                + payload.length + " bytes"
                + (payload.length > 0 && payload.length < 200
                        ? " \"" + new String(payload, StandardCharsets.UTF_8).replace("\r\n", "\\r\\n") + "\""
                        : "")
                + ", confirm=" + confirm + ", invitedMs=" + invitedMs + "]";
    }
}
