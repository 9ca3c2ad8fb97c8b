package org.carillon.dht.engine;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import org.carillon.dht.Value;
import org.carillon.dht.wire.WireCodec;

/** One owner's RSA key, signing values as OpenDHT does, so that storage nodes accept their edits. */
final class SignedValues {
    private final KeyPair keys;

    SignedValues() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            keys = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A value of this owner, signed over its to-sign bytes (SHA-512 with RSA). */
    Value sign(long id, int seq, int type, byte[] data) {
        byte[] owner = keys.getPublic().getEncoded();
        Value unsigned = new Value(id, seq, type, data, "", owner, null, new byte[0], null, 0);
        try {
            Signature s = Signature.getInstance("SHA512withRSA");
            s.initSign(keys.getPrivate());
            s.update(WireCodec.toSignBytes(unsigned));
            return new Value(id, seq, type, data, "", owner, null, s.sign(), null, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
