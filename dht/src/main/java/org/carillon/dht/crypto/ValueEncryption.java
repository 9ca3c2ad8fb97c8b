package org.carillon.dht.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAKey;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.carillon.dht.wire.WireCodec;

/**
 * Encrypts values for one recipient and decrypts those addressed to us, byte for byte as
 * OpenDHT (§11.3): the signed body, RSA PKCS#1 v1.5 when it fits in one block, otherwise a
 * random AES key in an RSA block followed by IV (12 bytes), AES-GCM ciphertext and tag (16).
 */
public final class ValueEncryption {
    static final int IV_SIZE = 12;
    static final int TAG_SIZE = 16;
    /** PKCS#1 v1.5 padding takes 11 bytes of the block. */
    static final int PADDING = 11;

    private ValueEncryption() {}

    /** Signs {@code value} addressed to {@code recipient} with {@code author}'s key, then encrypts it. */
    public static Value encrypt(Value value, KeyPair author, int seq, PublicKey recipient, SecureRandom random) {
        Value addressed = new Value(
                value.id(),
                value.seq(),
                value.type(),
                value.data(),
                value.userType(),
                null,
                PublicKeys.id(recipient),
                null,
                null,
                value.priority());
        Value signed = ValueSigning.sign(addressed, author, seq);
        byte[] plaintext = WireCodec.encryptionPlaintext(signed);
        try {
            byte[] cypher = encryptBytes(plaintext, recipient, random);
            return new Value(signed.id(), 0, 0, new byte[0], "", null, null, null, cypher, signed.priority());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot encrypt for this key: " + e.getMessage(), e);
        }
    }

    /**
     * OpenDHT's {@code PublicKey::encrypt} of raw bytes: one RSA PKCS#1 v1.5 block when they fit,
     * otherwise an RSA-wrapped AES key, IV, AES-GCM ciphertext and tag. Public for the benchmarks,
     * which compare it with OpenDHT's own function.
     */
    public static byte[] encryptBytes(byte[] plaintext, PublicKey recipient, SecureRandom random)
            throws GeneralSecurityException {
        int block = blockSize(recipient);
        Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        rsa.init(Cipher.ENCRYPT_MODE, recipient, random);
        if (plaintext.length <= block - PADDING) {
            return rsa.doFinal(plaintext);
        }
        int keySize = block - PADDING >= 32 ? 32 : block - PADDING >= 24 ? 24 : 16;
        byte[] aesKey = new byte[keySize];
        random.nextBytes(aesKey);
        byte[] iv = new byte[IV_SIZE];
        random.nextBytes(iv);
        Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"), new GCMParameterSpec(TAG_SIZE * 8, iv));
        byte[] sealed = aes.doFinal(plaintext); // ciphertext followed by the tag, as nettle lays it out
        byte[] header = rsa.doFinal(aesKey);
        byte[] out = new byte[header.length + IV_SIZE + sealed.length];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(iv, 0, out, header.length, IV_SIZE);
        System.arraycopy(sealed, 0, out, header.length + IV_SIZE, sealed.length);
        return out;
    }

    /**
     * The clear value inside {@code encrypted}, when it is addressed to {@code ourId}, decrypts
     * with {@code key} and its inner signature verifies; empty otherwise (OpenDHT drops those).
     */
    public static Optional<Value> decrypt(Value encrypted, PrivateKey key, InfoHash ourId) {
        if (!encrypted.isEncrypted()) {
            return Optional.empty();
        }
        byte[] plaintext;
        try {
            plaintext = decryptBytes(encrypted.cypher(), key);
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
        return WireCodec.decodeEncryptionPlaintext(encrypted, plaintext)
                .filter(v -> ourId.equals(v.recipient()))
                .filter(v -> v.isSigned() && ValueSigning.verifies(v));
    }

    /** OpenDHT's {@code PrivateKey::decrypt}, the inverse of {@link #encryptBytes}. */
    public static byte[] decryptBytes(byte[] cypher, PrivateKey key) throws GeneralSecurityException {
        int block = blockSize(key);
        if (cypher.length < block) {
            throw new GeneralSecurityException("cypher shorter than one RSA block");
        }
        Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        rsa.init(Cipher.DECRYPT_MODE, key);
        byte[] first = rsa.doFinal(cypher, 0, block);
        if (cypher.length == block) {
            return first;
        }
        if (cypher.length - block <= IV_SIZE + TAG_SIZE) {
            throw new GeneralSecurityException("AES part too short");
        }
        if (first.length != 16 && first.length != 24 && first.length != 32) {
            throw new GeneralSecurityException("no AES key in the RSA block");
        }
        byte[] iv = Arrays.copyOfRange(cypher, block, block + IV_SIZE);
        Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(first, "AES"), new GCMParameterSpec(TAG_SIZE * 8, iv));
        return aes.doFinal(cypher, block + IV_SIZE, cypher.length - block - IV_SIZE);
    }

    private static int blockSize(java.security.Key key) throws GeneralSecurityException {
        if (!(key instanceof RSAKey rsa)) {
            throw new GeneralSecurityException("not an RSA key: " + key.getAlgorithm());
        }
        return (rsa.getModulus().bitLength() + 7) / 8;
    }
}
