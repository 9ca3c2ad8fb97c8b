package org.carillon.dht.storage;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import org.carillon.dht.Value;
import org.carillon.dht.wire.WireCodec;

/** Verifies a signed value: RSASSA-PKCS1-v1_5 with SHA-512 over the canonical body (§11.2). */
final class SignatureCheck {
    private SignatureCheck() {}

    static boolean verifies(Value v) {
        if (!v.isSigned()) {
            return true;
        }
        try {
            PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(v.owner()));
            Signature s = Signature.getInstance("SHA512withRSA");
            s.initVerify(key);
            s.update(WireCodec.toSignBytes(v));
            return s.verify(v.signature());
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // an owner that is no RSA key, or a signature of the wrong size
        }
    }
}
