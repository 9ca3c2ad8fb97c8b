package org.carillon.core.contact;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * The data of a type-4 value at {@code inbox:<device>} (§5): jamid 13.7's {@code
 * dht::TrustRequest}, a msgpack map {@code {service, conversationId, payload, confirm}}; current
 * Jami adds {@code invitedMs}. We write 13.7's four keys (later versions read them, ignoring the
 * missing one) and read both.
 *
 * @param service always {@code cx.ring} for Jami; anything else is not for us
 * @param conversationId the one-to-one conversation (40 hex), may be empty
 * @param payload the sender's vCard (empty in a confirmation)
 * @param confirm true when this answers a request we sent
 * @param invitedMs when the request was made, when the sender said (current Jami only)
 */
public record TrustRequestMessage(
        String service, String conversationId, byte[] payload, boolean confirm, OptionalLong invitedMs) {
    public static final String JAMI_SERVICE = "cx.ring";

    /** Bigger than any value OpenDHT carries: anything larger is not a trust request. */
    private static final int MAX_BYTES = 64 * 1024;

    public TrustRequestMessage {
        if (service == null || conversationId == null || payload == null || invitedMs == null) {
            throw new IllegalArgumentException("a trust request needs service, conversation id and payload");
        }
    }

    public static TrustRequestMessage request(String conversationId, byte[] vcard) {
        return new TrustRequestMessage(JAMI_SERVICE, conversationId, vcard, false, OptionalLong.empty());
    }

    public static TrustRequestMessage confirmation(String conversationId) {
        return new TrustRequestMessage(JAMI_SERVICE, conversationId, new byte[0], true, OptionalLong.empty());
    }

    public byte[] encode() {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(4);
            p.packString("service").packString(service);
            p.packString("conversationId").packString(conversationId);
            p.packString("payload").packBinaryHeader(payload.length).writePayload(payload);
            p.packString("confirm").packBoolean(confirm);
            return p.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("msgpack into memory cannot fail", e);
        }
    }

    /** Reads either version's map; unknown keys are skipped. Throws {@link IllegalArgumentException} saying what is wrong. */
    public static TrustRequestMessage decode(byte[] data) {
        if (data.length > MAX_BYTES) {
            throw new IllegalArgumentException("a trust request of " + data.length + " bytes is too large");
        }
        String service = null;
        String conversationId = "";
        byte[] payload = new byte[0];
        boolean confirm = false;
        OptionalLong invitedMs = OptionalLong.empty();
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(data)) {
            if (!u.hasNext() || u.getNextFormat().getValueType() != ValueType.MAP) {
                throw new IllegalArgumentException("a trust request is a msgpack map");
            }
            int entries = u.unpackMapHeader();
            for (int i = 0; i < entries; i++) {
                if (u.getNextFormat().getValueType() != ValueType.STRING) {
                    throw new IllegalArgumentException("a trust request's keys are strings");
                }
                String key = u.unpackString();
                MessageFormat f = u.getNextFormat();
                switch (key) {
                    case "service" -> service = string(u, f, key);
                    case "conversationId" -> conversationId = string(u, f, key);
                    case "payload" -> payload = bytes(u, f);
                    case "confirm" -> {
                        if (f.getValueType() != ValueType.BOOLEAN) {
                            throw new IllegalArgumentException("'confirm' is not a boolean");
                        }
                        confirm = u.unpackBoolean();
                    }
                    case "invitedMs" -> {
                        if (f.getValueType() != ValueType.INTEGER) {
                            throw new IllegalArgumentException("'invitedMs' is not an integer");
                        }
                        invitedMs = OptionalLong.of(u.unpackLong());
                    }
                    default -> u.skipValue();
                }
            }
            if (u.hasNext()) {
                throw new IllegalArgumentException("bytes after the trust request's map");
            }
        } catch (IOException | org.msgpack.core.MessagePackException e) {
            throw new IllegalArgumentException("not a trust request: " + e.getMessage(), e);
        }
        if (service == null) {
            throw new IllegalArgumentException("a trust request without 'service'");
        }
        return new TrustRequestMessage(service, conversationId, payload, confirm, invitedMs);
    }

    private static String string(MessageUnpacker u, MessageFormat f, String key) throws IOException {
        if (f.getValueType() != ValueType.STRING) {
            throw new IllegalArgumentException("'" + key + "' is not a string");
        }
        return u.unpackString();
    }

    /** The payload is a bin in Jami's encoding; a str is taken as its UTF-8 bytes. */
    private static byte[] bytes(MessageUnpacker u, MessageFormat f) throws IOException {
        if (f.getValueType() == ValueType.BINARY) {
            return u.readPayload(u.unpackBinaryHeader());
        }
        if (f.getValueType() == ValueType.STRING) {
            return u.unpackString().getBytes(StandardCharsets.UTF_8);
        }
        throw new IllegalArgumentException("'payload' is neither bin nor str");
    }
}
