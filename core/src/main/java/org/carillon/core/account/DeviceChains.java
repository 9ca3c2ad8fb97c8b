package org.carillon.core.account;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * Which account a device's certificate chain belongs to, as Jami's {@code foundPeerDevice}
 * decides it: the device certificate must not be self-signed, the chain must verify up to its
 * top certificate (the only trust anchor), and the account is the device certificate's direct
 * issuer, i.e. the account id is the key id of {@code chain[1]}.
 */
public final class DeviceChains {
    private DeviceChains() {}

    /**
     * The account {@code chain} (device, account[, CA]) proves its device belongs to, or empty
     * when any link fails: names do not chain, a signature does not verify, an issuer is no CA,
     * a certificate is expired or not yet valid, or the device certificate is self-signed.
     */
    public static Optional<AccountId> accountOf(List<X509Certificate> chain) {
        return accountOf(chain, new Date());
    }

    static Optional<AccountId> accountOf(List<X509Certificate> chain, Date at) {
        if (chain == null || chain.size() < 2) {
            return Optional.empty();
        }
        for (X509Certificate c : chain) {
            if (c == null) {
                return Optional.empty();
            }
        }
        X509Certificate device = chain.get(0);
        X509Certificate account = chain.get(1);
        if (device.getPublicKey().equals(account.getPublicKey()) || isSelfSigned(device)) {
            return Optional.empty();
        }
        for (int i = 0; i + 1 < chain.size(); i++) {
            if (!issues(chain.get(i + 1), chain.get(i), at)) {
                return Optional.empty();
            }
        }
        X509Certificate top = chain.get(chain.size() - 1);
        if (!validAt(top, at) || !isCa(top)) {
            return Optional.empty();
        }
        return Optional.of(AccountId.of(account.getPublicKey()));
    }

    /** True when {@code chain} is a valid device chain of {@code account}. */
    public static boolean leadsTo(List<X509Certificate> chain, AccountId account) {
        return account != null && accountOf(chain).map(account::equals).orElse(false);
    }

    private static boolean issues(X509Certificate issuer, X509Certificate subject, Date at) {
        if (!issuer.getSubjectX500Principal().equals(subject.getIssuerX500Principal())) {
            return false;
        }
        if (!isCa(issuer) || !validAt(subject, at)) {
            return false;
        }
        try {
            subject.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** An issuer must say it is a CA and, when it states key usages, allow certificate signing. */
    private static boolean isCa(X509Certificate cert) {
        if (cert.getBasicConstraints() < 0) {
            return false;
        }
        boolean[] usage = cert.getKeyUsage();
        return usage == null || (usage.length > 5 && usage[5]);
    }

    private static boolean validAt(X509Certificate cert, Date at) {
        return !at.before(cert.getNotBefore()) && !at.after(cert.getNotAfter());
    }

    private static boolean isSelfSigned(X509Certificate cert) {
        try {
            cert.verify(cert.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
