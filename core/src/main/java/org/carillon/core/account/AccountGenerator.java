package org.carillon.core.account;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import org.carillon.core.archive.AccountArchive;
import org.carillon.dht.crypto.Identity;

/**
 * Creates Jami accounts and devices as jamid 13.7 does (§1): a self-signed RSA CA ({@code
 * CN=Jami CA}), an account key it certifies as a CA ({@code CN=Jami}, its key id is the Jami id),
 * and a device key the account certifies ({@code CN=Jami device}). RSA-4096 takes seconds per
 * key: call this off any event loop.
 */
public final class AccountGenerator {
    public static final int RSA_BITS = 4096;
    static final String CA_NAME = "Jami CA";
    static final String ACCOUNT_NAME = "Jami";
    static final String DEVICE_NAME = "Jami device";
    static final int ETH_KEY_BYTES = 32;

    private final SecureRandom random;
    private final int rsaBits;
    private final JamiCertificates certificates;

    /** @param rsaBits {@link #RSA_BITS} in production; tests pass 2048 to stay fast */
    public AccountGenerator(SecureRandom random, int rsaBits) {
        if (random == null) {
            throw new IllegalArgumentException("an account generator needs a random source");
        }
        if (rsaBits < 2048) {
            throw new IllegalArgumentException("RSA keys of " + rsaBits + " bits are too weak (at least 2048)");
        }
        this.random = random;
        this.rsaBits = rsaBits;
        this.certificates = new JamiCertificates(random);
    }

    /**
     * A new account with its first device. {@code deviceName} is not put in any certificate:
     * Jami keeps device names in its configuration and device lists, not in certificates.
     */
    public AccountKeys newAccount(String deviceName, Progress progress) {
        Progress p = progress == null ? Progress.NONE : progress;
        try {
            p.update(0, 3, "CA key");
            KeyPair caKey = rsaKey();
            X509Certificate caCert = certificates.selfSignedCa(caKey, CA_NAME);
            p.update(1, 3, "account key");
            KeyPair accountKey = rsaKey();
            X509Certificate accountCert =
                    certificates.issued(accountKey, ACCOUNT_NAME, caCert, caKey.getPrivate(), true);
            Identity account = new Identity(accountKey, List.of(accountCert, caCert));
            p.update(2, 3, "device key");
            Identity device = device(account);
            byte[] ethKey = new byte[ETH_KEY_BYTES];
            random.nextBytes(ethKey);
            p.update(3, 3, "done");
            return new AccountKeys(caKey, caCert, account, device, ethKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the account keys: " + e.getMessage(), e);
        }
    }

    /**
     * A new device of the same account: a fresh device key certified by the account key. The CA,
     * account identity and ethKey are kept. {@code deviceName} is ignored (see {@link
     * #newAccount}).
     */
    public AccountKeys newDevice(AccountKeys account, String deviceName, Progress progress) {
        if (account == null || account.account().key().getPrivate() == null) {
            throw new IllegalArgumentException("a new device needs the account's private key");
        }
        Progress p = progress == null ? Progress.NONE : progress;
        try {
            p.update(0, 1, "device key");
            Identity device = device(account.account());
            p.update(1, 1, "done");
            return new AccountKeys(
                    account.caKey(), account.caCertificate(), account.account(), device, account.ethKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the device key: " + e.getMessage(), e);
        }
    }

    /**
     * A new device of the account an archive holds (linking a device from a backup): a fresh
     * device key certified by the archived account key. The account id stays the same.
     */
    public AccountKeys importDevice(AccountArchive archive, String deviceName, Progress progress) {
        if (archive == null) {
            throw new IllegalArgumentException("importing a device needs an archive");
        }
        Progress p = progress == null ? Progress.NONE : progress;
        try {
            p.update(0, 1, "device key");
            Identity device = device(archive.account());
            p.update(1, 1, "done");
            return new AccountKeys(
                    archive.caKey(), archive.caCertificate(), archive.account(), device, archive.ethKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the device key: " + e.getMessage(), e);
        }
    }

    private Identity device(Identity account) throws GeneralSecurityException {
        KeyPair deviceKey = rsaKey();
        X509Certificate deviceCert = certificates.fromRequest(
                deviceKey.getPublic(),
                DEVICE_NAME,
                account.certificate(),
                account.key().getPrivate());
        List<X509Certificate> chain = new java.util.ArrayList<>();
        chain.add(deviceCert);
        chain.addAll(account.chain());
        return new Identity(deviceKey, chain);
    }

    private KeyPair rsaKey() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(rsaBits, random);
        return g.generateKeyPair();
    }
}
