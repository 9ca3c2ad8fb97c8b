package org.carillon.core.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.carillon.core.account.Progress;
import org.carillon.core.account.TestAccounts;
import org.carillon.core.archive.ArchiveException;
import org.carillon.core.store.DataDirectory;
import org.carillon.core.store.LocalAccount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The accounts of a data directory: archives as bytes, and removal from this device. */
class LocalAccountsTest {
    @TempDir
    Path tmp;

    LocalAccounts open(String name) throws Exception {
        return LocalAccounts.open(new DataDirectory(tmp.resolve(name)));
    }

    @Test
    void anArchiveAsBytesMovesTheAccountToANewDeviceOfTheSameAccount() throws Exception {
        try (LocalAccounts laptop = open("laptop");
                LocalAccounts phone = open("phone")) {
            LocalAccount a = laptop.create("alice", "laptop", TestAccounts.generator(), Progress.NONE);
            byte[] archive = laptop.export(a, "secret".toCharArray());

            assertThatThrownBy(() -> phone.importArchive(
                            archive, "wrong".toCharArray(), "phone", TestAccounts.generator(), Progress.NONE))
                    .isInstanceOf(ArchiveException.class)
                    .hasMessageContaining("wrong password");
            LocalAccount imported = phone.importArchive(
                    archive, "secret".toCharArray(), "phone", TestAccounts.generator(), Progress.NONE);

            assertThat(imported.id()).isEqualTo(a.id());
            assertThat(phone.keys(imported).deviceId())
                    .isNotEqualTo(laptop.keys(a).deviceId());
        }
    }

    @Test
    void garbageBytesAreNoArchive() throws Exception {
        try (LocalAccounts phone = open("phone")) {
            assertThatThrownBy(() -> phone.importArchive(
                            new byte[] {1, 2, 3, 4}, null, "phone", TestAccounts.generator(), Progress.NONE))
                    .isInstanceOf(ArchiveException.class)
                    .hasMessageContaining("not an archive");
            assertThat(phone.list()).isEmpty();
        }
    }

    @Test
    void removingAnAccountDeletesItsRowsAndKeyFilesAndLeavesTheOthers() throws Exception {
        LocalAccount alice;
        LocalAccount bob;
        try (LocalAccounts accounts = open("home")) {
            alice = accounts.create("alice", "laptop", TestAccounts.generator(), Progress.NONE);
            bob = accounts.create("bob", "laptop", TestAccounts.generator(), Progress.NONE);
            Path aliceKeys = accounts.directory().accountDirectory(alice.id());
            assertThat(aliceKeys).isDirectory();

            accounts.remove(alice);

            assertThat(aliceKeys).doesNotExist();
            assertThat(accounts.list()).containsExactly(bob);
            assertThat(accounts.devices(alice)).isEmpty();
            assertThatThrownBy(() -> accounts.remove(alice))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no account " + alice.id());
        }
        try (LocalAccounts reopened = open("home")) {
            assertThat(reopened.list()).containsExactly(bob);
            assertThat(reopened.keys(bob).accountId()).isEqualTo(bob.id());
            try (var left = Files.list(reopened.directory().accountsDirectory())) {
                assertThat(left).hasSize(1);
            }
        }
    }
}
