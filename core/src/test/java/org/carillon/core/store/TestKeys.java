package org.carillon.core.store;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import org.carillon.core.account.AccountKeys;
import org.carillon.dht.crypto.Identity;
import org.carillon.dht.crypto.IdentityGenerator;

/** Account keys shaped as Jami's (CA → account → device) with small RSA keys, so tests stay fast. */
final class TestKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestKeys() {}

    static AccountKeys generate(boolean withCaKey) throws GeneralSecurityException {
        IdentityGenerator g = new IdentityGenerator(RANDOM);
        Identity ca = g.certificateAuthority("Jami test CA");
        Identity account = g.identity("Jami test account", ca, 1024);
        Identity device = g.identity("Jami test device", account, 1024);
        byte[] ethKey = new byte[32];
        RANDOM.nextBytes(ethKey);
        return new AccountKeys(withCaKey ? ca.key() : null, ca.certificate(), account, device, ethKey);
    }
}
