package org.carillon.core.local;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.carillon.core.account.AccountGenerator;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.Progress;
import org.carillon.core.contact.AccountEvents;
import org.carillon.core.message.MessageEvents;
import org.carillon.core.message.MessagePolicy;
import org.carillon.core.store.LocalAccount;
import org.carillon.dht.DhtRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's accounts, all online on its one DHT node: every local account gets a session at
 * start, a new or imported one at once. What each account hears goes to the listeners the
 * daemon gives per account. Thread-safe.
 */
public final class AccountHost implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AccountHost.class);

    /** Where an account's events go. */
    public interface Listeners {
        AccountEvents account(AccountId id);

        MessageEvents messages(AccountId id);

        /** The account's device is announced on the DHT (or could not be: {@code failure} says why). */
        default void onAnnounced(AccountId id, Optional<Throwable> failure) {}
    }

    private final LocalAccounts accounts;
    private final DhtRunner runner;
    private final Listeners listeners;
    private final MessagePolicy policy;
    private final Map<AccountId, AccountSession> sessions = new LinkedHashMap<>();
    private boolean closed;

    /** @param policy how the accounts' messages are kept and republished ({@code messages.keep-days}) */
    public AccountHost(LocalAccounts accounts, DhtRunner runner, Listeners listeners, MessagePolicy policy) {
        this.accounts = accounts;
        this.runner = runner;
        this.listeners = listeners;
        this.policy = policy;
    }

    /** Brings every local account online; one that cannot be (its key files unreadable) is logged and skipped. */
    public void startAll() {
        for (LocalAccount a : accounts.list()) {
            try {
                online(a);
            } catch (IOException e) {
                LOG.error("account {} ({}) stays offline: {}", a.id(), a.alias(), e.getMessage());
            }
        }
    }

    public LocalAccounts accounts() {
        return accounts;
    }

    public DhtRunner node() {
        return runner;
    }

    /** The session of an account of this host, brought online if it is not yet. */
    public synchronized AccountSession online(LocalAccount account) throws IOException {
        if (closed) {
            throw new IllegalStateException("the daemon is stopping");
        }
        AccountSession s = sessions.get(account.id());
        if (s != null) {
            return s;
        }
        AccountId id = account.id();
        s = AccountSession.on(
                runner,
                accounts.keys(account),
                accounts.state(account),
                listeners.account(id),
                accounts.messages(account),
                listeners.messages(id),
                accounts.revocations(account),
                policy);
        sessions.put(id, s);
        s.announced().whenComplete((r, e) -> listeners.onAnnounced(id, Optional.ofNullable(e)));
        LOG.info("account {} ({}) is online", id, account.alias());
        return s;
    }

    public synchronized Optional<AccountSession> session(AccountId id) {
        return Optional.ofNullable(sessions.get(id));
    }

    /** Creates an account and brings it online. */
    public LocalAccount create(String alias, String deviceName, AccountGenerator generator, Progress progress)
            throws IOException, GeneralSecurityException {
        LocalAccount a = accounts.create(alias, deviceName, generator, progress);
        online(a);
        return a;
    }

    /** Takes an account offline (its data stays). */
    public synchronized void offline(AccountId id) {
        AccountSession s = sessions.remove(id);
        if (s != null) {
            s.close();
        }
    }

    /**
     * Takes the account offline and deletes it from this device ({@link LocalAccounts#remove});
     * under the host's lock, so no call brings it back online half-way.
     */
    public synchronized void remove(LocalAccount account) throws IOException {
        offline(account.id());
        accounts.remove(account);
        LOG.info("account {} ({}) is removed from this device", account.id(), account.alias());
    }

    /** Closes every session (the node is the caller's). */
    @Override
    public void close() {
        List<AccountSession> open;
        synchronized (this) {
            closed = true;
            open = new ArrayList<>(sessions.values());
            sessions.clear();
        }
        open.forEach(AccountSession::close);
    }
}
