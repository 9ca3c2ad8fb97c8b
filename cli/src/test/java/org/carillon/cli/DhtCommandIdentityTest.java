package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.carillon.cli.CliRun.carillon;
import static org.carillon.cli.CliRun.dhtThatMustNotStart;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.carillon.dht.crypto.CertificateValues;
import org.carillon.dht.crypto.Identity;
import org.carillon.dht.crypto.IdentityFiles;
import org.carillon.dht.crypto.PublicKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** {@code carillon dht --identity PATH} and {@code -i}: loading, generating, saving, and every way it can go wrong. */
class DhtCommandIdentityTest {
    private static final Pattern PUBLIC_KEY_ID = Pattern.compile("(?m)^Public key ID ([0-9a-f]{40})$");

    private final Logger logger = (Logger) LoggerFactory.getLogger(DhtCommand.class);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final FakeDhtNode node = new FakeDhtNode();

    @TempDir
    Path dir;

    @BeforeEach
    void captureLogs() {
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        logger.detachAppender(logs);
    }

    private CliRun dht(Map<String, String> environment, String... args) {
        return dht(node, environment, args);
    }

    private static CliRun dht(FakeDhtNode node, Map<String, String> environment, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "dht";
        System.arraycopy(args, 0, all, 1, args.length);
        DhtCommand command = new DhtCommand(config -> node, ConsoleEndToEndTest.stdin(new StringReader("")))
                .withRsaBits(TestIdentities.RSA_BITS)
                .withEnvironment(environment);
        return carillon(command, all);
    }

