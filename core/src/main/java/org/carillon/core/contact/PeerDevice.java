package org.carillon.core.contact;

import java.security.cert.X509Certificate;
import java.util.List;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.DeviceId;

/** A device of an account, announced at the account id, with its certificate chain checked up to the account. */
public record PeerDevice(AccountId account, DeviceId id, List<X509Certificate> chain) {
    public PeerDevice {
        chain = List.copyOf(chain);
    }
}
