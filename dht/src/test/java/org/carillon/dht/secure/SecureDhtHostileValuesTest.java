package org.carillon.dht.secure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.crypto.Identity;
import org.carillon.dht.crypto.IdentityGenerator;
import org.carillon.dht.crypto.PublicKeys;
import org.carillon.dht.crypto.RawEncryption;
import org.carillon.dht.crypto.ValueEncryption;
import org.carillon.dht.crypto.ValueSigning;
import org.carillon.dht.wire.WireCodec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The getter side of SecureDht (§11.6) against values no honest node would put: each is dropped
 * and counted, and never reaches a get's result, its batches or a listener.
 */
class SecureDhtHostileValuesTest {
    private static final InfoHash KEY = InfoHash.fromUserKey("hostile");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Ours: what SecureDht decrypts with. */
    private static final Identity ME = identity();
    /** An honest author whose values we read. */
    private static final KeyPair AUTHOR = rsa2048();
    /** Someone else: a third key. */
    private static final KeyPair STRANGER = rsa2048();

    private enum Drop {
        BAD_SIGNATURE,
        UNDECRYPTABLE
    }

    private FakeDht dht;
    private SecureDht secure;

    @BeforeEach
    void start() {
        dht = new FakeDht();
        secure = new SecureDht(dht, ME, RANDOM);
    }

