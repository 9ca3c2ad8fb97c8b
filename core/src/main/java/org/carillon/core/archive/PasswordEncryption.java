package org.carillon.core.archive;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * OpenDHT 2.4.12's password encryption ({@code crypto.cpp} {@code aesEncrypt(data, password)}):
 * {@code salt(16) ‖ iv(12) ‖ AES-256-GCM ciphertext ‖ tag(16)}, no associated data, with the key
 * {@code stretchKey(password, salt)} = SHA-256 of a 32-byte argon2i (version 0x13, t=16, m=64 MiB,
 * p=1) of the password's UTF-8 bytes.
 */
final class PasswordEncryption {
    static final int SALT_BYTES = 16;
    static final int IV_BYTES = 12;
    static final int TAG_BYTES = 16;
    static final int ARGON2_ITERATIONS = 16;
    static final int ARGON2_MEMORY_KIB = 64 * 1024;
    static final int ARGON2_LANES = 1;

    /** Salt, IV and tag: anything this short cannot be an encrypted archive. */
    static final int OVERHEAD = SALT_BYTES + IV_BYTES + TAG_BYTES;

    private PasswordEncryption() {}

    static byte[] encrypt(byte[] plain, char[] password, SecureRandom random) throws GeneralSecurityException {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        byte[] key = stretchKey(password, salt);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BYTES * 8, iv));
            byte[] sealed = c.doFinal(plain);
            byte[] out = new byte[SALT_BYTES + IV_BYTES + sealed.length];
            System.arraycopy(salt, 0, out, 0, SALT_BYTES);
            System.arraycopy(iv, 0, out, SALT_BYTES, IV_BYTES);
            System.arraycopy(sealed, 0, out, SALT_BYTES + IV_BYTES, sealed.length);
            return out;
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Throws {@link AEADBadTagException} for a wrong password or altered data. */
    static byte[] decrypt(byte[] data, char[] password) throws GeneralSecurityException {
        if (data.length <= OVERHEAD) {
            throw new IllegalArgumentException("too short for salt, IV and tag");
        }
        byte[] salt = Arrays.copyOfRange(data, 0, SALT_BYTES);
        byte[] key = stretchKey(password, salt);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(
                    Cipher.DECRYPT_MODE,
                    new SecretKeySpec(key, "AES"),
                    new GCMParameterSpec(TAG_BYTES * 8, data, SALT_BYTES, IV_BYTES));
            return c.doFinal(data, SALT_BYTES + IV_BYTES, data.length - SALT_BYTES - IV_BYTES);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** OpenDHT's {@code stretchKey(password, salt, 32)}: hash(argon2i_hash_raw(16, 64 MiB, 1, ...), 32) = SHA-256. */
    static byte[] stretchKey(char[] password, byte[] salt) throws GeneralSecurityException {
        byte[] pw = utf8(password);
        byte[] raw = new byte[32];
        try {
            Argon2BytesGenerator g = new Argon2BytesGenerator();
            g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_i)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withIterations(ARGON2_ITERATIONS)
                    .withMemoryAsKB(ARGON2_MEMORY_KIB)
                    .withParallelism(ARGON2_LANES)
                    .withSalt(salt)
                    .build());
            g.generateBytes(pw, raw);
            return MessageDigest.getInstance("SHA-256").digest(raw);
        } finally {
            Arrays.fill(pw, (byte) 0);
            Arrays.fill(raw, (byte) 0);
        }
    }

    private static byte[] utf8(char[] password) {
        ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] out = new byte[b.remaining()];
        b.get(out);
        if (b.hasArray()) {
            Arrays.fill(b.array(), (byte) 0);
        }
        return out;
    }
}
