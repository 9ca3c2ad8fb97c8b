package org.carillon.dht.secure;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.carillon.dht.Dht;
import org.carillon.dht.DhtException;
import org.carillon.dht.Field;
import org.carillon.dht.InfoHash;
import org.carillon.dht.ListenHandle;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.ValueListener;
import org.carillon.dht.crypto.CertificateValues;
import org.carillon.dht.crypto.Identity;
import org.carillon.dht.crypto.PublicKeys;
import org.carillon.dht.crypto.ValueEncryption;
import org.carillon.dht.crypto.ValueSigning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenDHT's "SecureDht" (§11): the same get/put/listen as the plain node, plus signed and
 * encrypted puts, certificate publication and lookup; every value received is checked first:
 * encrypted ones are decrypted when addressed to us, signed ones verified, and the others
 * dropped and counted.
 */
public final class SecureDht implements Dht {
    private static final Logger LOG = LoggerFactory.getLogger(SecureDht.class);

    private final Dht dht;
    private final Identity identity;
    private final SecureRandom random;
    private final Map<InfoHash, X509Certificate> certificates = new ConcurrentHashMap<>();
    private final Map<String, Integer> lastSeq = new ConcurrentHashMap<>();
    private final AtomicLong badSignatures = new AtomicLong();
    private final AtomicLong undecryptable = new AtomicLong();

    public SecureDht(Dht dht, Identity identity, SecureRandom random) {
        this.dht = dht;
        this.identity = identity;
        this.random = random;
        certificates.put(identity.id(), identity.certificate());
    }

    public Identity identity() {
        return identity;
    }

    /** Signed values whose signature failed, dropped so far. */
    public long badSignatures() {
        return badSignatures.get();
    }

    /** Encrypted values that were not for us or did not decrypt and verify, dropped so far. */
    public long undecryptable() {
        return undecryptable.get();
    }

    /**
     * Announces our certificate chain (value id 1, type 8, permanent) where every interoperating
     * version looks for it: at the public-key id (OpenDHT 2.4.12 … 3.4) and at SHA-1 of the
     * long id (≥ 3.5). 2.4.12 storage nodes acknowledge the second and do not store it.
     */
    public CompletableFuture<Void> publishCertificate() {
        Value cert = CertificateValues.of(identity.chain());
        CompletableFuture<Long> shortId = dht.put(identity.id(), cert, true);
        CompletableFuture<Long> longId =
                dht.put(PublicKeys.longIdKey(identity.key().getPublic()), cert, true);
        // Done when either location took it; failed only when both did.
        return shortId.thenApply(id -> (Void) null).exceptionallyCompose(e -> longId.thenApply(id -> null));
    }

    // ---------------------------------------------------------------- plain operations, checked

    @Override
    public CompletableFuture<List<Value>> get(InfoHash key, Query where, Consumer<List<Value>> onValues) {
        List<Value> accepted = Collections.synchronizedList(new ArrayList<>());
        return dht.get(key, where, batch -> {
                    List<Value> ok = check(batch);
                    accepted.addAll(ok);
                    if (!ok.isEmpty()) {
                        onValues.accept(ok);
                    }
                })
                .thenApply(all -> List.copyOf(accepted));
    }

    @Override
    public CompletableFuture<List<Map<Field, Object>>> query(InfoHash key, Query query) {
        return dht.query(key, query); // rows of fields carry nothing to check
    }

    @Override
    public CompletableFuture<Long> put(InfoHash key, Value value, boolean permanent) {
        return dht.put(key, value, permanent);
    }

    @Override
    public void cancelPut(InfoHash key, long valueId) {
        dht.cancelPut(key, valueId);
    }

    @Override
    public ListenHandle listen(InfoHash key, Query where, ValueListener listener) {
        return dht.listen(key, where, (values, expired) -> {
            List<Value> ok = check(values);
            if (!ok.isEmpty()) {
                listener.onValues(ok, expired);
            }
        });
    }

    // ---------------------------------------------------------------- signed and encrypted

