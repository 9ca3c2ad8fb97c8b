package org.carillon.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.account.DeviceId;
import org.carillon.core.contact.Contact;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountRecordsTest {
    private static final AccountId ALICE = AccountId.parse("a11ce00000000000000000000000000000000001");
    private static final AccountId BOB = AccountId.parse("b0b0000000000000000000000000000000000002");
    private static AccountKeys keys;

    @TempDir
    Path tmp;

    private Database db;
    private AccountRecords records;

    @BeforeAll
    static void generate() throws Exception {
        keys = TestKeys.generate(false);
    }

    @BeforeEach
    void open() throws Exception {
        db = Database.open(tmp.resolve("carillon.db"));
        records = new AccountRecords(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void accountsAreListedOldestFirstAndFoundById() {
        LocalAccount bob = new LocalAccount(BOB, "Bob", "phone", 100);
        LocalAccount alice = new LocalAccount(ALICE, "", "", 200);
        records.add(alice);
        records.add(bob);
        assertThat(records.list()).containsExactly(bob, alice);
        assertThat(records.find(ALICE)).contains(alice);
        assertThat(records.find(AccountId.parse("c".repeat(40)))).isEmpty();
    }

    @Test
    void anAccountCannotBeAddedTwice() {
        records.add(new LocalAccount(ALICE, "Alice", "", 1));
        assertThatThrownBy(() -> records.add(new LocalAccount(ALICE, "Other", "", 2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(ALICE.hex());
        assertThat(records.find(ALICE)).map(LocalAccount::alias).contains("Alice");
    }

    @Test
    void removingAnAccountRemovesEverythingItHad() {
        records.add(new LocalAccount(ALICE, "Alice", "", 1));
        records.add(new LocalAccount(BOB, "Bob", "", 2));
        for (AccountId id : new AccountId[] {ALICE, BOB}) {
            records.saveDevice(new KnownDevice(id, keys.deviceId(), "laptop", null, false, 0));
            records.putSetting(id, "archive.hasPassword", "true");
            SqliteAccountState state = new SqliteAccountState(db, id);
            state.saveContact(new Contact(AccountId.parse("d".repeat(40)), 5, 0, true, false, ""));
            state.markHandled(42);
        }

        assertThat(records.remove(ALICE)).isTrue();
        assertThat(records.remove(ALICE)).isFalse();

        assertThat(records.list()).extracting(LocalAccount::id).containsExactly(BOB);
        assertThat(records.devices(ALICE)).isEmpty();
        assertThat(records.setting(ALICE, "archive.hasPassword")).isEmpty();
        assertThat(rows("contacts", ALICE)).isZero();
        assertThat(rows("handled_values", ALICE)).isZero();
        assertThat(records.devices(BOB)).hasSize(1);
        assertThat(new SqliteAccountState(db, BOB).contacts()).hasSize(1);
    }

    @Test
    void devicesAreSavedReplacedAndRevoked() {
        records.add(new LocalAccount(ALICE, "Alice", "", 1));
        DeviceId id = keys.deviceId();
        KnownDevice device = new KnownDevice(ALICE, id, "laptop", keys.device().certificate(), false, 1000);
        records.saveDevice(device);
        assertThat(records.devices(ALICE)).containsExactly(device);

        KnownDevice renamed = new KnownDevice(ALICE, id, "work laptop", null, false, 2000);
        records.saveDevice(renamed);
        assertThat(records.devices(ALICE)).containsExactly(renamed);

        assertThat(records.markRevoked(ALICE, id)).isTrue();
        assertThat(records.devices(ALICE)).containsExactly(renamed.revoke());
        assertThat(records.markRevoked(BOB, id)).isFalse();
    }

    @Test
    void aDeviceCertificateMustBeThatDevicesOwn() {
        assertThatThrownBy(() -> new KnownDevice(
                        ALICE, keys.deviceId(), "", keys.account().certificate(), false, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDeviceOfAnUnknownAccountIsRefusedByName() {
        assertThatThrownBy(() -> records.saveDevice(new KnownDevice(BOB, keys.deviceId(), "", null, false, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(BOB.hex());
    }

    @Test
    void settingsAreKeptPerAccountAndGlobally() {
        records.add(new LocalAccount(ALICE, "Alice", "", 1));
        records.add(new LocalAccount(BOB, "Bob", "", 1));
        records.putSetting(ALICE, "presence", "on");
        records.putSetting(ALICE, "presence", "off");
        records.putGlobalSetting("presence", "global");
        assertThat(records.setting(ALICE, "presence")).contains("off");
        assertThat(records.setting(BOB, "presence")).isEmpty();
        assertThat(records.globalSetting("presence")).contains("global");
        assertThat(records.globalSetting("absent")).isEmpty();
    }

    private int rows(String table, AccountId account) {
        return db.inTransaction(c -> {
            try (var s = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE account_id = ?")) {
                s.setString(1, account.hex());
                try (var r = s.executeQuery()) {
                    return r.getInt(1);
                }
            }
        });
    }
}
