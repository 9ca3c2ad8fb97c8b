package org.carillon.core.contact;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.AccountKeys;
import org.carillon.dht.secure.SecureDht;

/** An account online on the DHT (being written). */
public final class OnlineAccount implements AutoCloseable {
    public OnlineAccount(
            AccountKeys keys,
            SecureDht dht,
            AccountState state,
            AccountEvents events,
            LongSupplier nowMillis,
            RandomGenerator random) {}

    public void start() {
        throw new UnsupportedOperationException("being written");
    }

    public CompletableFuture<Void> sendTrustRequest(AccountId to, byte[] vcard) {
        throw new UnsupportedOperationException("being written");
    }

    public CompletableFuture<Void> accept(AccountId from) {
        throw new UnsupportedOperationException("being written");
    }

    public CompletableFuture<Void> decline(AccountId from) {
        throw new UnsupportedOperationException("being written");
    }

    public CompletableFuture<Void> block(AccountId id) {
        throw new UnsupportedOperationException("being written");
    }

    public CompletableFuture<Void> unblock(AccountId id) {
        throw new UnsupportedOperationException("being written");
    }

    public CompletableFuture<Void> removeContact(AccountId id) {
        throw new UnsupportedOperationException("being written");
    }

    public List<Contact> contacts() {
        throw new UnsupportedOperationException("being written");
    }

    @Override
    public void close() {}
}
