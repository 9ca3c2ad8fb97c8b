package org.carillon.core.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.carillon.core.account.AccountGenerator;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.account.DeviceId;
import org.carillon.core.account.Progress;
import org.carillon.core.account.Revocations;
import org.carillon.core.archive.AccountArchive;
import org.carillon.core.archive.ArchiveException;
import org.carillon.core.archive.ArchiveFile;
import org.carillon.core.contact.AccountState;
import org.carillon.core.message.MessageStore;
import org.carillon.core.store.AccountRecords;
import org.carillon.core.store.DataDirectory;
import org.carillon.core.store.Database;
import org.carillon.core.store.KeyFiles;
import org.carillon.core.store.KnownDevice;
import org.carillon.core.store.LocalAccount;
import org.carillon.core.store.SqliteAccountState;
import org.carillon.core.store.SqliteMessageStore;

/**
 * The accounts of one data directory: their keys (files, owner-only) and what is known about
 * them (SQLite). What the {@code carillon account|contact|request} commands work on until the
 * daemon owns the directory.
 */
public final class LocalAccounts implements AutoCloseable {
    private static final String REVOCATIONS = "revocations";

    private final DataDirectory directory;
    private final Database database;
    private final AccountRecords records;

    private LocalAccounts(DataDirectory directory, Database database) {
        this.directory = directory;
        this.database = database;
        this.records = new AccountRecords(database);
    }

    /** Opens (creating when needed) the accounts kept in {@code directory}. */
    public static LocalAccounts open(DataDirectory directory) throws IOException {
        directory.ensureExists();
        return new LocalAccounts(directory, Database.open(directory.database()));
    }

    public DataDirectory directory() {
        return directory;
    }

    /** Generates a new account and its first device (seconds of RSA work, reported to {@code progress}). */
    public LocalAccount create(String alias, String deviceName, AccountGenerator generator, Progress progress)
            throws IOException, GeneralSecurityException {
        AccountKeys keys = generator.newAccount(deviceName, progress);
        return remember(keys, alias, deviceName);
    }

    /**
     * Adds a device to the account in {@code archiveFile}: a new device key certified by the
     * archived account key, so the account id stays the same.
     */
    public LocalAccount importArchive(
            Path archiveFile, char[] password, String deviceName, AccountGenerator generator, Progress progress)
            throws IOException, GeneralSecurityException, ArchiveException {
        return importArchive(ArchiveFile.read(archiveFile, password), deviceName, generator, progress);
    }

    /** As {@link #importArchive(Path, char[], String, AccountGenerator, Progress)}, from the file's bytes. */
    public LocalAccount importArchive(
            byte[] archiveBytes, char[] password, String deviceName, AccountGenerator generator, Progress progress)
            throws IOException, GeneralSecurityException, ArchiveException {
        return importArchive(ArchiveFile.decode(archiveBytes, password), deviceName, generator, progress);
    }

    private LocalAccount importArchive(
            AccountArchive archive, String deviceName, AccountGenerator generator, Progress progress)
            throws IOException, GeneralSecurityException {
        AccountId id = archive.accountId();
        if (records.find(id).isPresent()) {
            throw new IllegalArgumentException("account " + id + " is already in " + directory.root());
        }
        AccountKeys keys = generator.importDevice(archive, deviceName, progress);
        LocalAccount account = remember(keys, "", deviceName);
        AccountState state = state(account);
        archive.contacts().values().forEach(state::saveContact);
        if (archive.crl() != null) {
            records.putSetting(id, REVOCATIONS, Base64.getEncoder().encodeToString(archive.crl()));
        }
        return account;
    }

    private LocalAccount remember(AccountKeys keys, String alias, String deviceName) throws IOException {
        AccountId id = keys.accountId();
        KeyFiles.save(directory.ensureAccountDirectory(id), keys);
        LocalAccount account = new LocalAccount(id, alias, deviceName, System.currentTimeMillis() / 1000);
        records.add(account);
        records.saveDevice(new KnownDevice(
                id, keys.deviceId(), deviceName, keys.device().certificate(), false, account.createdAt()));
        return account;
    }

    /** Writes the account's archive (keys, contacts) to {@code file}, encrypted when a password is given. */
    public void export(LocalAccount account, Path file, char[] password) throws IOException {
        ArchiveFile.write(file, archive(account), password);
    }

