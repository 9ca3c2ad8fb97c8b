package org.carillon.core.account;

import java.security.PublicKey;
import org.carillon.dht.InfoHash;
import org.carillon.dht.crypto.PublicKeys;

/**
 * A Jami account id ("Jami id"): SHA-1 of the account key's DER SubjectPublicKeyInfo, written
 * as 40 lowercase hex digits. Device announcements are stored at this very key.
 */
public record AccountId(InfoHash hash) {
    public AccountId {
        if (hash == null) {
            throw new IllegalArgumentException("an account id needs its hash");
        }
    }

    public static AccountId of(PublicKey accountKey) {
        return new AccountId(PublicKeys.id(accountKey));
    }

    /**
     * Parses user input: 40 hex digits, with an optional {@code jami:} or {@code ring:} scheme as
     * Jami's URIs have. Throws {@link IllegalArgumentException} saying what is wrong.
     */
    public static AccountId parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no account id given");
        }
        String hex = text.strip();
        for (String scheme : new String[] {"jami:", "ring:"}) {
            if (hex.regionMatches(true, 0, scheme, 0, scheme.length())) {
                hex = hex.substring(scheme.length());
            }
        }
        if (!hex.matches("[0-9a-fA-F]{40}")) {
            throw new IllegalArgumentException("'" + text + "' is not an account id: expected 40 hexadecimal digits");
        }
        return new AccountId(InfoHash.fromHex(hex.toLowerCase(java.util.Locale.ROOT)));
    }

    public String hex() {
        return hash.toString();
    }

    @Override
    public String toString() {
        return hex();
    }
}
