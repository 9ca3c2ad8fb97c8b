package org.carillon.bench.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.SplittableRandom;
import org.carillon.dht.Value;
import org.carillon.dht.crypto.ValueSigning;
import org.carillon.dht.wire.WireCodec;

/**
 * What the crypto benchmark works on, the same on both sides: one RSA-4096 key, and for each
 * payload size a value carrying that many data bytes (signed and verified) and a plaintext of
 * that many bytes (encrypted and decrypted), drawn from the seed. {@link #export} writes them
 * for the OpenDHT reference.
 */
final class CryptoInputs {
    static final String KEY_FILE = "key.pk8";

    private CryptoInputs() {}

    /** A value with {@code payload} random data bytes, not yet signed. */
    static Value value(int payload, long seed) {
        SplittableRandom random = new SplittableRandom(seed * 31 + payload);
        byte[] data = new byte[payload];
        random.nextBytes(data);
        return Value.of(random.nextLong(), 0, data, "application/octet-stream");
    }

    /** {@code payload} random bytes to encrypt. */
    static byte[] plaintext(int payload, long seed) {
        SplittableRandom random = new SplittableRandom(seed * 37 + payload);
        byte[] data = new byte[payload];
        random.nextBytes(data);
        return data;
    }

    /** The key written by {@link #export}: PKCS#8 DER, the public half derived from it. */
    static KeyPair readKey(Path pk8) {
        try {
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            RSAPrivateCrtKey priv =
                    (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(pk8)));
            return new KeyPair(
                    rsa.generatePublic(new RSAPublicKeySpec(priv.getModulus(), priv.getPublicExponent())), priv);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pk8, e);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException(pk8 + " holds no RSA private key: " + e.getMessage(), e);
        }
    }

    /**
     * Writes into {@code dir} (a private temporary folder: it holds the private key) the key
     * ({@code key.pk8}, {@code owner.spki}) and per payload the to-sign bytes of the signed value,
     * Carillon's signature of them and the plaintext: {@code tosign-P.bin}, {@code signature-P.bin},
     * {@code plaintext-P.bin}.
     */
    static void export(Path dir, KeyPair key, int[] payloads, long seed) {
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(KEY_FILE), key.getPrivate().getEncoded());
            Files.write(dir.resolve("owner.spki"), key.getPublic().getEncoded());
            for (int p : payloads) {
                Value signed = ValueSigning.sign(value(p, seed), key, 1);
                Files.write(dir.resolve("tosign-" + p + ".bin"), WireCodec.toSignBytes(signed));
                Files.write(dir.resolve("signature-" + p + ".bin"), signed.signature());
                Files.write(dir.resolve("plaintext-" + p + ".bin"), plaintext(p, seed));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the crypto inputs to " + dir + ": " + e.getMessage(), e);
        }
    }
}
