package org.carillon.core.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.carillon.core.account.AccountId;
import org.carillon.core.contact.AccountState;
import org.carillon.core.contact.Contact;
import org.carillon.core.contact.TrustRequest;
import org.carillon.dht.InfoHash;

/**
 * One account's contacts, pending requests and handled values in the {@link Database}. Every
 * method is one transaction; called inside {@link Database#inTransaction} it joins that one, so
 * a caller can make several changes atomic together.
 */
public final class SqliteAccountState implements AccountState {
    private final Database db;
    private final AccountId account;
    private final Clock clock;

    /** @throws IllegalArgumentException when the account is not in the database ({@link AccountRecords#add} first) */
    public SqliteAccountState(Database db, AccountId account) {
        this(db, account, Clock.systemUTC());
    }

    /** @param clock gives the time recorded with each handled value */
    public SqliteAccountState(Database db, AccountId account, Clock clock) {
        this.db = db;
        this.account = account;
        this.clock = clock;
        db.inTransaction(c -> {
            AccountRecords.requireAccount(c, account);
            return null;
        });
    }

    public AccountId account() {
        return account;
    }

    @Override
    public List<Contact> contacts() {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT contact_id, added, removed, confirmed, banned, conversation_id FROM contacts"
                            + " WHERE account_id = ? ORDER BY contact_id")) {
                s.setString(1, account.hex());
                List<Contact> contacts = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        contacts.add(contact(r));
                    }
                }
                return contacts;
            }
        });
    }

    @Override
    public Optional<Contact> contact(AccountId id) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT contact_id, added, removed, confirmed, banned, conversation_id FROM contacts"
                            + " WHERE account_id = ? AND contact_id = ?")) {
                s.setString(1, account.hex());
                s.setString(2, id.hex());
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(contact(r)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void saveContact(Contact contact) {
        db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO contacts (account_id, contact_id, added, removed, confirmed, banned, conversation_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (account_id, contact_id) DO UPDATE SET added = excluded.added,
                        removed = excluded.removed, confirmed = excluded.confirmed,
                        banned = excluded.banned, conversation_id = excluded.conversation_id""")) {
                s.setString(1, account.hex());
                s.setString(2, contact.id().hex());
                s.setLong(3, contact.addedSeconds());
                s.setLong(4, contact.removedSeconds());
                s.setInt(5, contact.confirmed() ? 1 : 0);
                s.setInt(6, contact.banned() ? 1 : 0);
                s.setString(7, contact.conversationId());
                s.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<TrustRequest> requests() {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT from_id, from_device, conversation_id, vcard, received_at FROM trust_requests"
                            + " WHERE account_id = ? ORDER BY received_at, from_id")) {
                s.setString(1, account.hex());
                List<TrustRequest> requests = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        requests.add(request(r));
                    }
                }
                return requests;
            }
        });
    }

    @Override
    public Optional<TrustRequest> request(AccountId from) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT from_id, from_device, conversation_id, vcard, received_at FROM trust_requests"
                            + " WHERE account_id = ? AND from_id = ?")) {
                s.setString(1, account.hex());
                s.setString(2, from.hex());
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(request(r)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void saveRequest(TrustRequest request) {
        db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO trust_requests (account_id, from_id, from_device, conversation_id, vcard, received_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (account_id, from_id) DO UPDATE SET from_device = excluded.from_device,
                        conversation_id = excluded.conversation_id, vcard = excluded.vcard,
                        received_at = excluded.received_at""")) {
                s.setString(1, account.hex());
                s.setString(2, request.from().hex());
                s.setString(3, request.fromDevice().toString());
                s.setString(4, request.conversationId());
                s.setBytes(5, request.vcard());
                s.setLong(6, request.receivedSeconds());
                s.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void removeRequest(AccountId from) {
        db.inTransaction(c -> {
            try (PreparedStatement s =
                    c.prepareStatement("DELETE FROM trust_requests WHERE account_id = ? AND from_id = ?")) {
                s.setString(1, account.hex());
                s.setString(2, from.hex());
                s.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public boolean markHandled(long valueId) {
        long now = clock.instant().getEpochSecond();
        return db.inTransaction(c -> {
            try (PreparedStatement s =
                    c.prepareStatement("INSERT INTO handled_values (account_id, value_id, seen_at) VALUES (?, ?, ?)"
                            + " ON CONFLICT (account_id, value_id) DO NOTHING")) {
                s.setString(1, account.hex());
                s.setLong(2, valueId);
                s.setLong(3, now);
                return s.executeUpdate() == 1;
            }
        });
    }

    /**
     * Forgets the handled values recorded before {@code seconds} (Unix time), so the table does not
     * grow forever; returns how many. The caller picks the horizon: longer than a value can live
     * on the DHT.
     */
    public int forgetHandledBefore(long seconds) {
        return db.inTransaction(c -> {
            try (PreparedStatement s =
                    c.prepareStatement("DELETE FROM handled_values WHERE account_id = ? AND seen_at < ?")) {
                s.setString(1, account.hex());
                s.setLong(2, seconds);
                return s.executeUpdate();
            }
        });
    }

    private static Contact contact(ResultSet r) throws SQLException {
        return new Contact(
                AccountId.parse(r.getString(1)),
                r.getLong(2),
                r.getLong(3),
                r.getInt(4) != 0,
                r.getInt(5) != 0,
                r.getString(6));
    }

    /** The driver reads an empty BLOB as null. */
    private static byte[] vcard(byte[] stored) {
        return stored == null ? new byte[0] : stored;
    }

    private static TrustRequest request(ResultSet r) throws SQLException {
        return new TrustRequest(
                AccountId.parse(r.getString(1)),
                InfoHash.fromHex(r.getString(2)),
                r.getString(3),
                vcard(r.getBytes(4)),
                r.getLong(5));
    }
}
