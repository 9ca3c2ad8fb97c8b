package org.carillon.cli;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.carillon.cli.Verb.Section;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.carillon.dht.secure.SecureDht;

/**
 * dhtnode's verbs that need the node's identity: {@code s} puts a text signed with our key,
 * {@code e} signs it and encrypts it for the owner of another public key, whose certificate is
 * looked up on the DHT. Like {@code p}, both put a {@code text/plain} value of type 0, once.
 */
final class SecureVerbs {
    /** dhtnode's answer when a node without identity is asked to sign or encrypt. */
    static final String IDENTITY_REQUIRED = "An identity is required to perform this operation (run with -i)";

    /**
     * Room a value keeps for what signing and encryption add to its data and user type: the
     * owner's public key (550 bytes for RSA-4096), the signature (512), and for encryption an RSA
     * block of the recipient's key (512 for 4096 bits) plus 28 bytes of AES-GCM.
     */
    static final int SIGNED_OVERHEAD = 4096;

    private SecureVerbs() {}

    static Verb putSigned() {
        return Verb.of(
                "s",
                Section.DHT,
                "s <key> <str>",
                "Put string value at <key>, signed with our generated private key.",
                2,
                2,
                SecureVerbs::putSigned);
    }

    static Verb putEncrypted() {
        return Verb.of(
                "e",
                Section.DHT,
                "e <key> <dest> <str>",
                "Put string value at <key>, encrypted for <dest> with its public key (if found).\n"
                        + "<dest> is a public key ID, as 'Public key ID' shows it.",
                3,
                3,
                SecureVerbs::putEncrypted);
    }

    private static void putSigned(Invocation call) {
        InfoHash key = call.key(0);
        SecureDht secure = identityLayer(call);
        Value value = textValue(call, call.arg(1));
        long start = call.session().now();
        CompletableFuture<Long> put = secure.putSigned(key, value, false);
        call.session().track(call, put.whenComplete((stored, error) -> {
            String failure = DhtnodeVerbs.failure(call, error);
            call.out().putSignedDone(call, key, stored == null ? value.id() : stored, call.since(start), failure);
        }));
    }

    private static void putEncrypted(Invocation call) {
        InfoHash key = call.key(0);
        SecureDht secure = identityLayer(call);
        InfoHash recipient = recipient(call, 1);
        Value value = textValue(call, call.arg(2));
        long start = call.session().now();
        CompletableFuture<Long> put = secure.putEncrypted(key, recipient, value, false);
        call.session().track(call, put.whenComplete((stored, error) -> {
            String failure = DhtnodeVerbs.failure(call, error);
            call.out()
                    .putEncryptedDone(
                            call, key, recipient, stored == null ? value.id() : stored, call.since(start), failure);
        }));
    }

    private static SecureDht identityLayer(Invocation call) {
        return call.node().secure().orElseThrow(() -> new CommandError(IDENTITY_REQUIRED));
    }

    /** Argument {@code index} as a public key ID: exactly 40 hex digits, not all zero. */
    private static InfoHash recipient(Invocation call, int index) {
        String typed = call.arg(index);
        if (typed.length() != 2 * InfoHash.SIZE || !InfoHash.isLiteralKey(typed)) {
            String shown = typed.length() > 64 ? typed.substring(0, 64) + "..." : typed;
            throw call.usage("<dest> must be a public key ID of 40 hex digits, as 'Public key ID' shows it, got '"
                    + DhtnodeFormat.printable(shown) + "'");
        }
        return InfoHash.fromHex(typed);
    }

    /** A text/plain value of type 0 with an id chosen here, so that a failed put can name it. */
    private static Value textValue(Invocation call, String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        int room = Value.MAX_SIZE - DhtnodeVerbs.TEXT_PLAIN.length() - SIGNED_OVERHEAD;
        if (data.length > room) {
            throw new CommandError(
                    "value too large: " + data.length + " bytes, at most " + room + " once signed (and encrypted)");
        }
        return Value.of(call.session().newValueId(), DhtnodeVerbs.USER_DATA, data, DhtnodeVerbs.TEXT_PLAIN);
    }
}