    @Test
    void aMissingIdentityIsGeneratedAndSavedThenTheSameOneIsLoaded() throws Exception {
        Path prefix = dir.resolve("id");

        CliRun first = dht(Map.of(), "--identity", prefix.toString(), "-c", "ll");

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.err())
                .contains("Generating an RSA-2048 identity (a few seconds)...")
                .containsPattern("Generated in [0-9.]+ (ms|s)")
                .contains("Saved it to " + prefix + ".pem and " + prefix + ".crt, its CA to " + prefix + "_ca.pem and "
                        + prefix + "_ca.crt");
        for (String file : List.of("id.pem", "id.crt", "id_ca.pem", "id_ca.crt")) {
            assertThat(dir.resolve(file)).exists();
        }
        for (String key : List.of("id.pem", "id_ca.pem")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key))))
                    .as(key)
                    .isEqualTo("rw-------");
        }
        Identity saved = IdentityFiles.load(prefix, null);
        InfoHash id = saved.id();
        // at start, and again in ll: dhtnode's line, then the long id
        assertThat(first.out())
                .contains("Carillon node " + FakeDhtNode.ID + " running on port 4222\nPublic key ID " + id
                        + "\nPublic key long ID " + HexFormat.of().formatHex(saved.longId()) + "\n");
        assertThat(publicKeyIds(first.out())).containsExactly(id, id);

        FakeDhtNode second = new FakeDhtNode();
        CliRun again = dht(second, Map.of(), "--identity", prefix.toString(), "-c", "ll");

        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.err()).doesNotContain("Generating");
        assertThat(publicKeyIds(again.out())).containsExactly(id, id);
    }

    @Test
    void theCertificateIsPublishedAtThePublicKeyIdPermanently() throws Exception {
        Path prefix = dir.resolve("id");

        CliRun run = dht(Map.of(), "--identity", prefix.toString(), "-c", "ll");

        assertThat(run.exitCode()).isZero();
        InfoHash id = IdentityFiles.load(prefix, null).id();
        assertThat(node.calls).anySatisfy(c -> assertThat(c).startsWith("permanent put " + id));
        Value certificate = node.store.get(id).get(0);
        assertThat(certificate.type()).isEqualTo(CertificateValues.TYPE);
        assertThat(PublicKeys.id(CertificateValues.chain(certificate).get(0).getPublicKey()))
                .isEqualTo(id);
    }

    @Test
    void aCorruptKeyFileIsAnErrorNamingItAndNoNodeStarts() throws Exception {
        Path prefix = dir.resolve("id");
        dht(Map.of(), "--identity", prefix.toString(), "-c", "ll");
        Files.writeString(
                dir.resolve("id.pem"), "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");

        CliRun run = carillon(
                dhtThatMustNotStart().withRsaBits(TestIdentities.RSA_BITS).withEnvironment(Map.of()),
                "dht",
                "--identity",
                prefix.toString(),
                "-c",
                "ll");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(errors())
                .singleElement()
                .asString()
                .startsWith("Cannot load the identity " + prefix + ": ")
                .contains(prefix + ".pem");
        // nothing was overwritten
        assertThat(Files.readString(dir.resolve("id.pem"))).contains("bm90IGEga2V5");
    }

    @Test
    void aCertificateFileOfGarbageIsAnErrorNamingIt() throws Exception {
        Path prefix = dir.resolve("id");
        dht(Map.of(), "--identity", prefix.toString(), "-c", "ll");
        Files.write(dir.resolve("id.crt"), new byte[] {0, 1, 2, (byte) 0xff, '\n'});

        CliRun run = dht(Map.of(), "--identity", prefix.toString(), "-c", "ll");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(errors()).last().asString().contains(prefix + ".crt");
    }

    @Test
    void aPasswordProtectedKeyNeedsTheVariableAndTheRightPassword() throws Exception {
        Path prefix = dir.resolve("id");
        Map<String, String> password = Map.of(IdentitySetup.PASSWORD_VARIABLE, "correct horse");
        CliRun created = dht(password, "--identity", prefix.toString(), "-c", "ll");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.err()).contains("(keys encrypted with CARILLON_IDENTITY_PASSWORD)");
        assertThat(Files.readString(dir.resolve("id.pem"))).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        InfoHash id = publicKeyIds(created.out()).get(0);

        CliRun withoutPassword = dht(Map.of(), "--identity", prefix.toString(), "-c", "ll");

        assertThat(withoutPassword.exitCode()).isEqualTo(1);
        assertThat(errors())
                .containsExactly(prefix + ".pem is password-protected: set the environment variable"
                        + " CARILLON_IDENTITY_PASSWORD to its password");

        CliRun wrongPassword =
                dht(Map.of(IdentitySetup.PASSWORD_VARIABLE, "wrong"), "--identity", prefix.toString(), "-c", "ll");

        assertThat(wrongPassword.exitCode()).isEqualTo(1);
        assertThat(errors())
                .last()
                .asString()
                .contains(prefix + ".pem: wrong password")
                .endsWith("(the password is CARILLON_IDENTITY_PASSWORD's)");

        CliRun rightPassword = dht(password, "--identity", prefix.toString(), "-c", "ll");

        assertThat(rightPassword.exitCode()).as(rightPassword.toString()).isZero();
        assertThat(publicKeyIds(rightPassword.out())).first().isEqualTo(id);
    }

    @Test
    void halfAnIdentityIsNeverOverwritten() throws Exception {
        Path prefix = dir.resolve("id");
        Files.writeString(dir.resolve("id.pem"), "someone's key");

        CliRun run = dht(Map.of(), "--identity", prefix.toString(), "-c", "ll");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(errors())
                .singleElement()
                .asString()
                .startsWith("Found " + prefix + ".pem but not both " + prefix + ".pem and " + prefix + ".crt");
        assertThat(Files.readString(dir.resolve("id.pem"))).isEqualTo("someone's key");
        assertThat(dir.resolve("id.crt")).doesNotExist();
    }

    @Test
    void theCasFilesAreRefusedAsANodeIdentity() throws Exception {
        dht(Map.of(), "--identity", dir.resolve("id").toString(), "-c", "ll");

        CliRun run = dht(Map.of(), "--identity", dir.resolve("id_ca").toString(), "-c", "ll");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(errors()).last().asString().contains("id_ca.pem holds an EC key");
    }

    @Test
    void aDirectoryIsNoIdentityPath() {
        CliRun run = carillon(dhtThatMustNotStart(), "dht", "--identity", dir.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("is a directory; give the files' PATH without their endings");
    }

    @Test
    void anEmptyIdentityPathIsRefused() {
        CliRun run = carillon(dhtThatMustNotStart(), "dht", "--identity=");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--identity needs a PATH");
    }

    @Test
    void dashIAndIdentityTogetherAreRefused() {
        CliRun run = carillon(
                dhtThatMustNotStart(),
                "dht",
                "-i",
                "--identity",
                dir.resolve("id").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("give only one");
    }

    /** The one test that pays for dhtnode's real key size. */
    @Test
    void dashIGeneratesAnRsa4096IdentityForThisRunOnlyAsDhtnodeDoes() throws Exception {
        DhtCommand command = new DhtCommand(config -> node, ConsoleEndToEndTest.stdin(new StringReader("")))
                .withEnvironment(Map.of());

        CliRun run = carillon(command, "dht", "-i", "-c", "ll");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err())
                .contains("Generating an RSA-4096 identity (a few seconds)...")
                .doesNotContain("Saved");
        InfoHash id = publicKeyIds(run.out()).get(0);
        RSAPublicKey key = (RSAPublicKey)
                CertificateValues.chain(node.store.get(id).get(0)).get(0).getPublicKey();
        assertThat(key.getModulus().bitLength()).isEqualTo(4096);
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aServiceWithAnIdentityLogsItsPublicKeyIdAndAnnouncesItsCertificate() throws Exception {
        DhtCommand command = new DhtCommand(config -> node)
                .withRsaBits(TestIdentities.RSA_BITS)
                .withEnvironment(Map.of());
        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> carillon(
                command,
                "dht",
                "--service",
                "--status-interval",
                "0",
                "--identity",
                dir.resolve("id").toString()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (node.store.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        command.requestStop();

        assertThat(run.get(30, TimeUnit.SECONDS).exitCode()).isZero();
        InfoHash id = IdentityFiles.load(dir.resolve("id"), null).id();
        assertThat(logs.list.stream().map(ILoggingEvent::getFormattedMessage)).contains("Public key ID " + id);
        assertThat(node.store.get(id)).singleElement().extracting(Value::type).isEqualTo(CertificateValues.TYPE);
    }

    @Test
    void jsonNamesThePublicKeyInItsFirstEvent() throws Exception {
        CliRun run = dht(Map.of(), "--identity", dir.resolve("id").toString(), "--json", "-c", "ll");

        assertThat(run.exitCode()).isZero();
        InfoHash id = IdentityFiles.load(dir.resolve("id"), null).id();
        assertThat(run.out().lines().findFirst().orElseThrow())
                .contains("\"event\":\"node\"")
                .contains("\"public_key_id\":\"" + id + "\"");
    }

    @Test
    void withoutIdentityNoPublicKeyIsShownAndSIsRefused() {
        CliRun run = dht(Map.of(), "-c", "ll", "-c", "s k v");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).doesNotContain("Public key");
        assertThat(run.err()).contains("s: An identity is required to perform this operation (run with -i)");
    }

    @Test
    void helpDescribesTheIdentityOptionsAndThePasswordVariable() {
        CliRun run = carillon(dhtThatMustNotStart(), "dht", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains("--identity=PATH", "PATH.pem", "PATH_ca.crt", "-i ", "dhtnode -i")
                .contains(IdentitySetup.PASSWORD_VARIABLE)
                .contains("s <key> <str>", "e <key> <dest> <str>");
    }

    private static List<InfoHash> publicKeyIds(String out) {
        Matcher m = PUBLIC_KEY_ID.matcher(out);
        List<InfoHash> ids = new ArrayList<>();
        while (m.find()) {
            ids.add(InfoHash.fromHex(m.group(1)));
        }
        return ids;
    }

    private List<String> errors() {
        return logs.list.stream()
                .filter(e -> e.getLevel() == Level.ERROR)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }
}
