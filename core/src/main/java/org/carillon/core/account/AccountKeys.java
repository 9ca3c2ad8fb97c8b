package org.carillon.core.account;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import org.carillon.dht.crypto.Identity;

/**
 * What one device of an account holds (§1, §3): the account's CA (its private key is only in
 * archives, so it may be absent: {@code ca.key().getPrivate()} null is not allowed, use {@code
 * caKey == null}), the account identity (key + chain account → CA) and this device's identity
 * (key + chain device → account → CA), plus Jami's leftover Ethereum key.
 *
 * @param caKey the CA key pair, or null when this device never had it
 * @param caCertificate the self-signed CA certificate
 * @param account account key and chain [account, CA]
 * @param device this device's key and chain [device, account, CA]
 * @param ethKey 32 random bytes kept for Jami's archive ({@code ethKey}); never used otherwise
 */
public record AccountKeys(
        KeyPair caKey, X509Certificate caCertificate, Identity account, Identity device, byte[] ethKey) {
    public AccountKeys {
        if (caCertificate == null || account == null || device == null || ethKey == null) {
            throw new IllegalArgumentException(
                    "account keys need the CA certificate, the account, the device and ethKey");
        }
    }

    public AccountId accountId() {
        return AccountId.of(account.key().getPublic());
    }

    public DeviceId deviceId() {
        return DeviceId.of(device.key().getPublic());
    }

    public List<X509Certificate> deviceChain() {
        return device.chain();
    }
}