    static Stream<Arguments> hostileValues() throws GeneralSecurityException {
        Value signed = ValueSigning.sign(text(101, "signed by the author"), AUTHOR, 3);
        Value forMe = encryptedForMe(102, "for me");
        byte[] cypher = forMe.cypher();
        int block = 256; // RSA-2048
        List<Arguments> cases = new ArrayList<>(List.of(
                hostile(
                        "random signature",
                        withSignature(signed, randomBytes(signed.signature().length)),
                        Drop.BAD_SIGNATURE),
                hostile("data changed after signing", withData(signed, bytes("changed")), Drop.BAD_SIGNATURE),
                hostile("seq raised after signing", withSeq(signed, 4), Drop.BAD_SIGNATURE),
                hostile(
                        "signed by another key than its owner",
                        withSignature(
                                signed,
                                ValueSigning.sign(text(101, "signed by the author"), STRANGER, 3)
                                        .signature()),
                        Drop.BAD_SIGNATURE),
                hostile("owner that is no public key", withOwner(signed, randomBytes(294)), Drop.BAD_SIGNATURE),
                hostile(
                        "signature cut short",
                        withSignature(signed, Arrays.copyOf(signed.signature(), 255)),
                        Drop.BAD_SIGNATURE),
                hostile(
                        "encrypted for another key",
                        ValueEncryption.encrypt(text(103, "for the stranger"), AUTHOR, 0, STRANGER.getPublic(), RANDOM),
                        Drop.UNDECRYPTABLE),
                hostile(
                        "sealed with our key but addressed to another",
                        sealed(104, ValueSigning.sign(addressed(104, PublicKeys.id(STRANGER.getPublic())), AUTHOR, 0)),
                        Drop.UNDECRYPTABLE),
                hostile(
                        "inner signature by another key than its owner",
                        sealed(
                                105,
                                withSignature(
                                        signed(105),
                                        ValueSigning.sign(addressed(105, ME.id()), STRANGER, 0)
                                                .signature())),
                        Drop.UNDECRYPTABLE),
                hostile("inner value unsigned", sealedRaw(106, unsignedBody("no owner")), Drop.UNDECRYPTABLE),
                hostile(
                        "plaintext that is no msgpack",
                        sealedRaw(107, bytes("not msgpack at all")),
                        Drop.UNDECRYPTABLE),
                hostile("cypher of 10 bytes", Value.encrypted(108, Arrays.copyOf(cypher, 10)), Drop.UNDECRYPTABLE),
                hostile(
                        "cypher one byte short of the RSA block",
                        Value.encrypted(109, Arrays.copyOf(cypher, block - 1)),
                        Drop.UNDECRYPTABLE),
                hostile(
                        "cypher cut inside IV and tag",
                        Value.encrypted(110, Arrays.copyOf(cypher, block + 20)),
                        Drop.UNDECRYPTABLE),
                hostile(
                        "cypher missing its last byte",
                        Value.encrypted(111, Arrays.copyOf(cypher, cypher.length - 1)),
                        Drop.UNDECRYPTABLE),
                hostile("cypher of zero bytes", Value.encrypted(112, new byte[0]), Drop.UNDECRYPTABLE)));
        int[] flips = {0, block - 1, block, block + 11, block + 12, cypher.length / 2, cypher.length - 1};
        for (int i : flips) {
            cases.add(hostile(
                    "cypher byte " + i + " flipped", Value.encrypted(120 + i, flip(cypher, i)), Drop.UNDECRYPTABLE));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileValues")
    void aGetDropsAndCountsIt(String what, Value hostile, Drop counter) {
        Value genuine = ValueSigning.sign(text(1, "genuine"), AUTHOR, 0);
        dht.put(KEY, hostile, false);
        dht.put(KEY, genuine, false);
        List<List<Value>> batches = Collections.synchronizedList(new ArrayList<>());

        List<Value> got = secure.get(KEY, Query.ALL, batches::add).join();

        assertThat(got).containsExactly(genuine);
        assertThat(batches).containsExactly(List.of(genuine));
        assertCounted(counter);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileValues")
    void aListenDropsAndCountsIt(String what, Value hostile, Drop counter) {
        List<List<Value>> heard = Collections.synchronizedList(new ArrayList<>());
        try (var listen = secure.listen(KEY, Query.ALL, (values, expired) -> heard.add(values))) {
            dht.put(KEY, hostile, false);
            assertThat(heard).isEmpty();
            assertCounted(counter);

            Value genuine = ValueSigning.sign(text(1, "genuine"), AUTHOR, 0);
            dht.put(KEY, genuine, false);
            assertThat(heard).containsExactly(List.of(genuine));

            dht.expire(KEY, hostile.id()); // its expiry is checked like its arrival
            assertThat(heard).hasSize(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileValues")
    void aListenStartedAfterItWasStoredDropsIt(String what, Value hostile, Drop counter) {
        dht.put(KEY, hostile, false);
        List<List<Value>> heard = Collections.synchronizedList(new ArrayList<>());
        try (var listen = secure.listen(KEY, Query.ALL, (values, expired) -> heard.add(values))) {
            assertThat(heard).isEmpty();
            assertCounted(counter);
        }
    }

    @Test
    void honestValuesOfEveryKindPassUncounted() throws Exception {
        Value plain = text(1, "plain");
        Value signed = ValueSigning.sign(text(2, "signed"), AUTHOR, 7);
        Value encrypted = encryptedForMe(3, "for me");
        Value sealedByHand = sealed(4, ValueSigning.sign(addressed(4, ME.id()), AUTHOR, 0));
        List<List<Value>> heard = Collections.synchronizedList(new ArrayList<>());
        try (var listen = secure.listen(KEY, Query.ALL, (values, expired) -> heard.addAll(List.of(values)))) {
            for (Value v : List.of(plain, signed, encrypted, sealedByHand)) {
                dht.put(KEY, v, false);
            }
        }
        List<Value> got = secure.get(KEY).join();

        assertThat(got).hasSize(4);
        assertThat(got.get(0)).isEqualTo(plain);
        assertThat(got.get(1)).isEqualTo(signed);
        assertThat(got.get(2).data()).isEqualTo(bytes("for me"));
        assertThat(got.get(2).recipient()).isEqualTo(ME.id());
        assertThat(got.get(2).owner()).isEqualTo(AUTHOR.getPublic().getEncoded());
        assertThat(got.get(3).data()).isEqualTo(bytes("addressed"));
        assertThat(heard).hasSize(4);
        assertThat(secure.badSignatures()).isZero();
        assertThat(secure.undecryptable()).isZero();
    }

    private void assertCounted(Drop counter) {
        assertThat(secure.badSignatures()).isEqualTo(counter == Drop.BAD_SIGNATURE ? 1 : 0);
        assertThat(secure.undecryptable()).isEqualTo(counter == Drop.UNDECRYPTABLE ? 1 : 0);
    }

    private static Arguments hostile(String what, Value v, Drop counter) {
        return Arguments.of(what, v, counter);
    }

    private static Value encryptedForMe(long id, String s) {
        return ValueEncryption.encrypt(text(id, s), AUTHOR, 0, ME.key().getPublic(), RANDOM);
    }

    /** A correctly signed value addressed to us, for hostile variants to start from. */
    private static Value signed(long id) {
        return ValueSigning.sign(addressed(id, ME.id()), AUTHOR, 0);
    }

    private static Value addressed(long id, InfoHash to) {
        return new Value(id, 0, 0, bytes("addressed"), "text/plain", null, to, null, null, 0);
    }

    /** {@code inner} (signed, as it is) in OpenDHT's plaintext layout, encrypted with our key. */
    private static Value sealed(long id, Value inner) throws GeneralSecurityException {
        return sealedRaw(id, WireCodec.encryptionPlaintext(inner));
    }

    private static Value sealedRaw(long id, byte[] plaintext) throws GeneralSecurityException {
        return Value.encrypted(id, RawEncryption.seal(plaintext, ME.key().getPublic()));
    }

    /** {@code {body: {type: 0, data: bin}}}: a well-formed body without owner or signature. */
    private static byte[] unsignedBody(String data) {
        byte[] d = bytes(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x81);
        out.writeBytes(fixstr("body"));
        out.write(0x82);
        out.writeBytes(fixstr("type"));
        out.write(0x00);
        out.writeBytes(fixstr("data"));
        out.write(0xc4);
        out.write(d.length);
        out.writeBytes(d);
        return out.toByteArray();
    }

    private static byte[] fixstr(String s) {
        byte[] b = bytes(s);
        byte[] out = new byte[b.length + 1];
        out[0] = (byte) (0xa0 | b.length);
        System.arraycopy(b, 0, out, 1, b.length);
        return out;
    }

    private static Value text(long id, String s) {
        return Value.of(id, 0, bytes(s), "text/plain");
    }

    private static Value withSignature(Value v, byte[] signature) {
        return new Value(
                v.id(), v.seq(), v.type(), v.data(), v.userType(), v.owner(), v.recipient(), signature, null, 0);
    }

    private static Value withData(Value v, byte[] data) {
        return new Value(
                v.id(), v.seq(), v.type(), data, v.userType(), v.owner(), v.recipient(), v.signature(), null, 0);
    }

    private static Value withSeq(Value v, int seq) {
        return new Value(
                v.id(), seq, v.type(), v.data(), v.userType(), v.owner(), v.recipient(), v.signature(), null, 0);
    }

    private static Value withOwner(Value v, byte[] owner) {
        return new Value(
                v.id(), v.seq(), v.type(), v.data(), v.userType(), owner, v.recipient(), v.signature(), null, 0);
    }

    private static byte[] flip(byte[] b, int index) {
        byte[] copy = b.clone();
        copy[index] ^= 1;
        return copy;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static KeyPair rsa2048() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048, RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Identity identity() {
        try {
            IdentityGenerator g = new IdentityGenerator(RANDOM);
            return g.identity("me", g.certificateAuthority("me CA"), 2048);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
