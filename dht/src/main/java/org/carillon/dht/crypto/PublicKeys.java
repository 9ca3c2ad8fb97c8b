package org.carillon.dht.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import org.carillon.dht.InfoHash;

/** How OpenDHT names public keys (§11.1): ids are hashes of the DER SubjectPublicKeyInfo. */
public final class PublicKeys {
    private PublicKeys() {}

    /** The short id ({@code PublicKey::getId}): SHA-1 of the DER SPKI. Recipients and 2.4.12 certificates use it. */
    public static InfoHash id(PublicKey key) {
        return InfoHash.sha1(key.getEncoded());
    }

    /** The long id ({@code getLongId}): SHA-256 of the DER SPKI, 32 bytes. */
    public static byte[] longId(PublicKey key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Where OpenDHT ≥ 3.5 publishes the certificate: SHA-1 of the long id. */
    public static InfoHash longIdKey(PublicKey key) {
        return InfoHash.sha1(longId(key));
    }

    /** Parses a DER SubjectPublicKeyInfo holding an RSA key, as values carry their owner. */
    public static PublicKey fromDer(byte[] spki) throws GeneralSecurityException {
        return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(spki));
    }
}
