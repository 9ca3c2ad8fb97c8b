package org.carillon.core.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The daemon's SQLite database: one connection, used by one thread at a time, every change in a
 * transaction.
 *
 * <p>Crash safety comes from SQLite: write-ahead log, and {@code synchronous=FULL} so a commit
 * is on disk when {@link #inTransaction} returns. (With WAL, {@code NORMAL} would also never
 * corrupt the file, but a power cut could undo the last commits; those can be "this request was
 * handled" or "this sender is blocked", and the writes are few and small, so the extra fsync is
 * worth it.) Migrations run each in its own transaction together with the {@code user_version}
 * that records it, so a crash during an upgrade leaves the previous version, which the next open
 * upgrades again.
 */
public final class Database implements AutoCloseable {
    /** The schema version this build writes; a database with a higher one is refused. */
    public static final int SCHEMA_VERSION = Schema.LATEST;

    static final int BUSY_TIMEOUT_MILLIS = 5_000;
    private static final int SQLITE_BUSY = 5;
    private static final long BUSY_RETRY_MILLIS = 20;
    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    /**
     * One step inside a transaction; it may return a result or null. It uses the connection for
     * statements only: committing, rolling back and closing are {@link #inTransaction}'s.
     */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final Path file;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private int depth;
    private boolean rollbackOnly;

    private Database(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /**
     * Opens (creating it, owner-only, if missing) the database at {@code file} and brings its
     * schema up to {@link #SCHEMA_VERSION}.
     *
     * @throws IOException naming the path when the file is not an SQLite database, is another
     *     program's database, was written by a newer Carillon, or cannot be opened
     */
    public static Database open(Path file) throws IOException {
        Path path = file.toAbsolutePath().normalize();
        Path dir = path.getParent();
        if (!Files.isDirectory(dir)) {
            throw new IOException("cannot open the database " + path + ": the directory " + dir + " does not exist");
        }
        createOwnerOnlyIfMissing(path);
        checkHeader(path);
        Connection connection = connect(path);
        Database db = new Database(path, connection);
        try {
            db.migrate();
            return db;
        } catch (IOException | RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /**
     * Opening applies the pragmas, and switching a fresh file to WAL takes a lock that SQLite's
     * busy timeout does not cover yet: two processes opening a new database at once may see
     * SQLITE_BUSY there, so that step is retried (within the same busy timeout).
     */
    private static Connection connect(Path path) throws IOException {
        long deadline = System.nanoTime() + BUSY_TIMEOUT_MILLIS * 1_000_000L;
        while (true) {
            try {
                return DriverManager.getConnection(
                        "jdbc:sqlite:" + path, configuration().toProperties());
            } catch (SQLException e) {
                boolean busy = e.getErrorCode() == SQLITE_BUSY
                        || String.valueOf(e.getMessage()).contains("SQLITE_BUSY");
                if (!busy || System.nanoTime() > deadline) {
                    throw new IOException("cannot open the database " + path + ": " + e.getMessage(), e);
                }
            }
            try {
                Thread.sleep(BUSY_RETRY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while opening the database " + path, e);
            }
        }
    }

    private static SQLiteConfig configuration() {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        return config;
    }

    /** SQLite gives its -wal and -shm files the database file's mode, so creating it 600 covers all three. */
    private static void createOwnerOnlyIfMissing(Path path) throws IOException {
        if (Files.exists(path)) {
            return;
        }
        try {
            PrivateFile.writeNew(path, new byte[0]);
        } catch (FileAlreadyExistsException e) {
            // another process created it meanwhile: SQLite sorts that out
        } catch (IOException e) {
            throw new IOException("cannot create the database " + path + ": " + DataDirectory.describe(e), e);
        }
    }

    /** SQLite's own complaint ("file is not a database") does not say which file; this does. */
    private static void checkHeader(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new IOException(path + " is a directory, not a database");
        }
        byte[] start;
        try (InputStream in = Files.newInputStream(path)) {
            start = in.readNBytes(SQLITE_HEADER.length);
        } catch (IOException e) {
            throw new IOException("cannot read the database " + path + ": " + DataDirectory.describe(e), e);
        }
        if (start.length > 0 && !Arrays.equals(start, SQLITE_HEADER)) {
            throw new IOException(path + " is not an SQLite database (its first bytes are not SQLite's header);"
                    + " move it away or give another data directory");
        }
    }

    private void migrate() throws IOException {
        int[] found; // application id, schema version, schema objects: read together, so no other opener is half-way
        try {
            found = inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    return new int[] {
                        single(s, "PRAGMA application_id"),
                        single(s, "PRAGMA user_version"),
                        single(s, "SELECT count(*) FROM sqlite_schema")
                    };
                }
            });
        } catch (StoreException e) {
            throw new IOException(file + " is not a usable SQLite database: " + e.getMessage(), e);
        }
        int applicationId = found[0];
        int version = found[1];
        int objects = found[2];
        if (applicationId != Schema.APPLICATION_ID && (applicationId != 0 || version != 0 || objects != 0)) {
            throw new IOException(file + " is an SQLite database but not Carillon's (application id " + applicationId
                    + ", " + objects + " schema objects)");
        }
        if (version > SCHEMA_VERSION) {
            throw new IOException(file + " was written by a newer Carillon (schema version " + version
                    + "; this one knows versions up to " + SCHEMA_VERSION + "): upgrade Carillon to use it");
        }
        for (int next = version + 1; next <= SCHEMA_VERSION; next++) {
            List<String> statements = Schema.MIGRATIONS.get(next - 1);
            int target = next;
            try {
                inTransaction(c -> {
                    try (Statement s = c.createStatement()) {
                        try (ResultSet r = s.executeQuery("PRAGMA user_version")) {
                            if (r.getInt(1) >= target) {
                                return null; // another process upgraded it while we waited for the lock
                            }
                        }
                        for (String sql : statements) {
                            s.execute(sql);
                        }
                        s.execute("PRAGMA user_version = " + target);
                    }
                    return null;
                });
            } catch (StoreException e) {
                throw new IOException(
                        "cannot upgrade " + file + " to schema version " + target + ": " + e.getMessage(), e);
            }
        }
    }