    /** The bytes of the archive file {@link #export(LocalAccount, Path, char[])} writes. */
    public byte[] export(LocalAccount account, char[] password) throws IOException {
        return ArchiveFile.encode(archive(account), password);
    }

    private AccountArchive archive(LocalAccount account) throws IOException {
        AccountArchive archive = AccountArchive.of(keys(account), state(account).contacts());
        Optional<X509CRL> crl = revocations(account);
        if (crl.isPresent()) {
            try {
                archive = archive.withCrl(crl.get().getEncoded());
            } catch (CRLException e) {
                throw new IOException("the account's revocation list cannot be encoded: " + e.getMessage(), e);
            }
        }
        return archive;
    }

    /**
     * Deletes the account from this device: its rows (devices, contacts, requests, messages,
     * settings) and then its key files. Without an archive exported first it is gone for good
     * here; its other devices keep it. The caller takes it offline first.
     */
    public void remove(LocalAccount account) throws IOException {
        if (!records.remove(account.id())) {
            throw new IllegalArgumentException("no account " + account.id() + " in " + directory.root());
        }
        Path keys = directory.accountDirectory(account.id());
        if (!Files.exists(keys)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(keys)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new IOException(
                    "account " + account.id() + " is removed but its key files in " + keys + " could not all be"
                            + " deleted: " + e.getMessage(),
                    e);
        }
    }

    /** The account's list of revoked devices, when it revoked any (kept as a setting, base64 DER). */
    public Optional<X509CRL> revocations(LocalAccount account) {
        return records.setting(account.id(), REVOCATIONS)
                .map(b64 -> Revocations.decode(Base64.getDecoder().decode(b64))
                        .orElseThrow(() -> new IllegalStateException(
                                "the revocation list of " + account.id() + " in " + database.file() + " is corrupt")));
    }

    /** Replaces the account's revocation list and records {@code revoked} as a revoked device of it. */
    public void saveRevocations(LocalAccount account, X509CRL crl, X509Certificate revoked) throws CRLException {
        String encoded = Base64.getEncoder().encodeToString(crl.getEncoded());
        DeviceId id = DeviceId.of(revoked.getPublicKey());
        database.inTransaction(c -> {
            records.putSetting(account.id(), REVOCATIONS, encoded);
            if (!records.markRevoked(account.id(), id)) {
                records.saveDevice(new KnownDevice(account.id(), id, "", revoked, true, 0));
            }
            return null;
        });
    }

    public List<LocalAccount> list() {
        return records.list();
    }

    /**
     * The account {@code selector} names: its id (40 hex, or a unique prefix of at least 4) or
     * its alias; with no selector, the only account. Throws {@link IllegalArgumentException}
     * saying what did not match.
     */
    public LocalAccount select(String selector) {
        List<LocalAccount> all = records.list();
        if (selector == null || selector.isBlank()) {
            if (all.size() == 1) {
                return all.get(0);
            }
            throw new IllegalArgumentException(
                    all.isEmpty()
                            ? "no account in " + directory.root() + ": create one with 'carillon account create'"
                            : all.size() + " accounts in " + directory.root() + ": name one with --account ID");
        }
        String s = selector.strip().toLowerCase(Locale.ROOT);
        List<LocalAccount> matches = all.stream()
                .filter(a -> a.alias().equalsIgnoreCase(s)
                        || (s.length() >= 4 && a.id().hex().startsWith(s)))
                .toList();
        if (matches.size() == 1) {
            return matches.get(0);
        }
        throw new IllegalArgumentException(
                matches.isEmpty()
                        ? "no account '" + selector + "' in " + directory.root()
                        : "'" + selector + "' matches " + matches.size() + " accounts: give more of the id");
    }

    public AccountKeys keys(LocalAccount account) throws IOException {
        return KeyFiles.load(directory.accountDirectory(account.id()));
    }

    public AccountState state(LocalAccount account) {
        return new SqliteAccountState(database, account.id());
    }

    /** The account's messages, the deliveries they still owe, and its contacts' devices. */
    public MessageStore messages(LocalAccount account) {
        return new SqliteMessageStore(database, account.id());
    }

    public List<KnownDevice> devices(LocalAccount account) {
        return records.devices(account.id());
    }

    @Override
    public void close() {
        database.close();
    }
}
