package org.carillon.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.carillon.core.account.AccountId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {
    private static final AccountId ACCOUNT = AccountId.parse("0123456789abcdef0123456789abcdef01234567");

    @TempDir
    Path tmp;

    @Test
    void anOverrideWinsOverEveryVariable() {
        Map<String, String> env = Map.of("CARILLON_HOME", "/c", "XDG_DATA_HOME", "/x", "HOME", "/h");
        assertThat(DataDirectory.resolve(env, Path.of("/given")).root()).isEqualTo(Path.of("/given"));
    }

    @Test
    void carillonHomeComesBeforeXdgDataHomeWhichComesBeforeHome() {
        assertThat(DataDirectory.resolve(Map.of("CARILLON_HOME", "/c", "XDG_DATA_HOME", "/x", "HOME", "/h"), null)
                        .root())
                .isEqualTo(Path.of("/c"));
        assertThat(DataDirectory.resolve(Map.of("XDG_DATA_HOME", "/x", "HOME", "/h"), null)
                        .root())
                .isEqualTo(Path.of("/x/carillon"));
        assertThat(DataDirectory.resolve(Map.of("HOME", "/h"), null).root())
                .isEqualTo(Path.of("/h/.local/share/carillon"));
    }

    @Test
    void emptyVariablesAndARelativeXdgDataHomeAreIgnored() {
        Map<String, String> env = Map.of("CARILLON_HOME", "", "XDG_DATA_HOME", "relative/dir", "HOME", "/h");
        assertThat(DataDirectory.resolve(env, null).root()).isEqualTo(Path.of("/h/.local/share/carillon"));
    }

    @Test
    void withNothingToGoByItSaysWhatToSet() {
        assertThatThrownBy(() -> DataDirectory.resolve(Map.of("HOME", ""), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CARILLON_HOME")
                .hasMessageContaining("HOME");
    }

    @Test
    void namesTheDatabaseAndEachAccountsDirectory() {
        DataDirectory data = new DataDirectory(Path.of("/d"));
        assertThat(data.database()).isEqualTo(Path.of("/d/carillon.db"));
        assertThat(data.accountDirectory(ACCOUNT)).isEqualTo(Path.of("/d/accounts/" + ACCOUNT.hex()));
    }

    @Test
    void createsItsDirectoriesOwnerOnly() throws IOException {
        DataDirectory data = new DataDirectory(tmp.resolve("a/b/carillon"));
        data.ensureExists();
        Path account = data.ensureAccountDirectory(ACCOUNT);
        assertThat(account).isDirectory();
        for (Path dir : new Path[] {data.root(), data.accountsDirectory(), account}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                    .as(dir.toString())
                    .isEqualTo("rwx------");
        }
        data.ensureExists(); // existing directories are fine
    }

    @Test
    void aFileInTheWayIsReportedWithItsPath() throws IOException {
        Path file = Files.writeString(tmp.resolve("carillon"), "not a directory");
        assertThatThrownBy(() -> new DataDirectory(file).ensureExists())
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not a directory");
        assertThatThrownBy(() -> new DataDirectory(file.resolve("below")).ensureExists())
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString());
    }
}
