package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.carillon.cli.CliRun.carillon;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The account commands on a data directory of their own (small keys, so it runs in seconds). */
class AccountCommandTest {
    private static final Pattern CREATED = Pattern.compile("created account ([0-9a-f]{40})");
    private static final Pattern IMPORTED = Pattern.compile("imported account ([0-9a-f]{40})");

    @TempDir
    Path tmp;

    private String create(Path dir, String alias) {
        CliRun run =
                carillon("account", "create", "--data-dir", dir.toString(), "--alias", alias, "--key-bits", "2048");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("3/3");
        Matcher m = CREATED.matcher(run.out());
        assertThat(m.find()).as(run.out()).isTrue();
        return m.group(1);
    }

    @Test
    void createListShowThenExportAndImportKeepTheAccountId() throws Exception {
        Path home = tmp.resolve("home");
        String id = create(home, "alice");

        assertThat(carillon("account", "list", "--data-dir", home.toString()).out())
                .contains(id + "  alice");
        CliRun show = carillon("account", "show", "--data-dir", home.toString(), "--account", "alice", "--qr");
        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(show.out())
                .contains("account " + id)
                .contains("(this device)")
                .contains("█");
        try (Stream<Path> files = Files.walk(home.resolve("accounts"))) {
            files.filter(Files::isRegularFile).forEach(f -> {
                try {
                    assertThat(Files.getPosixFilePermissions(f))
                            .as(f.toString())
                            .containsOnly(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            });
        }

        Path password = Files.writeString(tmp.resolve("pw"), "correct horse\n");
        Path archive = tmp.resolve("alice.gz");
        CliRun export = carillon(
                "account",
                "export",
                "--data-dir",
                home.toString(),
                "--password-file",
                password.toString(),
                archive.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();

        Path second = tmp.resolve("second-device");
        CliRun imported = carillon(
                "account",
                "import",
                "--data-dir",
                second.toString(),
                "--password-file",
                password.toString(),
                "--key-bits",
                "2048",
                "--device-name",
                "laptop",
                archive.toString());
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        Matcher m = IMPORTED.matcher(imported.out());
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo(id);
        assertThat(carillon("account", "show", "--data-dir", second.toString(), "--no-qr")
                        .out())
                .contains("laptop  (this device)")
                .doesNotContain("█");
    }

    @Test
    void wrongPasswordCorruptArchiveAndUnknownAccountAreClearErrors() throws Exception {
        Path home = tmp.resolve("home");
        create(home, "bob");
        Path archive = tmp.resolve("bob.gz");
        Path password = Files.writeString(tmp.resolve("pw"), "right\n");
        Path wrong = Files.writeString(tmp.resolve("wrong"), "wrong\n");
        assertThat(carillon(
                                "account",
                                "export",
                                "--data-dir",
                                home.toString(),
                                "--password-file",
                                password.toString(),
                                archive.toString())
                        .exitCode())
                .isZero();

        Path other = tmp.resolve("other");
        CliRun badPassword = carillon(
                "account",
                "import",
                "--data-dir",
                other.toString(),
                "--password-file",
                wrong.toString(),
                "--key-bits",
                "2048",
                archive.toString());
        assertThat(badPassword.exitCode()).isEqualTo(1);
        assertThat(badPassword.err()).contains(archive.toString()).containsIgnoringCase("password");

        Path corrupt = Files.write(tmp.resolve("corrupt.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        CliRun bad =
                carillon("account", "import", "--data-dir", other.toString(), "--key-bits", "2048", corrupt.toString());
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains(corrupt.toString());
        assertThat(carillon("account", "list", "--data-dir", other.toString()).out())
                .isEmpty();

        CliRun unknown = carillon("account", "show", "--data-dir", home.toString(), "--account", "nobody");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("no account 'nobody'");

        CliRun notHex =
                carillon("contact", "add", "--data-dir", home.toString(), "--bootstrap", "127.0.0.1:1", "not-an-id");
        assertThat(notHex.exitCode()).isEqualTo(1);
        assertThat(notHex.err()).contains("'not-an-id' is not an account id");
    }

    @Test
    void removeWantsYesAndThenDeletesTheAccountsKeysFromThisDevice() throws Exception {
        Path home = tmp.resolve("home");
        String id = create(home, "alice");
        create(home, "bob");

        CliRun unconfirmed = carillon("account", "remove", "--data-dir", home.toString(), "--account", "alice");
        assertThat(unconfirmed.exitCode()).isEqualTo(1);
        assertThat(unconfirmed.err()).contains("add --yes");
        assertThat(carillon("account", "list", "--data-dir", home.toString()).out())
                .contains(id);

        CliRun removed = carillon("account", "remove", "--data-dir", home.toString(), "--account", "alice", "--yes");
        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(removed.out()).isEqualTo("removed account " + id + " from this device\n");
        assertThat(carillon("account", "list", "--data-dir", home.toString()).out())
                .doesNotContain(id)
                .contains("bob");
        try (Stream<Path> files = Files.walk(home.resolve("accounts"))) {
            assertThat(files.map(Path::toString)).noneMatch(f -> f.contains(id));
        }
    }
}
