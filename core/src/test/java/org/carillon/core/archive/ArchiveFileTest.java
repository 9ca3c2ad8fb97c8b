package org.carillon.core.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.account.DeviceChains;
import org.carillon.core.account.Progress;
import org.carillon.core.account.Revocations;
import org.carillon.core.account.TestAccounts;
import org.carillon.core.contact.Contact;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static AccountArchive sample;

    static synchronized AccountArchive sample() {
        if (sample == null) {
            sample = makeSample();
        }
        return sample;
    }

    private static AccountArchive makeSample() {
        AccountKeys alice = TestAccounts.alice();
        AccountKeys bob = TestAccounts.bob();
        Contact friend = new Contact(bob.accountId(), 1700000000L, 0, true, false, "a".repeat(40));
        Contact gone = new Contact(
                AccountId.parse("0123456789abcdef0123456789abcdef01234567"), 1600000000L, 1650000000L, false, true, "");
        AccountArchive archive = AccountArchive.of(alice, List.of(friend, gone));
        byte[] crl;
        try {
            crl = Revocations.revoke(alice, null, List.of()).getEncoded();
        } catch (java.security.cert.CRLException e) {
            throw new AssertionError(e);
        }
        return new AccountArchive(
                archive.caKey(),
                archive.account(),
                archive.ethKey(),
                crl,
                archive.contacts(),
                Map.of("Account.alias", "Alice", "Account.displayName", "Ålice ☃"),
                Map.of("conversations", "{\"c1\":{\"id\":\"c1\",\"created\":1}}"));
    }

    @Test
    void aPlainArchiveIsGzipOfJamisJson() throws Exception {
        AccountArchive archive = sample();
        Path file = dir.resolve("archive.gz");
        ArchiveFile.write(file, archive, null);

        byte[] raw = Files.readAllBytes(file);
        assertThat(raw).startsWith(0x1f, 0x8b, 0x08);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        byte[] json = new GZIPInputStream(new ByteArrayInputStream(raw)).readAllBytes();
        String text = new String(json, StandardCharsets.US_ASCII);
        assertThat(text)
                .startsWith("{\"Account.alias\":\"Alice\",")
                .doesNotContain("\n")
                .contains("\\u00c5lice \\u2603");
        JsonNode root = JSON.readTree(json);
        List<String> keys = new ArrayList<>();
        root.fieldNames().forEachRemaining(keys::add);
        assertThat(keys)
                .containsExactly(
                        "Account.alias",
                        "Account.displayName",
                        "conversations",
                        "ethKey",
                        "ringAccountCRL",
                        "ringAccountCert",
                        "ringAccountContacts",
                        "ringAccountKey",
                        "ringCaKey");
        String accountKeyPem =
                new String(Base64.getDecoder().decode(root.get("ringAccountKey").asText()), StandardCharsets.US_ASCII);
        assertThat(accountKeyPem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("\n-----END PRIVATE KEY-----\n");
        String certPem = new String(
                Base64.getDecoder().decode(root.get("ringAccountCert").asText()), StandardCharsets.US_ASCII);
        assertThat(certPem.split("-----BEGIN CERTIFICATE-----\n", -1)).hasSize(3);
        assertThat(Base64.getDecoder().decode(root.get("ethKey").asText()))
                .isEqualTo(TestAccounts.alice().ethKey());
        assertThat(root.get("ringAccountContacts")
                        .get(TestAccounts.bob().accountId().hex())
                        .toString())
                .isEqualTo("{\"added\":1700000000,\"confirmed\":true,\"conversationId\":\"" + "a".repeat(40) + "\"}");
        assertThat(root.get("ringAccountContacts")
                        .get("0123456789abcdef0123456789abcdef01234567")
                        .toString())
                .isEqualTo("{\"added\":1600000000,\"banned\":true,\"conversationId\":\"\",\"removed\":1650000000}");
        assertThat(root.get("conversations").toString()).isEqualTo("{\"c1\":{\"id\":\"c1\",\"created\":1}}");

        AccountArchive read = ArchiveFile.read(file, null);
        assertThat(read).isEqualTo(archive);
        assertThat(read.accountId()).isEqualTo(TestAccounts.alice().accountId());
        assertThat(read.config()).containsEntry("Account.displayName", "Ålice ☃");
        assertThat(ArchiveFile.read(file, new char[0])).isEqualTo(archive);
    }

    @Test
    void aPasswordArchiveRoundTripsAndRefusesAnotherPassword() throws Exception {
        AccountArchive archive = sample();
        Path file = dir.resolve("export.gz");
        long start = System.nanoTime();
        ArchiveFile.write(file, archive, "correct horse".toCharArray());
        long writeMs = (System.nanoTime() - start) / 1_000_000;

        byte[] raw = Files.readAllBytes(file);
        assertThat(ArchiveFile.isGzip(raw)).isFalse();
        assertThat(new String(raw, StandardCharsets.ISO_8859_1)).doesNotContain("ringAccountKey");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");

        AccountArchive read = ArchiveFile.read(file, "correct horse".toCharArray());
        assertThat(read).isEqualTo(archive);
        System.out.println("[measure] password archive write " + writeMs + " ms, " + raw.length + " bytes");

        assertThatThrownBy(() -> ArchiveFile.read(file, "wrong horse".toCharArray()))
                .isInstanceOfSatisfying(ArchiveException.class, e -> {
                    assertThat(e.path()).isEqualTo(file);
                    assertThat(e.reason()).isEqualTo("wrong password or corrupt");
                    assertThat(e.getMessage()).isEqualTo(file + ": wrong password or corrupt");
                });
        assertThatThrownBy(() -> ArchiveFile.read(file, null))
                .isInstanceOfSatisfying(
                        ArchiveException.class, e -> assertThat(e.reason()).contains("needs its password"));
    }

    @Test
    void exportThenImportKeepsTheAccountId() throws Exception {
        AccountKeys alice = TestAccounts.alice();
        Path file = dir.resolve("alice.gz");
        ArchiveFile.write(file, AccountArchive.of(alice, List.of()), null);

        List<String> steps = new ArrayList<>();
        AccountKeys imported = TestAccounts.generator()
                .importDevice(ArchiveFile.read(file, null), "new laptop", (d, t, s) -> steps.add(s));
        assertThat(imported.accountId()).isEqualTo(alice.accountId());
        assertThat(imported.deviceId()).isNotEqualTo(alice.deviceId());
        assertThat(imported.caKey().getPrivate()).isEqualTo(alice.caKey().getPrivate());
        assertThat(imported.caCertificate()).isEqualTo(alice.caCertificate());
        assertThat(imported.ethKey()).isEqualTo(alice.ethKey());
        assertThat(DeviceChains.accountOf(imported.deviceChain())).contains(alice.accountId());
        assertThat(steps).containsExactly("device key", "done");
    }

    @Test
    void anArchiveWithoutTheCaKeyStillImports() throws Exception {
        AccountKeys alice = TestAccounts.alice();
        AccountArchive noCa =
                new AccountArchive(null, alice.account(), alice.ethKey(), null, Map.of(), Map.of(), Map.of());
        Path file = dir.resolve("noca.gz");
        ArchiveFile.write(file, noCa, null);
        String json =
                new String(new GZIPInputStream(Files.newInputStream(file)).readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(json).doesNotContain("ringCaKey").doesNotContain("ringAccountContacts");
        AccountArchive read = ArchiveFile.read(file, null);
        assertThat(read.caKey()).isNull();
        assertThat(TestAccounts.generator()
                        .importDevice(read, "x", Progress.NONE)
                        .accountId())
                .isEqualTo(alice.accountId());
    }

    @Test
    void bareJsonAndADoubleGzipAreReadAsJamidReadsThem() throws Exception {
        byte[] json = AccountArchiveJson.write(sample());
        Path bare = dir.resolve("bare.json");
        Files.write(bare, json);
        assertThat(ArchiveFile.read(bare, null)).isEqualTo(sample());
        Path twice = dir.resolve("twice.gz");
        Files.write(twice, ArchiveFile.gzip(ArchiveFile.gzip(json)));
        assertThat(ArchiveFile.read(twice, null)).isEqualTo(sample());
    }

    /** GnuTLS imports PKCS#1 PEM and DER keys too; so do we. */
    @Test
    void keysInPkcs1PemOrDerAreRead() throws Exception {
        AccountKeys alice = TestAccounts.alice();
        java.io.StringWriter pkcs1 = new java.io.StringWriter();
        try (var w = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(pkcs1)) {
            w.writeObject(alice.account().key().getPrivate());
        }
        assertThat(pkcs1.toString()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        byte[] json = AccountArchiveJson.write(AccountArchive.of(alice, List.of()));
        json = replaced(
                json,
                "ringAccountKey",
                Base64.getEncoder().encodeToString(pkcs1.toString().getBytes(StandardCharsets.US_ASCII)));
        json = replaced(
                json,
                "ringCaKey",
                Base64.getEncoder().encodeToString(alice.caKey().getPrivate().getEncoded()));
        Path file = dir.resolve("pkcs1.json");
        Files.write(file, json);
        AccountArchive read = ArchiveFile.read(file, null);
        assertThat(read.account().key().getPrivate().getEncoded())
                .isEqualTo(alice.account().key().getPrivate().getEncoded());
        assertThat(read.caKey().getPrivate().getEncoded())
                .isEqualTo(alice.caKey().getPrivate().getEncoded());
    }

    @Test
    void jamidsDeviceLocalSettingsAreDroppedOtherFieldsKept() throws Exception {
        AccountKeys alice = TestAccounts.alice();
        ObjectMapper m = new ObjectMapper();
        var root = (com.fasterxml.jackson.databind.node.ObjectNode)
                m.readTree(AccountArchiveJson.write(AccountArchive.of(alice, List.of())));
        root.put("TLS.privateKeyFile", "/home/alice/.local/share/jami/x/ring_device.key");
        root.put("Account.proxyEnabled", "true");
        root.put("Account.upnpEnabled", true);
        root.put("Account.registrationExpire", 3600);
        root.set("conversationsRequests", m.readTree("{\"r\":{\"from\":\"x\"}}"));
        root.with("ringAccountContacts").set("not-an-id", m.readTree("{\"added\":1}"));
        Path file = dir.resolve("settings.json");
        Files.write(file, m.writeValueAsBytes(root));

        AccountArchive read = ArchiveFile.read(file, null);
        assertThat(read.config())
                .containsOnly(
                        Map.entry("Account.upnpEnabled", "true"), Map.entry("Account.registrationExpire", "3600"));
        assertThat(read.json()).containsOnlyKeys("conversationsRequests");
        assertThat(read.contacts()).isEmpty();
    }

    @Test
    void brokenFilesAreArchiveExceptionsNamingFileAndReason() throws Exception {
        byte[] plain = gzipFile(sample());
        byte[] json = AccountArchiveJson.write(sample());
        byte[] random = new byte[4096];
        new SecureRandom().nextBytes(random);

        assertReason(Arrays.copyOf(plain, plain.length / 2), null, "truncated");
        assertReason(random, null, "not an archive, or an encrypted one (it needs its password)");
        assertReason(new byte[0], null, "empty file");
        assertReason(
                ArchiveFile.gzip("hello, I am no JSON".getBytes(StandardCharsets.US_ASCII)), null, "not an archive");
        assertReason(
                ArchiveFile.gzip("{\"ringAccountKey\": ".getBytes(StandardCharsets.US_ASCII)),
                null,
                "not an archive (not JSON");
        assertReason(
                ArchiveFile.gzip("[1,2]".getBytes(StandardCharsets.US_ASCII)),
                null,
                "not an archive (the JSON is not an object)");
        assertReason(ArchiveFile.gzip(without(json, "ringAccountKey")), null, "missing ringAccountKey");
        assertReason(ArchiveFile.gzip(without(json, "ringAccountCert")), null, "missing ringAccountCert");
        assertReason(
                ArchiveFile.gzip(replaced(json, "ringAccountKey", "bm90IGEga2V5")),
                null,
                "ringAccountKey is not a private key");
        assertReason(
                ArchiveFile.gzip(replaced(json, "ringAccountKey", pemKeyOf(TestAccounts.bob()))),
                null,
                "ringAccountKey does not match ringAccountCert");
        assertReason(
                ArchiveFile.gzip(replaced(json, "ringCaKey", pemKeyOf(TestAccounts.bob()))),
                null,
                "ringCaKey does not match the CA certificate in ringAccountCert");
        assertReason(
                ArchiveFile.gzip(replaced(json, "ringAccountCert", "!!!")),
                null,
                "ringAccountCert holds no certificate");
        assertReason(plain, "a password".toCharArray(), "not encrypted: read it without a password");
        assertReason(Arrays.copyOf(random, 40), "a password".toCharArray(), "truncated");
        assertReason(random, "a password".toCharArray(), "wrong password or corrupt");
        assertThat(Files.list(dir).count()).as("reading never writes").isEqualTo(1);
    }

    @Test
    void aDecompressionBombIsRefused() throws Exception {
        Path file = dir.resolve("bomb.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(file))) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 65; i++) {
                out.write(zeros);
            }
        }
        assertThat(Files.size(file)).isLessThan(1 << 20);
        assertThatThrownBy(() -> ArchiveFile.read(file, null)).isInstanceOfSatisfying(ArchiveException.class, e -> {
            assertThat(e.path()).isEqualTo(file);
            assertThat(e.reason()).isEqualTo("decompresses to more than 64 MiB (not an archive)");
        });
    }

    @Test
    void aMissingFileIsNamed() {
        Path file = dir.resolve("nothing-here.gz");
        assertThatThrownBy(() -> ArchiveFile.read(file, null))
                .isInstanceOfSatisfying(
                        ArchiveException.class, e -> assertThat(e.getMessage()).isEqualTo(file + ": no such file"));
    }

    @Test
    void writingReplacesAtomicallyAndLeavesNoTemporaryFile() throws Exception {
        Path file = dir.resolve("sub/archive.gz");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        ArchiveFile.write(file, sample(), new char[0]);
        assertThat(ArchiveFile.read(file, null)).isEqualTo(sample());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        try (Stream<Path> s = Files.list(file.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("archive.gz");
        }
    }

    private void assertReason(byte[] content, char[] password, String reason) throws IOException {
        Path file = dir.resolve("broken");
        Files.write(file, content);
        assertThatThrownBy(() -> ArchiveFile.read(file, password))
                .as(reason)
                .isInstanceOfSatisfying(ArchiveException.class, e -> {
                    assertThat(e.path()).isEqualTo(file);
                    assertThat(e.reason()).startsWith(reason);
                    assertThat(e.getMessage()).startsWith(file + ": " + reason);
                });
    }

    private static byte[] gzipFile(AccountArchive a) throws IOException {
        return ArchiveFile.gzip(AccountArchiveJson.write(a));
    }

    private static byte[] without(byte[] json, String key) throws IOException {
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(json);
        root.remove(key);
        return JSON.writeValueAsBytes(root);
    }

    private static byte[] replaced(byte[] json, String key, String value) throws IOException {
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(json);
        root.put(key, value);
        return JSON.writeValueAsBytes(root);
    }

    private static String pemKeyOf(AccountKeys keys) {
        return Base64.getEncoder()
                .encodeToString(
                        AccountArchiveJson.pemPrivateKey(keys.account().key().getPrivate()));
    }
}
