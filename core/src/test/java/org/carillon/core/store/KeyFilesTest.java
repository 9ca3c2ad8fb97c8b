package org.carillon.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.carillon.core.account.AccountKeys;
import org.carillon.dht.crypto.Identity;
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
        Files.write(key, java.util.Arrays.copyOf(bytes, bytes.length / 2));
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
        Files.copy(
                other.resolve("device.pem"),
                dir.resolve("device.pem"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> KeyFiles.load(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(dir.resolve("device.pem").toString())
                .hasMessageContaining("do not belong together");
    }

    @Test
    void aSaveCutShortBeforeItsMoveLeavesTheOldKeys() throws IOException {
        Path dir = saved();
        // what a crash leaves: the new content partly written to the temporary file, never moved
        for (String name : new String[] {"device.pem", "device.crt", "ca.pem"}) {
            Path tmpFile = PrivateFile.temporaryFor(dir.resolve(name));
            byte[] half = Files.readAllBytes(dir.resolve(name));
            Files.write(tmpFile, java.util.Arrays.copyOf(half, half.length / 3));
        }
        assertSame(KeyFiles.load(dir), keys);

        KeyFiles.save(dir, otherKeys); // the next save clears the leftovers
        try (Stream<Path> list = Files.list(dir)) {
            assertThat(list.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
        assertSame(KeyFiles.load(dir), otherKeys);
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

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
