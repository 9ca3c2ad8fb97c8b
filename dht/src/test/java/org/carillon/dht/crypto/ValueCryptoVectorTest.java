package org.carillon.dht.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.carillon.dht.wire.GoldenVectors;
import org.carillon.dht.wire.Message;
import org.carillon.dht.wire.Reassembly;
import org.carillon.dht.wire.WireCodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Signatures and encryption checked against values captured from real dhtnode 2.4.12 nodes (vectors 31–38). */
class ValueCryptoVectorTest {
    private static KeyPair smallKey;

    @BeforeAll
    static void generateKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048); // enough to exercise the layout; fixture keys cover 4096
        smallKey = g.generateKeyPair();
    }

    @Test
    void aValueSignedByDhtnodeVerifies() {
        Value signed = put("31-put-signed-value-header", "32-put-signed-value-part");
        assertThat(signed.isSigned()).isTrue();
        assertThat(ValueSigning.verifies(signed)).isTrue();
        assertThat(InfoHash.sha1(signed.owner()).toString()).startsWith("c2b7267d");
        Value tampered = withData(signed, "tampered".getBytes(StandardCharsets.UTF_8));
        assertThat(ValueSigning.verifies(tampered)).isFalse();
    }

    @Test
    void theCanonicalToSignBytesAreVerbatimInTheValueDhtnodeSent() {
        Value signed = put("31-put-signed-value-header", "32-put-signed-value-part");
        byte[] toSign = WireCodec.toSignBytes(signed);
        // Vector 32 is the only part of the value: its data is the value exactly as dhtnode packed it.
        byte[] sent = partData("32-put-signed-value-part");
        int body = indexOf(sent, toSign);
        assertThat(body).as("to-sign bytes inside the captured value").isPositive();
        // {.., dat: {body: <to-sign>, sig: bin 16 (0xc5 0x0200) <512 bytes>}}: the signature follows.
        byte[] sigHeader = {(byte) 0xa3, 's', 'i', 'g', (byte) 0xc5, 0x02, 0x00};
        int sig = body + toSign.length;
        assertThat(Arrays.copyOfRange(sent, sig, sig + sigHeader.length)).isEqualTo(sigHeader);
        assertThat(Arrays.copyOfRange(sent, sig + sigHeader.length, sig + sigHeader.length + 512))
                .isEqualTo(signed.signature());
        assertThat(sent.length).isEqualTo(sig + sigHeader.length + 512);
    }

    @Test
    void signingWithEsKeyRoundTripsAndNoSignatureVerifiesUnderTheOtherKey() throws Exception {
        Value byD = put("31-put-signed-value-header", "32-put-signed-value-part");
        KeyPair e = new KeyPair(chain("idE.crt").get(0).getPublicKey(), privateKey("idE.pem"));
        byte[] eOwner = e.getPublic().getEncoded();
        byte[] dOwner = byD.owner();

        Value byE = ValueSigning.sign(byD, e, byD.seq());
        assertThat(byE.signature()).hasSize(512).isNotEqualTo(byD.signature());
        assertThat(ValueSigning.verifies(byE)).isTrue();
        assertThat(ValueSigning.sign(byD, e, byD.seq()).signature())
                .as("PKCS#1 v1.5 signatures are deterministic")
                .isEqualTo(byE.signature());
        // Same body, the owner key swapped: D's to-sign bytes with E's SPKI where D's was.
        byte[] dBody = WireCodec.toSignBytes(byD);
        byte[] eBody = WireCodec.toSignBytes(byE);
        int owner = indexOf(dBody, dOwner);
        assertThat(eOwner).hasSameSizeAs(dOwner);
        byte[] expected = dBody.clone();
        System.arraycopy(eOwner, 0, expected, owner, eOwner.length);
        assertThat(eBody).isEqualTo(expected);
        // An independent verifier agrees on the canonical bytes.
        assertThat(jcaVerifies(e.getPublic(), eBody, byE.signature())).isTrue();

        assertThat(ValueSigning.verifies(withSignature(byE, byD.signature())))
                .as("D's signature under E's key")
                .isFalse();
        assertThat(ValueSigning.verifies(withSignature(byD, byE.signature())))
                .as("E's signature under D's key")
                .isFalse();
        byte[] eSignsDsBody = ValueSigning.signBytes(dBody, e.getPrivate());
        assertThat(jcaVerifies(e.getPublic(), dBody, eSignsDsBody)).isTrue();
        assertThat(ValueSigning.verifies(withSignature(byD, eSignsDsBody)))
                .as("E signing D's exact bytes still fails: D is the owner")
                .isFalse();
        assertThat(ValueSigning.verifies(withSignature(byE, ValueSigning.signBytes(dBody, e.getPrivate()))))
                .as("a signature over other bytes (D's owner) fails for E's value")
                .isFalse();
    }

    @Test
    void aValueDhtnodeEncryptedForEDecryptsWithEsKeyAndNoOtherKey() throws Exception {
        Value encrypted =
                put("33-put-encrypted-value-header", "34-put-encrypted-value-part-0", "35-put-encrypted-value-part-1");
        assertThat(encrypted.isEncrypted()).isTrue();
        assertThat(encrypted.cypher()).hasSize(1697); // 512 + 12 + 1157 + 16
        InfoHash e = PublicKeys.id(chain("idE.crt").get(0).getPublicKey());
        InfoHash d = PublicKeys.id(chain("idD.crt").get(0).getPublicKey());

        Optional<Value> clear = ValueEncryption.decrypt(encrypted, privateKey("idE.pem"), e);
        assertThat(clear).isPresent();
        assertThat(clear.get().recipient()).isEqualTo(e);
        assertThat(InfoHash.sha1(clear.get().owner())).isEqualTo(d);
        assertThat(clear.get().id()).isEqualTo(encrypted.id());

        assertThat(ValueEncryption.decrypt(encrypted, smallKey.getPrivate(), e))
                .as("another key")
                .isEmpty();
        assertThat(ValueEncryption.decrypt(encrypted, privateKey("idE.pem"), d))
                .as("addressed to someone else")
                .isEmpty();
    }

    @Test
    void encryptionRoundTripsWithOpenDhtsLayoutAndRejectsAnyFlippedByte() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair recipient = g.generateKeyPair();
        InfoHash recipientId = PublicKeys.id(recipient.getPublic());
        Value clear = Value.of(77, 3, "secret".getBytes(StandardCharsets.UTF_8), "text/plain");

        Value encrypted = ValueEncryption.encrypt(clear, smallKey, 5, recipient.getPublic(), new SecureRandom());
        assertThat(encrypted.id()).isEqualTo(77);
        byte[] plaintext = org.carillon.dht.wire.WireCodec.encryptionPlaintext(
                ValueSigning.sign(addressedTo(clear, recipientId), smallKey, 5));
        assertThat(encrypted.cypher()).hasSize(256 + 12 + plaintext.length + 16);

        Value back = ValueEncryption.decrypt(encrypted, recipient.getPrivate(), recipientId)
                .orElseThrow();
        assertThat(back.data()).isEqualTo(clear.data());
        assertThat(back.userType()).isEqualTo("text/plain");
        assertThat(back.seq()).isEqualTo(5);
        assertThat(back.type()).isEqualTo(3);
        assertThat(back.owner()).isEqualTo(smallKey.getPublic().getEncoded());

        for (int i : new int[] {0, 255, 256, 270, encrypted.cypher().length - 1}) {
            byte[] flipped = encrypted.cypher().clone();
            flipped[i] ^= 1;
            assertThat(ValueEncryption.decrypt(Value.encrypted(77, flipped), recipient.getPrivate(), recipientId))
                    .as("byte %d flipped", i)
                    .isEmpty();
        }
        assertThat(ValueEncryption.decrypt(Value.encrypted(77, new byte[10]), recipient.getPrivate(), recipientId))
                .isEmpty();
    }

    @Test
    void aCertificateAnnouncementIsStoredAtItsKeysId() throws Exception {
        List<byte[]> datagrams = List.of(
                GoldenVectors.load("36-put-certificate-header"),
                GoldenVectors.load("37-put-certificate-part-0"),
                GoldenVectors.load("38-put-certificate-part-1"));
        Message.Put put = (Message.Put) Reassembly.receive(datagrams).message();
        Value cert = put.values().get(0);
        assertThat(cert.id()).isEqualTo(1);
        assertThat(cert.type()).isEqualTo(8);
        List<X509Certificate> announced = CertificateValues.chain(cert);
        assertThat(announced).hasSize(2);
        assertThat(put.key()).isEqualTo(PublicKeys.id(announced.get(0).getPublicKey()));
        assertThat(CertificateValues.chain(CertificateValues.of(announced))).isEqualTo(announced);
    }

    private static Value put(String... names) {
        List<byte[]> datagrams = new ArrayList<>();
        for (String n : names) {
            datagrams.add(GoldenVectors.load(n));
        }
        return ((Message.Put) Reassembly.receive(datagrams).message()).values().get(0);
    }

    private static byte[] partData(String name) {
        var parts = (Message.ValueParts)
                ((org.carillon.dht.wire.DecodeResult.Complete) WireCodec.decode(GoldenVectors.load(name)))
                        .packet()
                        .message();
        assertThat(parts.parts()).hasSize(1);
        var part = parts.parts().values().iterator().next();
        assertThat(part.offset()).isZero();
        return part.data();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean jcaVerifies(java.security.PublicKey key, byte[] data, byte[] signature) throws Exception {
        Signature s = Signature.getInstance("SHA512withRSA");
        s.initVerify(key);
        s.update(data);
        return s.verify(signature);
    }

    static Value withSignature(Value v, byte[] signature) {
        return new Value(
                v.id(),
                v.seq(),
                v.type(),
                v.data(),
                v.userType(),
                v.owner(),
                v.recipient(),
                signature,
                v.cypher(),
                v.priority());
    }

    static Value withData(Value v, byte[] data) {
        return new Value(
                v.id(),
                v.seq(),
                v.type(),
                data,
                v.userType(),
                v.owner(),
                v.recipient(),
                v.signature(),
                v.cypher(),
                v.priority());
    }

    static Value addressedTo(Value v, InfoHash to) {
        return new Value(v.id(), v.seq(), v.type(), v.data(), v.userType(), null, to, null, null, v.priority());
    }

    static List<X509Certificate> chain(String resource) throws Exception {
        try (InputStream in = resource(resource)) {
            List<X509Certificate> out = new ArrayList<>();
            CertificateFactory.getInstance("X.509").generateCertificates(in).forEach(c -> out.add((X509Certificate) c));
            return out;
        }
    }

    static PrivateKey privateKey(String resource) throws Exception {
        try (InputStream in = resource(resource)) {
            String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        }
    }

    private static InputStream resource(String name) {
        InputStream in = ValueCryptoVectorTest.class.getResourceAsStream("/opendht-vectors/" + name);
        if (in == null) {
            throw new IllegalStateException("missing test resource /opendht-vectors/" + name);
        }
        return in;
    }
}
