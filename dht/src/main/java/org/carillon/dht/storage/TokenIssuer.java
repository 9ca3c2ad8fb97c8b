package org.carillon.dht.storage;

import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.random.RandomGenerator;

/**
 * Write tokens bound to the requester's address (§9.1): SHA-256 of a secret, the IP and the
 * port. The secret rotates every 15–45 minutes; tokens of the current and previous secret
 * are accepted.
 */
public final class TokenIssuer {
    public static final int TOKEN_SIZE = 32;

    private final RandomGenerator random;
    private byte[] secret = new byte[8];
    private byte[] previous = new byte[8];

    public TokenIssuer(RandomGenerator random) {
        this.random = random;
        random.nextBytes(secret);
        random.nextBytes(previous);
    }

    /** Starts a new secret; returns the delay (ms) until the next rotation should happen. */
    public long rotate() {
        previous = secret;
        secret = new byte[8];
        random.nextBytes(secret);
        return 15 * 60_000L + random.nextLong(30 * 60_000L);
    }

    public byte[] issue(InetSocketAddress requester) {
        return token(secret, requester);
    }

    public boolean accepts(byte[] token, InetSocketAddress requester) {
        return token != null
                && token.length == TOKEN_SIZE
                && (MessageDigest.isEqual(token, token(secret, requester))
                        || MessageDigest.isEqual(token, token(previous, requester)));
    }

    private static byte[] token(byte[] secret, InetSocketAddress who) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(secret);
            sha.update(who.getAddress().getAddress());
            sha.update(new byte[] {(byte) (who.getPort() >>> 8), (byte) who.getPort()});
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
