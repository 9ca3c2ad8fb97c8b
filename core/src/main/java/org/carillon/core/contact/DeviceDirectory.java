package org.carillon.core.contact;

import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.DeviceAnnouncement;
import org.carillon.core.account.DeviceChains;
import org.carillon.core.account.DeviceId;
import org.carillon.core.account.Revocations;
import org.carillon.dht.DhtException;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.crypto.CertificateValues;
import org.carillon.dht.crypto.PublicKeys;
import org.carillon.dht.secure.SecureDht;

/**
 * Finds an account's devices as Jami's {@code forEachDevice} and {@code foundPeerDevice} do
 * (§2): the announcements at the account id signed by that account, each device's certificate
 * chain from its type-8 value at the device's SHA-1 id, kept when the chain leads to the
 * account and no CRL of the account lists the device. Chains and the revocation values seen at
 * account ids are cached (bounded), so a device met again costs no lookup.
 */
public final class DeviceDirectory {
    /** A sender's CRLs are looked up again after this long. */
    static final long REVOCATION_REFRESH_MS = 10 * 60_000L;

    private static final int MAX_CHAINS = 4096;
    private static final int MAX_ACCOUNTS = 1024;
    private static final int MAX_REVOCATIONS_PER_ACCOUNT = 16;
    private static final Query CERTIFICATES =
            new Query(List.of(), List.of(Query.Condition.valueType(CertificateValues.TYPE)));

    private final SecureDht dht;
    private final LongSupplier nowMillis;
    private final Map<InfoHash, List<X509Certificate>> chains = lru(MAX_CHAINS);
    /** Unsigned type-0 values seen at an account id: CRL candidates, checked against the account certificate when used. */
    private final Map<AccountId, Map<Long, Value>> revocations = lru(MAX_ACCOUNTS);

    private final Map<AccountId, Long> revocationsFetched = lru(MAX_ACCOUNTS);
    /** Accounts whose id a listen of ours watches: their CRLs reach {@link #noteRevocation} as they appear. */
    private final java.util.Set<AccountId> watched = new java.util.HashSet<>();

    public DeviceDirectory(SecureDht dht) {
        this(dht, System::currentTimeMillis);
    }

    public DeviceDirectory(SecureDht dht, LongSupplier nowMillis) {
        this.dht = dht;
        this.nowMillis = nowMillis;
    }

    /**
     * The valid, unrevoked devices announced at {@code account}'s id now. Devices whose chain is
     * missing or wrong are left out; the future fails only when the DHT could not be asked.
     */
    public CompletableFuture<List<PeerDevice>> devicesOf(AccountId account) {
        return dht.get(account.hash()).thenCompose(values -> {
            List<DeviceAnnouncement> announced = new ArrayList<>();
            for (Value v : values) {
                Optional<DeviceAnnouncement> a = DeviceAnnouncement.from(v, account);
                if (a.isPresent()) {
                    if (announced.stream()
                            .noneMatch(x -> x.device().equals(a.get().device()))) {
                        announced.add(a.get());
                    }
                } else {
                    noteRevocation(account, v);
                }
            }
            synchronized (this) {
                revocationsFetched.put(account, nowMillis.getAsLong());
            }
            List<CompletableFuture<Optional<PeerDevice>>> found = new ArrayList<>();
            for (DeviceAnnouncement a : announced) {
                found.add(deviceOf(account, a));
            }
            return CompletableFuture.allOf(found.toArray(CompletableFuture[]::new))
                    .thenApply(done -> {
                        List<PeerDevice> devices = new ArrayList<>();
                        for (CompletableFuture<Optional<PeerDevice>> f : found) {
                            f.join().ifPresent(devices::add); // all complete here: join does not wait
                        }
                        return List.copyOf(devices);
                    });
        });
    }

    /** The announced device when its chain is found, leads to {@code account} and is not revoked. */
    CompletableFuture<Optional<PeerDevice>> deviceOf(AccountId account, DeviceAnnouncement announced) {
        return chainOf(announced.device())
                .thenApply(chain -> {
                    if (!chain.get(0).getPublicKey().equals(announced.deviceKey())
                            || !DeviceChains.leadsTo(chain, account)
                            || isRevoked(account, chain)) {
                        return Optional.<PeerDevice>empty();
                    }
                    return Optional.of(new PeerDevice(account, DeviceId.of(announced.deviceKey()), chain));
                })
                .exceptionally(e -> Optional.empty());
    }

