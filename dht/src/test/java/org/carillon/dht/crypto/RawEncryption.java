package org.carillon.dht.crypto;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;

/**
 * Test access to OpenDHT's cypher layout for arbitrary plaintexts, so tests elsewhere can seal
 * what an honest {@link ValueEncryption#encrypt} never would (a wrong inner recipient, an
 * unsigned or unparsable body).
 */
public final class RawEncryption {
    private RawEncryption() {}

    public static byte[] seal(byte[] plaintext, PublicKey recipient) throws GeneralSecurityException {
        return ValueEncryption.encryptBytes(plaintext, recipient, new SecureRandom());
    }
}
