package org.carillon.cli;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.carillon.dht.crypto.Identity;
import org.carillon.dht.crypto.IdentityGenerator;

/**
 * Identities shaped like dhtnode's (a P-384 CA and an RSA node key), with RSA-2048 keys and made
 * once per test run: RSA-4096 takes seconds each.
 */
final class TestIdentities {
    static final int RSA_BITS = 2048;

    private static final Map<String, Identity> MADE = new ConcurrentHashMap<>();

    private TestIdentities() {}

    /** The same identity for the same name, in every test of the run. */
    static Identity named(String name) {
        return MADE.computeIfAbsent(name, TestIdentities::generate);
    }

    private static Identity generate(String name) {
        try {
            IdentityGenerator g = new IdentityGenerator(new SecureRandom());
            return g.identity(name, g.certificateAuthority(name + " CA"), RSA_BITS);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK generates RSA and EC keys", e);
        }
    }
}