    /**
     * The certificate chain published for the device key {@code deviceKeyId} (leaf first),
     * cached; fails with {@link DhtException} when none is found whose leaf has that key.
     */
    public CompletableFuture<List<X509Certificate>> chainOf(InfoHash deviceKeyId) {
        synchronized (this) {
            List<X509Certificate> known = chains.get(deviceKeyId);
            if (known != null) {
                return CompletableFuture.completedFuture(known);
            }
        }
        return dht.get(deviceKeyId, CERTIFICATES).thenApply(values -> {
            for (Value v : values) {
                try {
                    List<X509Certificate> chain = CertificateValues.chain(v);
                    if (chain.size() >= 2
                            && deviceKeyId.equals(PublicKeys.id(chain.get(0).getPublicKey()))) {
                        List<X509Certificate> copy = List.copyOf(chain);
                        synchronized (this) {
                            chains.put(deviceKeyId, copy);
                        }
                        return copy;
                    }
                } catch (GeneralSecurityException | RuntimeException e) {
                    // junk at a public key: try the next value
                }
            }
            throw new DhtException("no certificate chain for device " + deviceKeyId + " on the DHT");
        });
    }

    /** Who signed a value: the device, or why it is not trusted. */
    public record Verdict(Optional<PeerDevice> device, String refusal) {}

    /**
     * Who signed a value: the device with key id {@code deviceKeyId}, checked to belong to an
     * account (Jami's {@code foundPeerDevice}) and not revoked by it. Fails when no chain is
     * found for the key.
     */
    public CompletableFuture<Verdict> authenticate(InfoHash deviceKeyId) {
        return chainOf(deviceKeyId).thenCompose(chain -> {
            Optional<AccountId> account = DeviceChains.accountOf(chain);
            if (account.isEmpty()) {
                return CompletableFuture.completedFuture(
                        new Verdict(
                                Optional.empty(),
                                "its certificate chain does not lead to an account (self-signed, or not signed by its issuer)"));
            }
            AccountId a = account.get();
            PeerDevice device = new PeerDevice(a, DeviceId.of(chain.get(0).getPublicKey()), chain);
            if (!needsRevocationLookup(a)) {
                return CompletableFuture.completedFuture(verdict(a, device));
            }
            return dht.get(a.hash()).handle((values, failure) -> {
                if (values != null) {
                    values.forEach(v -> noteRevocation(a, v));
                    synchronized (this) {
                        revocationsFetched.put(a, nowMillis.getAsLong());
                    }
                }
                return verdict(a, device);
            });
        });
    }

    private Verdict verdict(AccountId account, PeerDevice device) {
        return isRevoked(account, device.chain())
                ? new Verdict(Optional.empty(), "device " + device.id() + " is revoked by account " + account)
                : new Verdict(Optional.of(device), "");
    }

    /** Adds a device met before (a chain checked then, kept by the caller) to the cache, so it needs no lookup. */
    public synchronized void remember(PeerDevice device) {
        chains.putIfAbsent(device.id().shortId(), device.chain());
    }

    /** The chain already fetched for this device key, if any. */
    synchronized Optional<List<X509Certificate>> cachedChain(InfoHash deviceKeyId) {
        return Optional.ofNullable(chains.get(deviceKeyId));
    }

    /** The account's chain says it is a device; false for a chain that leads nowhere. */
    static Optional<AccountId> accountOf(List<X509Certificate> chain) {
        return DeviceChains.accountOf(chain);
    }

    /**
     * Remembers a value seen at {@code account}'s id that may be its CRL (an unsigned, clear
     * value); listeners at account ids hand every value here.
     */
    synchronized void noteRevocation(AccountId account, Value v) {
        if (v.isEncrypted() || v.isSigned()) {
            return;
        }
        Map<Long, Value> known = revocations.computeIfAbsent(account, k -> lru(MAX_REVOCATIONS_PER_ACCOUNT));
        known.put(v.id(), v);
    }

    /** True when a CRL signed by the chain's account certificate lists the chain's device. */
    synchronized boolean isRevoked(AccountId account, List<X509Certificate> chain) {
        Map<Long, Value> known = revocations.get(account);
        if (known == null || chain.size() < 2) {
            return false;
        }
        for (Value v : known.values()) {
            Optional<X509CRL> crl = Revocations.from(v, chain.get(1));
            if (crl.isPresent() && Revocations.isRevoked(crl.get(), chain.get(0))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A sender's CRLs are looked up with every message it sends unless a listen watches its
     * account id (our own account, our contacts): a revocation must count at once, and the
     * per-sender rate limit bounds the lookups.
     */
    private synchronized boolean needsRevocationLookup(AccountId account) {
        Long at = revocationsFetched.get(account);
        return !watched.contains(account) || at == null || nowMillis.getAsLong() - at > REVOCATION_REFRESH_MS;
    }

    /** Says whether a listen at {@code account}'s id hands its values to {@link #noteRevocation}. */
    synchronized void watching(AccountId account, boolean listening) {
        if (listening) {
            watched.add(account);
            revocationsFetched.put(account, nowMillis.getAsLong());
        } else {
            watched.remove(account);
        }
    }

    private static <K, V> Map<K, V> lru(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        };
    }
}
