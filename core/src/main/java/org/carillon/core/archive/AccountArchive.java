package org.carillon.core.archive;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.contact.Contact;
import org.carillon.dht.crypto.Identity;

/**
 * What a Jami account archive holds (§3, jamid's {@code AccountArchive}): everything needed to
 * add a device to the account, but no device key.
 *
 * @param caKey the CA key pair ({@code ringCaKey}), or null when the archive has none
 * @param account the account key and its chain [account, CA] ({@code ringAccountKey}, {@code
 *     ringAccountCert})
 * @param ethKey {@code ethKey}, kept for Jami (empty when absent)
 * @param crl the DER revocation list ({@code ringAccountCRL}), or null
 * @param contacts {@code ringAccountContacts}
 * @param config leftover string fields (account settings), kept verbatim
 * @param json leftover structured fields ({@code conversations}, {@code
 *     conversationsRequests}, ...) as JSON text, kept verbatim
 */
public record AccountArchive(
        KeyPair caKey,
        Identity account,
        byte[] ethKey,
        byte[] crl,
        Map<AccountId, Contact> contacts,
        Map<String, String> config,
        Map<String, String> json) {
    public AccountArchive {
        if (account == null || account.key().getPrivate() == null) {
            throw new IllegalArgumentException("an account archive needs the account's private key");
        }
        if (account.chain().size() < 2) {
            throw new IllegalArgumentException("an account archive needs the account certificate and its CA");
        }
        ethKey = ethKey == null ? new byte[0] : ethKey.clone();
        crl = crl == null ? null : crl.clone();
        contacts = Collections.unmodifiableMap(new LinkedHashMap<>(contacts == null ? Map.of() : contacts));
        config = Collections.unmodifiableMap(new TreeMap<>(config == null ? Map.of() : config));
        json = Collections.unmodifiableMap(new TreeMap<>(json == null ? Map.of() : json));
    }

    /** The archive of an account's keys (CA key included when this device has it) and contacts. */
    public static AccountArchive of(AccountKeys keys, Collection<Contact> contacts) {
        Map<AccountId, Contact> byId = new LinkedHashMap<>();
        for (Contact c : contacts) {
            byId.put(c.id(), c);
        }
        return new AccountArchive(keys.caKey(), keys.account(), keys.ethKey(), null, byId, Map.of(), Map.of());
    }

    public AccountId accountId() {
        return AccountId.of(account.key().getPublic());
    }

    /** The CA certificate: the account certificate's issuer in the chain. */
    public X509Certificate caCertificate() {
        return account.chain().get(account.chain().size() - 1);
    }

    /** This archive with another revocation list (DER), e.g. after a device was revoked. */
    public AccountArchive withCrl(byte[] derCrl) {
        return new AccountArchive(caKey, account, ethKey, derCrl, contacts, config, json);
    }

    /** This archive with another contact list. */
    public AccountArchive withContacts(Map<AccountId, Contact> newContacts) {
        return new AccountArchive(caKey, account, ethKey, crl, newContacts, config, json);
    }

    @Override
    public byte[] ethKey() {
        return ethKey.clone();
    }

    @Override
    public byte[] crl() {
        return crl == null ? null : crl.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccountArchive a
                && java.util.Objects.equals(
                        caKey == null ? null : caKey.getPrivate(), a.caKey == null ? null : a.caKey.getPrivate())
                && account.key().getPrivate().equals(a.account.key().getPrivate())
                && account.chain().equals(a.account.chain())
                && Arrays.equals(ethKey, a.ethKey)
                && Arrays.equals(crl, a.crl)
                && contacts.equals(a.contacts)
                && config.equals(a.config)
                && json.equals(a.json);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(accountId(), Arrays.hashCode(ethKey), contacts, config);
    }

    @Override
    public String toString() {
        return "AccountArchive[account=" + accountId() + ", caKey=" + (caKey != null) + ", contacts="
                + contacts.size() + ", crl=" + (crl != null) + ", config=" + config.keySet() + ", json="
                + json.keySet() + "]";
    }
}
