package org.carillon.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.carillon.core.account.AccountId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
    private static final AccountId ALICE = AccountId.parse("a11ce00000000000000000000000000000000001");

    @TempDir
    Path tmp;

    @Test
    void anEmptyFileIsMigratedToTheLatestSchema() throws Exception {
        Path file = tmp.resolve("carillon.db");
        try (Database db = Database.open(file)) {
            assertThat(db.schemaVersion()).isEqualTo(Database.SCHEMA_VERSION).isEqualTo(2);
            assertThat(tables(db))
                    .containsExactlyInAnyOrder(
                            "accounts",
                            "devices",
                            "contacts",
                            "trust_requests",
                            "handled_values",
                            "account_settings",
                            "settings",
                            "messages",
                            "pending_deliveries",
                            "contact_devices",
                            // the full-text index and FTS5's tables behind it
                            "message_text",
                            "message_text_data",
                            "message_text_idx",
                            "message_text_docsize",
                            "message_text_config");
            assertThat(pragma(db, "journal_mode")).isEqualTo("wal");
            assertThat(pragma(db, "synchronous")).isEqualTo("2"); // FULL
            assertThat(pragma(db, "foreign_keys")).isEqualTo("1");
            assertThat(pragma(db, "busy_timeout")).isEqualTo(String.valueOf(Database.BUSY_TIMEOUT_MILLIS));
            assertThat(pragma(db, "application_id")).isEqualTo(String.valueOf(Schema.APPLICATION_ID));
            assertThat(db.integrityCheck()).isEqualTo("ok");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
    }

    @Test
    void reopeningKeepsTheDataAndTheVersion() throws Exception {
        Path file = tmp.resolve("carillon.db");
        try (Database db = Database.open(file)) {
            new AccountRecords(db).add(new LocalAccount(ALICE, "Alice", "laptop", 1_700_000_000L));
        }
        try (Database db = Database.open(file)) {
            assertThat(db.schemaVersion()).isEqualTo(Database.SCHEMA_VERSION);
            assertThat(new AccountRecords(db).list())
                    .containsExactly(new LocalAccount(ALICE, "Alice", "laptop", 1_700_000_000L));
        }
    }

    @Test
    void aDatabaseFromANewerCarillonIsRefused() throws Exception {
        Path file = tmp.resolve("carillon.db");
        Database.open(file).close();
        sql(file, "PRAGMA user_version = " + (Database.SCHEMA_VERSION + 1));
        assertThatThrownBy(() -> Database.open(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("newer Carillon")
                .hasMessageContaining("schema version " + (Database.SCHEMA_VERSION + 1));
    }

    @Test
    void aFileThatIsNotADatabaseIsRefusedWithItsPathAndLeftAlone() throws Exception {
        Path file = Files.writeString(tmp.resolve("carillon.db"), "these are my notes, not a database\n");
        assertThatThrownBy(() -> Database.open(file))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining("not an SQLite database");
        assertThat(Files.readString(file)).isEqualTo("these are my notes, not a database\n");
    }

    @Test
    void aDatabaseWithAGarbledBodyIsRefusedWithItsPath() throws Exception {
        Path file = tmp.resolve("carillon.db");
        Database.open(file).close();
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 100; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        Files.write(file, bytes);
        assertThatThrownBy(() -> Database.open(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void anotherProgramsSqliteDatabaseIsRefused() throws Exception {
        Path file = tmp.resolve("other.db");
        sql(file, "CREATE TABLE photos (id INTEGER PRIMARY KEY)");
        assertThatThrownBy(() -> Database.open(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not Carillon's");
    }

    @Test
    void aMissingDirectoryIsNamed() {
        Path file = tmp.resolve("no/such/dir/carillon.db");
        assertThatThrownBy(() -> Database.open(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(tmp.resolve("no/such/dir").toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void aFailingTransactionLeavesNothingBehind() throws Exception {
        try (Database db = Database.open(tmp.resolve("carillon.db"))) {
            AccountRecords records = new AccountRecords(db);
            assertThatThrownBy(() -> db.inTransaction(c -> {
                        records.add(new LocalAccount(ALICE, "Alice", "", 1));
                        throw new IllegalStateException("boom");
                    }))
                    .hasMessage("boom");
            assertThat(records.list()).isEmpty();

            assertThatThrownBy(() -> db.inTransaction(c -> {
                        try (Statement s = c.createStatement()) {
                            s.execute("INSERT INTO settings (key, value) VALUES ('a', 'b')");
                            s.execute("INSERT INTO no_such_table VALUES (1)");
                        }
                        return null;
                    }))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("no_such_table");
            assertThat(records.globalSetting("a")).isEmpty();
        }
    }

    @Test
    void aFailedInnerStepRollsTheOuterTransactionBackEvenWhenCaught() throws Exception {
        try (Database db = Database.open(tmp.resolve("carillon.db"))) {
            AccountRecords records = new AccountRecords(db);
            assertThatThrownBy(() -> db.inTransaction(c -> {
                        records.putGlobalSetting("kept?", "no");
                        try {
                            records.add(new LocalAccount(ALICE, "Alice", "", 1));
                            records.add(new LocalAccount(ALICE, "Alice again", "", 2));
                        } catch (IllegalStateException alreadyThere) {
                            // swallowed by the caller: the transaction must still not commit half
                        }
                        return null;
                    }))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("nothing was written");
            assertThat(records.list()).isEmpty();
            assertThat(records.globalSetting("kept?")).isEmpty();

            db.inTransaction(c -> {
                records.putGlobalSetting("kept?", "yes");
                records.add(new LocalAccount(ALICE, "Alice", "", 1));
                return null;
            });
            assertThat(records.globalSetting("kept?")).contains("yes");
            assertThat(records.list()).hasSize(1);
        }
    }

    @Test
    void anInterruptedMigrationIsRedoneOnTheNextOpen() throws Exception {
        Path file = tmp.resolve("carillon.db");
        // a crash inside migration 1 leaves the file as it was: version 0, no tables (one transaction)
        sql(file, "PRAGMA user_version = 0");
        try (Database db = Database.open(file)) {
            assertThat(db.schemaVersion()).isEqualTo(Database.SCHEMA_VERSION);
            assertThat(tables(db)).contains("accounts");
        }
    }

    @Test
    void twoOpenersOfAFreshFileBothGetTheSchemaOnce() throws Exception {
        for (int attempt = 0; attempt < 5; attempt++) {
            Path file = tmp.resolve("race-" + attempt + ".db");
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                java.util.concurrent.Callable<Integer> open = () -> {
                    try (Database db = Database.open(file)) {
                        return db.schemaVersion();
                    }
                };
                var first = pool.submit(open);
                var second = pool.submit(open);
                assertThat(first.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(Database.SCHEMA_VERSION);
                assertThat(second.get(30, java.util.concurrent.TimeUnit.SECONDS))
                        .isEqualTo(Database.SCHEMA_VERSION);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static List<String> tables(Database db) {
        return db.inTransaction(c -> {
            List<String> names = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT name FROM sqlite_schema WHERE type = 'table'")) {
                while (r.next()) {
                    names.add(r.getString(1));
                }
            }
            return names;
        });
    }

    private static String pragma(Database db, String name) {
        return db.inTransaction(c -> {
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("PRAGMA " + name)) {
                return r.getString(1);
            }
        });
    }

    private static void sql(Path file, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
