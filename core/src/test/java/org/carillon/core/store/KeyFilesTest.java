package org.carillon.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.carillon.core.account.AccountKeys;
import org.carillon.dht.crypto.Identity;
import org.carillon.dht.crypto.IdentityFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
    private static AccountKeys keys;
    private static AccountKeys otherKeys;

    @TempDir
    Path tmp;

    @BeforeAll
    static void generate() throws Exception {
        keys = TestKeys.generate(true);
        otherKeys = TestKeys.generate(false);
    }

    @Test
    void keysComeBackAsTheyWereSaved() throws IOException {
        Path dir = tmp.resolve("account");
        KeyFiles.save(dir, keys);
        assertSame(KeyFiles.load(dir), keys);

        KeyFiles.save(dir, otherKeys);
        AccountKeys loaded = KeyFiles.load(dir);
        assertSame(loaded, otherKeys);
        assertThat(loaded.caKey()).isNull();
        assertThat(dir.resolve("ca.pem")).doesNotExist();
    }

    @Test
    void everyFileIsOwnerOnlyAndSoIsTheDirectory() throws IOException {
        Path dir = tmp.resolve("account");
        KeyFiles.save(dir, keys);
        assertThat(mode(dir)).isEqualTo("rwx------");
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.sorted().toList();
        }
        assertThat(files)
                .extracting(p -> p.getFileName().toString())
                .containsExactly(
                        "account.crt", "account.pem", "ca.crt", "ca.pem", "device.crt", "device.pem", "eth.pem");
        assertThat(dir.resolve(KeyFiles.STAGING)).doesNotExist();
        for (Path file : files) {
            assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------");
        }
        assertThat(Files.readString(dir.resolve("device.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void aTruncatedKeyIsReportedWithItsPath() throws IOException {
        Path dir = saved();
        Path key = dir.resolve("device.pem");
        byte[] bytes = Files.readAllBytes(key);
        Files.write(key, Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> KeyFiles.load(dir))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(key.toString())
                .hasMessageContaining("not a PEM private key");
    }

    @Test
    void aGarbledCertificateIsReportedWithItsPath() throws IOException {
        Path dir = saved();
        Path cert = dir.resolve("account.crt");
        String pem = Files.readString(cert);
        Files.writeString(cert, pem.substring(0, 40) + "!!garbage!!" + pem.substring(60));
        assertThatThrownBy(() -> KeyFiles.load(dir))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(cert.toString());
    }

    @Test
    void aMissingFileIsReportedWithItsPath() throws IOException {
        Path dir = saved();
        Path eth = dir.resolve("eth.pem");
        Files.delete(eth);
        assertThatThrownBy(() -> KeyFiles.load(dir))
                .isInstanceOf(IOException.class)
                .hasMessage(eth + " does not exist");
        assertThatThrownBy(() -> KeyFiles.load(tmp.resolve("nowhere")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(tmp.resolve("nowhere").toString());
    }

    @Test
    void aChainCutBetweenTwoCertificatesIsNoticed() throws IOException {
        Path dir = saved();
        Path cert = dir.resolve("device.crt");
        String pem = Files.readString(cert);
        String end = "-----END CERTIFICATE-----\n";
        int secondEnd = pem.indexOf(end, pem.indexOf(end) + 1) + end.length();
        Files.writeString(cert, pem.substring(0, secondEnd)); // device and account, the CA cut off
        assertThatThrownBy(() -> KeyFiles.load(dir))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(cert.toString())
                .hasMessageContaining("chain");
    }

    @Test
    void filesOfTwoDifferentSavesAreNotTakenForOneAccount() throws IOException {
        Path dir = saved();
        Path other = tmp.resolve("other");
        KeyFiles.save(other, otherKeys);
        Files.copy(other.resolve("device.pem"), dir.resolve("device.pem"), StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> KeyFiles.load(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(dir.resolve("device.pem").toString())
                .hasMessageContaining("do not belong together");
    }

    @Test
    void aSaveCutShortBeforeItsSealLeavesTheOldKeys() throws IOException {
        Path dir = saved();
        Path newer = tmp.resolve("newer");
        KeyFiles.save(newer, otherKeys);
        // what a crash while staging leaves: some new files, the last one half written, no seal
        Path staging = Files.createDirectory(dir.resolve(KeyFiles.STAGING));
        Files.copy(newer.resolve("ca.crt"), staging.resolve("ca.crt"));
        byte[] key = Files.readAllBytes(newer.resolve("account.pem"));
        Files.write(staging.resolve("account.pem"), Arrays.copyOf(key, key.length / 3));

        assertSame(KeyFiles.load(dir), keys);
        assertThat(staging).doesNotExist();
    }

    @Test
    void aSaveCutShortAfterItsSealIsFinishedByTheNextLoad() throws IOException {
        Path dir = saved();
        Path newer = tmp.resolve("newer");
        KeyFiles.save(newer, otherKeys); // no CA key: its file must go
        // what a crash while moving in leaves: a sealed set, two of its files moved already
        Path staging = Files.createDirectory(dir.resolve(KeyFiles.STAGING));
        List<String> set = fileNames(newer);
        for (String name : set) {
            Files.copy(newer.resolve(name), staging.resolve(name));
        }
        Files.writeString(staging.resolve(KeyFiles.SEAL), String.join("\n", set));
        for (String name : new String[] {"device.crt", "account.pem"}) {
            Files.move(staging.resolve(name), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
        assertThatThrownBy(() -> IdentityFiles.load(dir.resolve("device"), null))
                .as("on disk a mix of both sets")
                .isInstanceOf(IOException.class);

        assertSame(KeyFiles.load(dir), otherKeys);
        assertThat(staging).doesNotExist();
        assertThat(fileNames(dir)).isEqualTo(set);
    }

    @Test
    void aSaveFinishesAnInterruptedOneBeforeItsOwn() throws IOException {
        Path dir = saved();
        Path staging = Files.createDirectory(dir.resolve(KeyFiles.STAGING));
        Files.writeString(staging.resolve("device.pem"), "-----BEGIN PRIV");
        KeyFiles.save(dir, otherKeys);
        assertSame(KeyFiles.load(dir), otherKeys);
        assertThat(staging).doesNotExist();
    }

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aWrongEthKeyFileIsReportedWithItsPath() throws IOException {
        Path dir = saved();
        Path eth = dir.resolve("eth.pem");
        Files.writeString(eth, "-----BEGIN SOMETHING ELSE-----\nAAAA\n-----END SOMETHING ELSE-----\n");
        assertThatThrownBy(() -> KeyFiles.load(dir))
                .isInstanceOf(IOException.class)
                .hasMessage(eth + " holds no ETHEREUM PRIVATE KEY block");
        Files.write(eth, new byte[] {(byte) 0xff, 0, 1});
        assertThatThrownBy(() -> KeyFiles.load(dir))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(eth.toString());
    }

    private Path saved() throws IOException {
        Path dir = tmp.resolve("account");
        KeyFiles.save(dir, keys);
        return dir;
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    static void assertSame(AccountKeys actual, AccountKeys expected) {
        assertThat(actual.accountId()).isEqualTo(expected.accountId());
        assertThat(actual.deviceId()).isEqualTo(expected.deviceId());
        assertThat(actual.caCertificate()).isEqualTo(expected.caCertificate());
        if (expected.caKey() == null) {
            assertThat(actual.caKey()).isNull();
        } else {
            assertThat(actual.caKey().getPrivate().getEncoded())
                    .isEqualTo(expected.caKey().getPrivate().getEncoded());
        }
        assertSameIdentity(actual.account(), expected.account());
        assertSameIdentity(actual.device(), expected.device());
        assertThat(actual.ethKey()).isEqualTo(expected.ethKey());
    }

    private static void assertSameIdentity(Identity actual, Identity expected) {
        assertThat(actual.chain()).isEqualTo(expected.chain());
        assertThat(actual.key().getPrivate().getEncoded())
                .isEqualTo(expected.key().getPrivate().getEncoded());
        assertThat(actual.key().getPublic()).isEqualTo(expected.key().getPublic());
    }
}
