package org.carillon.core.local;

import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.account.DeviceId;
import org.carillon.core.account.Revocations;
import org.carillon.core.contact.PeerDevice;
import org.carillon.core.store.KnownDevice;
import org.carillon.core.store.LocalAccount;

/**
 * Revoking another device of an account (lost or stolen): the account key signs a revocation
 * list naming it, kept with the account and put at the account id, where peers (Carillon and
 * Jami) look before trusting a device. What {@code carillon account revoke-device} and the
 * daemon's {@code accounts.revokeDevice} do.
 */
public final class DeviceRevocation {
    private DeviceRevocation() {}

    /**
     * The lower-case id prefix {@code device} names, checked before anything goes online.
     *
     * @throws IllegalArgumentException when it is no device id (8 to 40 hex digits) or names this device
     */
    public static String prefix(String device, AccountKeys self) {
        String prefix = device.strip().toLowerCase(Locale.ROOT);
        if (!prefix.matches("[0-9a-f]{8,40}")) {
            throw new IllegalArgumentException(
                    "'" + device + "' is not a device id: expected 8 to 40 hexadecimal digits");
        }
        if (self.deviceId().shortId().toString().startsWith(prefix)) {
            throw new IllegalArgumentException("that is this device: revoke it from another device of the account");
        }
        return prefix;
    }

    /**
     * Revokes the device of {@code account} whose id starts with {@code device}: one announced on
     * the DHT now, or one this device keeps the certificate of. Completes with the account's
     * whole revocation list once it is put on the DHT; fails with an {@link
     * IllegalArgumentException} when no single device matches.
     */
    public static CompletableFuture<X509CRL> revoke(
            LocalAccounts accounts, LocalAccount account, AccountSession session, String device) {
        AccountKeys keys;
        String prefix;
        try {
            keys = accounts.keys(account);
            prefix = prefix(device, keys);
        } catch (java.io.IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        for (KnownDevice d : accounts.devices(account)) {
            if (d.revoked() && d.id().shortId().toString().startsWith(prefix)) {
                return CompletableFuture.failedFuture(
                        new IllegalArgumentException("device " + d.id().shortId() + " is revoked already"));
            }
        }
        return session.account().directory().devicesOf(account.id()).thenCompose(announced -> {
            X509Certificate target = only(candidates(accounts.devices(account), announced), prefix);
            X509CRL updated =
                    Revocations.revoke(keys, accounts.revocations(account).orElse(null), List.of(target));
            try {
                accounts.saveRevocations(account, updated, target);
            } catch (CRLException e) {
                throw new IllegalStateException("cannot encode the revocation list", e);
            }
            return session.node()
                    .put(account.id().hash(), Revocations.toValue(updated), true)
                    .thenApply(id -> updated);
        });
    }

    /** The devices not revoked yet whose certificate is known: announced now, or kept here. */
    private static Map<DeviceId, X509Certificate> candidates(List<KnownDevice> kept, List<PeerDevice> announced) {
        Map<DeviceId, X509Certificate> all = new LinkedHashMap<>();
        announced.forEach(d -> all.put(d.id(), d.certificate()));
        for (KnownDevice d : kept) {
            if (d.revoked()) {
                all.remove(d.id());
            } else if (d.certificate() != null) {
                all.putIfAbsent(d.id(), d.certificate());
            }
        }
        return all;
    }

    private static X509Certificate only(Map<DeviceId, X509Certificate> devices, String prefix) {
        List<DeviceId> matches = devices.keySet().stream()
                .filter(d -> d.shortId().toString().startsWith(prefix))
                .toList();
        if (matches.size() != 1) {
            throw new IllegalArgumentException(
                    matches.isEmpty()
                            ? "no announced device " + prefix + " of this account on the DHT (it must have been online"
                                    + " in the last 10 minutes); devices seen: "
                                    + devices.keySet().stream()
                                            .map(d -> d.shortId().toString())
                                            .toList()
                            : "'" + prefix + "' matches " + matches.size() + " devices: give more digits");
        }
        return devices.get(matches.get(0));
    }
}