    private static int single(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            return r.getInt(1);
        }
    }

    private int intPragma(String name) throws SQLException {
        lock.lock();
        try (Statement s = connection.createStatement();
                ResultSet r = s.executeQuery("PRAGMA " + name)) {
            return r.getInt(1);
        } finally {
            lock.unlock();
        }
    }

    public Path file() {
        return file;
    }

    /** The schema version recorded in the file ({@code PRAGMA user_version}). */
    public int schemaVersion() {
        try {
            return intPragma("user_version");
        } catch (SQLException e) {
            throw new StoreException("cannot read the schema version of " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code work} in a transaction: committed when it returns, rolled back when it throws
     * (an {@link SQLException} becomes a {@link StoreException}). Called from inside another
     * transaction on the same thread it joins that one, and a failure makes the whole outer
     * transaction roll back. Other threads wait.
     */
    public <T> T inTransaction(Work<T> work) {
        lock.lock();
        try {
            if (depth > 0) {
                return nested(work);
            }
            return outermost(work);
        } finally {
            lock.unlock();
        }
    }

    private <T> T nested(Work<T> work) {
        depth++;
        try {
            return work.run(connection);
        } catch (SQLException e) {
            rollbackOnly = true;
            throw failure(e);
        } catch (RuntimeException | Error e) {
            rollbackOnly = true;
            throw e;
        } finally {
            depth--;
        }
    }

    private <T> T outermost(Work<T> work) {
        try {
            execute("BEGIN IMMEDIATE");
        } catch (SQLException e) {
            throw failure(e);
        }
        depth = 1;
        rollbackOnly = false;
        boolean committed = false;
        try {
            T result = work.run(connection);
            if (rollbackOnly) {
                throw new StoreException("a step of the transaction on " + file + " failed; nothing was written", null);
            }
            execute("COMMIT");
            committed = true;
            return result;
        } catch (SQLException e) {
            throw failure(e);
        } finally {
            depth = 0;
            if (!committed) {
                rollbackQuietly();
            }
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    private void rollbackQuietly() {
        try {
            execute("ROLLBACK");
        } catch (SQLException e) {
            // SQLite had already ended it (a failed COMMIT can): nothing is left to undo
        }
    }

    private StoreException failure(SQLException e) {
        return new StoreException("database " + file + ": " + e.getMessage(), e);
    }

    /** {@code PRAGMA integrity_check}: "ok", or SQLite's list of problems. */
    public String integrityCheck() {
        return inTransaction(c -> {
            StringBuilder out = new StringBuilder();
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
                while (r.next()) {
                    if (out.length() > 0) {
                        out.append('\n');
                    }
                    out.append(r.getString(1));
                }
            }
            return out.toString();
        });
    }

    @Override
    public void close() {
        lock.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close the database " + file + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }
}
