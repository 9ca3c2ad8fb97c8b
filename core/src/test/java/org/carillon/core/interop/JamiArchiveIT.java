package org.carillon.core.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.carillon.core.account.AccountGenerator;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.account.DeviceChains;
import org.carillon.core.account.Progress;
import org.carillon.core.archive.AccountArchive;
import org.carillon.core.archive.ArchiveFile;
import org.carillon.dht.interop.DhtnodeProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Account archives both ways between Carillon and a real jamid 13.7: what {@code exportToFile}
 * writes (gzip, or password-encrypted) opens in {@link ArchiveFile} with the same account id and
 * yields a new Carillon device; what {@link ArchiveFile} writes is imported by jamid ({@code
 * Account.archivePath}) as the same account.
 */
class JamiArchiveIT {
    private static final Duration REGISTER = Duration.ofSeconds(90);
    private static final String PASSWORD = "correct horse ☃ battery";

    @TempDir
    static Path dir;

    private static DhtnodeProcess bootstrap;
    private static JamiDaemon jamid;

    @BeforeAll
    static void start() {
        JamiPeers.requireJamid();
        bootstrap = DhtnodeProcess.start(DhtnodeProcess.options().name("jami-archive-bootstrap"));
        jamid = JamiDaemon.start("jamid", dir.resolve("jamid"));
    }

    @AfterAll
    static void stop() {
        if (jamid != null) {
            jamid.close();
        }
        if (bootstrap != null) {
            bootstrap.close();
        }
    }

    @Test
    void archivesExportedByJamidOpenInCarillon() throws Exception {
        JamiDaemon.Account account = jamid.addAccount("alice", bootstrap.address(), REGISTER);
        AccountId expected = AccountId.parse(account.uri());

        Path plain = dir.resolve("jamid-plain.gz");
        Path sealed = dir.resolve("jamid-password.gz");
        assertThat(jamid.exportToFile(account, plain, ""))
                .as("exportToFile without password\n%s", jamid.logs())
                .isTrue();
        // jamid seals an export with the account's own archive password, so give it one first
        assertThat(jamid.changeAccountPassword(account, "", PASSWORD)).isTrue();
        assertThat(jamid.exportToFile(account, sealed, PASSWORD))
                .as("exportToFile with password\n%s", jamid.logs())
                .isTrue();
        assertThat(Files.size(plain)).isPositive();

        for (AccountArchive archive :
                List.of(ArchiveFile.read(plain, null), ArchiveFile.read(sealed, PASSWORD.toCharArray()))) {
            assertThat(archive.accountId()).isEqualTo(expected);
            assertThat(archive.ethKey()).as("eth key jamid generated").hasSize(32);
            AccountKeys device =
                    new AccountGenerator(new SecureRandom(), 2048).importDevice(archive, "carillon", Progress.NONE);
            assertThat(device.accountId()).isEqualTo(expected);
            assertThat(account.deviceId())
                    .isNotIn(
                            device.deviceId().shortId().toString(),
                            device.deviceId().longId());
            assertThat(DeviceChains.leadsTo(device.deviceChain(), expected)).isTrue();
        }
    }

    @Test
    void archivesWrittenByCarillonAreImportedByJamid() throws Exception {
        AccountKeys keys = new AccountGenerator(new SecureRandom(), AccountGenerator.RSA_BITS)
                .newAccount("carillon", Progress.NONE);
        AccountArchive archive = AccountArchive.of(keys, List.of());
        Path plain = dir.resolve("carillon-plain.gz");
        Path sealed = dir.resolve("carillon-password.gz");
        ArchiveFile.write(plain, archive, null);
        ArchiveFile.write(sealed, archive, PASSWORD.toCharArray());

        JamiDaemon.Account fromPlain = jamid.importAccount(plain, "", bootstrap.address(), REGISTER);
        assertThat(fromPlain.uri()).isEqualTo(keys.accountId().hex());
        assertThat(fromPlain.deviceId())
                .isNotEmpty()
                .isNotEqualTo(keys.deviceId().toString());

        JamiDaemon.Account fromSealed = jamid.importAccount(sealed, PASSWORD, bootstrap.address(), REGISTER);
        assertThat(fromSealed.uri()).isEqualTo(keys.accountId().hex());
    }
}
