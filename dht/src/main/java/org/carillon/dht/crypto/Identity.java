package org.carillon.dht.crypto;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import org.carillon.dht.InfoHash;

/**
 * A key pair and the certificate chain that vouches for it (leaf first), as {@code dhtnode -i}
 * creates: an RSA node key whose certificate is issued by a CA.
 */
public record Identity(KeyPair key, List<X509Certificate> chain) {
    public Identity {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("an identity needs its certificate");
        }
        if (!chain.get(0).getPublicKey().equals(key.getPublic())) {
            throw new IllegalArgumentException("the certificate is not for this key");
        }
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The public-key id (SHA-1 of the DER SPKI) other nodes address this identity by. */
    public InfoHash id() {
        return PublicKeys.id(key.getPublic());
    }

    /** SHA-256 of the DER SPKI. */
    public byte[] longId() {
        return PublicKeys.longId(key.getPublic());
    }
}
