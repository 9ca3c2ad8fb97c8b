package org.carillon.dht.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import org.carillon.dht.Value;
import org.carillon.dht.wire.WireCodec;

/** Signs and verifies values as OpenDHT does (§11.2): RSASSA-PKCS1-v1_5 with SHA-512 over the to-sign body. */
public final class ValueSigning {
    static final String ALGORITHM = "SHA512withRSA";

    private ValueSigning() {}

    /** {@code value} with {@code owner} = the key pair's public key, the given seq, and its signature. */
    public static Value sign(Value value, KeyPair key, int seq) {
        if (value.isEncrypted()) {
            throw new IllegalArgumentException("an encrypted value cannot be signed");
        }
        if (seq < 0 || seq > 0xffff) {
            throw new IllegalArgumentException("seq " + seq + " is not a 16-bit unsigned number");
        }
        Value unsigned = new Value(
                value.id(),
                seq,
                value.type(),
                value.data(),
                value.userType(),
                key.getPublic().getEncoded(),
                value.recipient(),
                new byte[0],
                null,
                value.priority());
        byte[] signature = signBytes(WireCodec.toSignBytes(unsigned), key.getPrivate());
        return new Value(
                unsigned.id(),
                seq,
                unsigned.type(),
                unsigned.data(),
                unsigned.userType(),
                unsigned.owner(),
                unsigned.recipient(),
                signature,
                null,
                unsigned.priority());
    }

    /** True for unsigned values and for signed ones whose signature verifies with their owner key. */
    public static boolean verifies(Value value) {
        if (!value.isSigned()) {
            return true;
        }
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(PublicKeys.fromDer(value.owner()));
            s.update(WireCodec.toSignBytes(value));
            return s.verify(value.signature());
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // an owner that is no RSA key, or a signature of the wrong size
        }
    }

    static byte[] signBytes(byte[] data, PrivateKey key) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
        }
    }
}
