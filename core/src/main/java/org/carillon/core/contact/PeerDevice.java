package org.carillon.core.contact;

import java.security.cert.X509Certificate;
import java.util.List;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.DeviceId;

/**
 * A device found to belong to an account: its certificate chain (device, account[, CA]) was
 * checked up to the account and the device is not revoked.
 */
public record PeerDevice(AccountId account, DeviceId id, List<X509Certificate> chain) {
    public PeerDevice {
        if (account == null || id == null || chain == null || chain.size() < 2) {
            throw new IllegalArgumentException("a peer device needs its account, id and chain");
        }
        chain = List.copyOf(chain);
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }
}
