package org.carillon.core.store;

import java.security.cert.X509Certificate;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.DeviceId;

/**
 * A device of one of our accounts, as this device knows it (from its announcement or the
 * account's device list).
 *
 * @param account the account the device belongs to
 * @param name the device's name, may be empty
 * @param certificate the device's certificate, or null while it is not known
 * @param revoked whether the account revoked it
 * @param lastSeenSeconds when it was last seen announced, Unix seconds, 0 when never
 */
public record KnownDevice(
        AccountId account,
        DeviceId id,
        String name,
        X509Certificate certificate,
        boolean revoked,
        long lastSeenSeconds) {
    public KnownDevice {
        if (account == null || id == null || name == null) {
            throw new IllegalArgumentException("a known device needs its account, id and name (may be empty)");
        }
        if (certificate != null && !DeviceId.of(certificate.getPublicKey()).equals(id)) {
            throw new IllegalArgumentException("the certificate is not device " + id + "'s");
        }
    }

    public KnownDevice revoke() {
        return new KnownDevice(account, id, name, certificate, true, lastSeenSeconds);
    }
}