    /**
     * Signs and puts {@code value}: its seq is one more than the highest seq of the same value
     * id we signed, found on the DHT or remembered from our own earlier puts (§11.2).
     */
    public CompletableFuture<Long> putSigned(InfoHash key, Value value, boolean permanent) {
        long id = value.id() != 0 ? value.id() : Value.randomId(random);
        byte[] ours = identity.key().getPublic().getEncoded();
        return dht.get(key, new Query(List.of(), List.of(Query.Condition.id(id))))
                .exceptionally(e -> List.of()) // no network now: the put will say so
                .thenCompose(existing -> {
                    int seq = lastSeq.getOrDefault(seqKey(key, id), -1);
                    for (Value v : existing) {
                        if (v.id() == id && v.isSigned() && Arrays.equals(v.owner(), ours)) {
                            seq = Math.max(seq, v.seq());
                        }
                    }
                    int next = Math.min(seq + 1, 0xffff);
                    lastSeq.put(seqKey(key, id), next);
                    Value signed = ValueSigning.sign(value.withId(id), identity.key(), next);
                    return dht.put(key, signed, permanent);
                });
    }

    /**
     * Signs {@code value} and encrypts it for {@code recipient}, without putting it: for a caller
     * that knows the recipient's key already and puts the same sealed value more than once.
     */
    public Value seal(Value value, PublicKey recipient) {
        long id = value.id() != 0 ? value.id() : Value.randomId(random);
        return ValueEncryption.encrypt(value.withId(id), identity.key(), 0, recipient, random);
    }

    /** Signs {@code value}, encrypts it for the owner of {@code recipient}'s key (found on the DHT) and puts it. */
    public CompletableFuture<Long> putEncrypted(InfoHash key, InfoHash recipient, Value value, boolean permanent) {
        long id = value.id() != 0 ? value.id() : Value.randomId(random);
        return findPublicKey(recipient).thenCompose(publicKey -> {
            Value encrypted = ValueEncryption.encrypt(value.withId(id), identity.key(), 0, publicKey, random);
            return dht.put(key, encrypted, permanent);
        });
    }

    /** The certificate of the key with that id (short id or ≥ 3.5 long-id key), from the DHT or the cache. */
    public CompletableFuture<X509Certificate> findCertificate(InfoHash keyId) {
        X509Certificate known = certificates.get(keyId);
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        return dht.get(keyId, new Query(List.of(), List.of(Query.Condition.valueType(CertificateValues.TYPE))))
                .thenApply(values -> {
                    for (Value v : values) {
                        X509Certificate leaf = certificateFor(keyId, v);
                        if (leaf != null) {
                            certificates.put(keyId, leaf);
                            return leaf;
                        }
                    }
                    throw new DhtException("no certificate for key " + keyId + " on the DHT");
                });
    }

    public CompletableFuture<PublicKey> findPublicKey(InfoHash keyId) {
        return findCertificate(keyId).thenApply(X509Certificate::getPublicKey);
    }

    /** The leaf of a certificate value when its key is the one named by {@code keyId}, else null. */
    private static X509Certificate certificateFor(InfoHash keyId, Value v) {
        if (v.type() != CertificateValues.TYPE || v.isEncrypted()) {
            return null;
        }
        try {
            X509Certificate leaf = CertificateValues.chain(v).get(0);
            PublicKey k = leaf.getPublicKey();
            return keyId.equals(PublicKeys.id(k)) || keyId.equals(PublicKeys.longIdKey(k)) ? leaf : null;
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    /** What the getter side keeps (§11.6): decrypted values for us, verified signed values, unsigned ones. */
    private List<Value> check(List<Value> values) {
        List<Value> ok = new ArrayList<>(values.size());
        for (Value v : values) {
            if (v.isEncrypted()) {
                var clear = ValueEncryption.decrypt(v, identity.key().getPrivate(), identity.id());
                if (clear.isPresent()) {
                    ok.add(clear.get());
                } else {
                    undecryptable.incrementAndGet();
                    LOG.debug("dropped encrypted value {} (not for us, or invalid)", Long.toUnsignedString(v.id(), 16));
                }
            } else if (ValueSigning.verifies(v)) {
                ok.add(v);
            } else {
                badSignatures.incrementAndGet();
                LOG.debug("dropped value {}: bad signature", Long.toUnsignedString(v.id(), 16));
            }
        }
        return ok;
    }

    private static String seqKey(InfoHash key, long id) {
        return key + "/" + Long.toUnsignedString(id, 16);
    }
}
