package org.carillon.core.store;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.DeviceId;
import org.carillon.dht.InfoHash;
import org.carillon.dht.crypto.IdentityFiles;

/**
 * The accounts this machine holds, their devices and settings, in the {@link Database}. Each
 * method is one transaction; removing an account removes everything stored for it.
 */
public final class AccountRecords {
    private final Database db;

    public AccountRecords(Database db) {
        this.db = db;
    }

    /** @throws IllegalStateException when an account with this id is already here */
    public void add(LocalAccount account) {
        db.inTransaction(c -> {
            if (exists(c, account.id())) {
                throw new IllegalStateException("account " + account.id() + " is already on this machine");
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO accounts (id, alias, device_name, created_at) VALUES (?, ?, ?, ?)")) {
                s.setString(1, account.id().hex());
                s.setString(2, account.alias());
                s.setString(3, account.deviceName());
                s.setLong(4, account.createdAt());
                s.executeUpdate();
            }
            return null;
        });
    }

    /** The accounts, oldest first. */
    public List<LocalAccount> list() {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT id, alias, device_name, created_at FROM accounts ORDER BY created_at, id")) {
                List<LocalAccount> accounts = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        accounts.add(account(r));
                    }
                }
                return accounts;
            }
        });
    }

    public Optional<LocalAccount> find(AccountId id) {
        return db.inTransaction(c -> {
            try (PreparedStatement s =
                    c.prepareStatement("SELECT id, alias, device_name, created_at FROM accounts WHERE id = ?")) {
                s.setString(1, id.hex());
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(account(r)) : Optional.empty();
                }
            }
        });
    }

    /** Removes the account with its devices, contacts, requests, handled values and settings; false when absent. */
    public boolean remove(AccountId id) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM accounts WHERE id = ?")) {
                s.setString(1, id.hex());
                return s.executeUpdate() > 0;
            }
        });
    }

    /** Adds or replaces the device with this short id. */
    public void saveDevice(KnownDevice device) {
        db.inTransaction(c -> {
            requireAccount(c, device.account());
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO devices (account_id, short_id, long_id, name, certificate, revoked, last_seen)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (account_id, short_id) DO UPDATE SET long_id = excluded.long_id,
                        name = excluded.name, certificate = excluded.certificate,
                        revoked = excluded.revoked, last_seen = excluded.last_seen""")) {
                s.setString(1, device.account().hex());
                s.setString(2, device.id().shortId().toString());
                s.setString(3, device.id().longId());
                s.setString(4, device.name());
                s.setString(
                        5,
                        device.certificate() == null
                                ? null
                                : new String(
                                        IdentityFiles.chainPem(List.of(device.certificate())),
                                        StandardCharsets.US_ASCII));
                s.setInt(6, device.revoked() ? 1 : 0);
                s.setLong(7, device.lastSeenSeconds());
                s.executeUpdate();
            }
            return null;
        });
    }

    /** The account's devices, revoked ones included, by short id. */
    public List<KnownDevice> devices(AccountId account) {
        return db.inTransaction(c -> {
            try (PreparedStatement s =
                    c.prepareStatement("SELECT short_id, long_id, name, certificate, revoked, last_seen FROM devices"
                            + " WHERE account_id = ? ORDER BY short_id")) {
                s.setString(1, account.hex());
                List<KnownDevice> devices = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        devices.add(new KnownDevice(
                                account,
                                new DeviceId(InfoHash.fromHex(r.getString(1)), r.getString(2)),
                                r.getString(3),
                                certificate(r.getString(4)),
                                r.getInt(5) != 0,
                                r.getLong(6)));
                    }
                }
                return devices;
            }
        });
    }

    /** Marks the device revoked; false when the account has no such device. */
    public boolean markRevoked(AccountId account, DeviceId device) {
        return db.inTransaction(c -> {
            try (PreparedStatement s =
                    c.prepareStatement("UPDATE devices SET revoked = 1 WHERE account_id = ? AND short_id = ?")) {
                s.setString(1, account.hex());
                s.setString(2, device.shortId().toString());
                return s.executeUpdate() > 0;
            }
        });
    }

    public Optional<String> setting(AccountId account, String key) {
        return db.inTransaction(c -> {
            try (PreparedStatement s =
                    c.prepareStatement("SELECT value FROM account_settings WHERE account_id = ? AND key = ?")) {
                s.setString(1, account.hex());
                s.setString(2, key);
                return single(s);
            }
        });
    }

    public void putSetting(AccountId account, String key, String value) {
        requireValue(key, value);
        db.inTransaction(c -> {
            requireAccount(c, account);
            try (PreparedStatement s =
                    c.prepareStatement("INSERT INTO account_settings (account_id, key, value) VALUES (?, ?, ?)"
                            + " ON CONFLICT (account_id, key) DO UPDATE SET value = excluded.value")) {
                s.setString(1, account.hex());
                s.setString(2, key);
                s.setString(3, value);
                s.executeUpdate();
            }
            return null;
        });
    }

    /** A setting of the whole daemon rather than of one account. */
    public Optional<String> globalSetting(String key) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT value FROM settings WHERE key = ?")) {
                s.setString(1, key);
                return single(s);
            }
        });
    }

    public void putGlobalSetting(String key, String value) {
        requireValue(key, value);
        db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO settings (key, value) VALUES (?, ?)"
                    + " ON CONFLICT (key) DO UPDATE SET value = excluded.value")) {
                s.setString(1, key);
                s.setString(2, value);
                s.executeUpdate();
            }
            return null;
        });
    }

    static boolean exists(Connection c, AccountId id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM accounts WHERE id = ?")) {
            s.setString(1, id.hex());
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    /** Says which account is missing rather than SQLite's "FOREIGN KEY constraint failed". */
    static void requireAccount(Connection c, AccountId id) throws SQLException {
        if (!exists(c, id)) {
            throw new IllegalArgumentException("account " + id + " is not on this machine");
        }
    }

    private static void requireValue(String key, String value) {
        if (key == null || value == null) {
            throw new IllegalArgumentException("a setting needs a key and a value");
        }
    }

    private static Optional<String> single(PreparedStatement s) throws SQLException {
        try (ResultSet r = s.executeQuery()) {
            return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
        }
    }

    private static LocalAccount account(ResultSet r) throws SQLException {
        return new LocalAccount(AccountId.parse(r.getString(1)), r.getString(2), r.getString(3), r.getLong(4));
    }

    private static X509Certificate certificate(String pem) throws SQLException {
        if (pem == null) {
            return null;
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new SQLException("a stored device certificate is unreadable: " + e.getMessage(), e);
        }
    }
}
