package org.carillon.core.contact;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.DeviceAnnouncement;
import org.carillon.core.account.DeviceChains;
import org.carillon.core.account.DeviceId;
import org.carillon.core.account.Revocations;
import org.carillon.dht.Dht;
import org.carillon.dht.DhtException;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.crypto.CertificateValues;
import org.carillon.dht.crypto.PublicKeys;

/**
 * Finds an account's devices as jamid's {@code forEachDevice} does (§2): the announcements
 * signed by the account at its id, each device's certificate chain from the DHT (SecureDht's
 * type-8 value at the device's SHA-1 id) checked up to the account, minus the devices the
 * account revoked (its CRLs, at the same key). Chains are cached: a certificate never changes.
 */
public final class DeviceDirectory {
    private static final Query CERTIFICATES =
            new Query(List.of(), List.of(Query.Condition.valueType(CertificateValues.TYPE)));

    private final Dht dht;
    private final Map<InfoHash, List<X509Certificate>> chains = new ConcurrentHashMap<>();

    public DeviceDirectory(Dht dht) {
        this.dht = dht;
    }

    /** The account's live, verified, unrevoked devices; empty when none is announced. */
    public CompletableFuture<List<PeerDevice>> devicesOf(AccountId account) {
        return dht.get(account.hash()).thenCompose(values -> {
            Map<InfoHash, DeviceAnnouncement> announced = new LinkedHashMap<>();
            for (Value v : values) {
                DeviceAnnouncement.from(v, account).ifPresent(a -> announced.putIfAbsent(a.device(), a));
            }
            List<CompletableFuture<Optional<PeerDevice>>> lookups = new ArrayList<>();
            for (DeviceAnnouncement a : announced.values()) {
                lookups.add(chain(a.device())
                        .thenApply(chain -> verified(account, a.deviceKey(), chain, values))
                        .exceptionally(e -> Optional.empty()));
            }
            return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new))
                    .thenApply(done -> lookups.stream()
                            .map(CompletableFuture::join)
                            .flatMap(Optional::stream)
                            .toList());
        });
    }

    private static Optional<PeerDevice> verified(
            AccountId account, PublicKey announcedKey, List<X509Certificate> chain, List<Value> atAccount) {
        if (!chain.get(0).getPublicKey().equals(announcedKey) || !DeviceChains.leadsTo(chain, account)) {
            return Optional.empty();
        }
        if (revoked(chain, atAccount)) {
            return Optional.empty();
        }
        return Optional.of(new PeerDevice(account, DeviceId.of(announcedKey), chain));
    }

    /** Whether a CRL among {@code atAccount}, signed by the chain's account certificate, lists the device. */
    static boolean revoked(List<X509Certificate> chain, List<Value> atAccount) {
        for (Value v : atAccount) {
            Optional<X509CRL> crl = Revocations.from(v, chain.get(1));
            if (crl.isPresent() && Revocations.isRevoked(crl.get(), chain.get(0))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The certificate chain published for the device with this SHA-1 id: the first type-8 value
     * there whose leaf has that id. Fails with {@link DhtException} when there is none.
     */
    public CompletableFuture<List<X509Certificate>> chain(InfoHash device) {
        List<X509Certificate> known = chains.get(device);
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        return dht.get(device, CERTIFICATES).thenApply(values -> {
            for (Value v : values) {
                try {
                    List<X509Certificate> chain = CertificateValues.chain(v);
                    if (!chain.isEmpty()
                            && PublicKeys.id(chain.get(0).getPublicKey()).equals(device)) {
                        chains.put(device, chain);
                        return chain;
                    }
                } catch (GeneralSecurityException | RuntimeException e) {
                    // not a certificate chain: someone else's value at this key
                }
            }
            throw new DhtException("no certificate for device " + device + " on the DHT");
        });
    }

    /**
     * The device that signed a value, with the account its published chain leads to. Fails with
     * {@link UntrustedDevice} saying why when the chain is missing, is not the key's, leads to no
     * account, or the account revoked the device.
     */
    public CompletableFuture<PeerDevice> senderOf(PublicKey deviceKey) {
        InfoHash device = PublicKeys.id(deviceKey);
        return chain(device)
                .exceptionally(e -> {
                    throw new UntrustedDevice("no certificate of device " + device + " on the DHT");
                })
                .thenCompose(chain -> {
                    if (!chain.get(0).getPublicKey().equals(deviceKey)) {
                        throw new UntrustedDevice("the certificate at " + device + " is another key's");
                    }
                    AccountId account = DeviceChains.accountOf(chain)
                            .orElseThrow(() -> new UntrustedDevice(
                                    "the certificate chain of device " + device + " does not lead to an account"));
                    return dht.get(account.hash()).exceptionally(e -> List.of()).thenApply(atAccount -> {
                        if (revoked(chain, atAccount)) {
                            throw new UntrustedDevice("device " + device + " was revoked by account " + account);
                        }
                        return new PeerDevice(account, DeviceId.of(deviceKey), chain);
                    });
                });
    }

    /** A device whose word cannot be taken: the message says why. */
    public static final class UntrustedDevice extends RuntimeException {
        UntrustedDevice(String reason) {
            super(reason, null, false, false);
        }
    }
}
