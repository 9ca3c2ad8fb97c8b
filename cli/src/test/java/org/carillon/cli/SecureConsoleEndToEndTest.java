package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.carillon.dht.crypto.CertificateValues;
import org.carillon.dht.crypto.Identity;
import org.carillon.dht.crypto.IdentityFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consoles of {@code carillon dht --identity} on real nodes on 127.0.0.1: what Alice's console
 * signs, Bob's shows signed with her key id; what she encrypts for Bob's key id, Bob's console
 * decrypts, hers drops, and a console without identity sees only as encrypted.
 */
@Timeout(180)
class SecureConsoleEndToEndTest {
    private static final long WAIT_SECONDS = 20;

    private final Identity alice = TestIdentities.named("alice");
    private final Identity bob = TestIdentities.named("bob");
    private DhtRunner seed;

    @TempDir
    Path dir;

    @BeforeEach
    void startSeedAndSaveIdentities() throws IOException {
        seed = DhtRunner.start(DhtConfig.defaults()
                .withBindAddresses(List.of(InetAddress.getLoopbackAddress()))
                .withPort(0));
        IdentityFiles.save(dir.resolve("alice"), alice, null, null);
        IdentityFiles.save(dir.resolve("bob"), bob, null, null);
    }

    @AfterEach
    void stopSeed() {
        seed.close();
    }

    @Test
    void signedAndEncryptedValuesPassBetweenTheConsolesOfTwoIdentities() throws Exception {
        AtomicReference<CliRun> aliceRun = new AtomicReference<>();
        ScriptedStdin bobsScript = new ScriptedStdin()
                .then(() -> awaitCertificateOnTheSeed(bob.id()))
                .then(() -> aliceRun.set(console(
                        "alice",
                        "-c",
                        "s e2e-signed signed_by_alice",
                        "-c",
                        "e e2e-secret " + bob.id() + " secret_for_bob",
                        "-c",
                        "g e2e-secret",
                        "-c",
                        "ll")))
                .line("g e2e-signed")
                .line("g e2e-secret")
                .line("ll")
                .line("x");

        CliRun bobRun = CliRun.carillon(
                new DhtCommand(DhtCommand.RUNNER, ConsoleEndToEndTest.stdin(bobsScript)),
                new StringWriter(),
                new StringWriter(),
                args("bob"));

        CliRun fromAlice = aliceRun.get();
        assertThat(fromAlice.exitCode()).as(fromAlice.toString()).isZero();
        assertThat(fromAlice.out())
                .contains("Public key ID " + alice.id())
                .containsPattern("\nPut signed: success \\(took [0-9.]+ (us|ms|s)s\\)\n")
                .containsPattern("\nPut encrypted: success \\(took [0-9.]+ (us|ms|s)\n")
                // her own encrypted value is not for her: dropped and counted
                .containsPattern("Get: completed, took .* \\(total 0\\)")
                .contains("Values dropped by the identity checks: 0 with a bad signature, 1 encrypted not for us");

        assertThat(bobRun.exitCode()).as(bobRun.toString()).isZero();
        assertThat(bobRun.out())
                .contains("Public key ID " + bob.id())
                .containsPattern("\tValue\\[id:[0-9a-f]+ signed \\(v0\\) data\\(text/plain\\):\"signed_by_alice\"]"
                        + " owner " + alice.id() + "\n")
                .containsPattern("\tValue\\[id:[0-9a-f]+ signed \\(v0\\) decrypted data\\(text/plain\\):"
                        + "\"secret_for_bob\"] owner " + alice.id() + "\n")
                .contains("Values dropped by the identity checks: 0 with a bad signature, 0 encrypted");
        String secretId = valueId(bobRun.out(), "secret_for_bob");

        CliRun withoutIdentity = CliRun.carillon(
                new DhtCommand(DhtCommand.RUNNER, ConsoleEndToEndTest.stdin(new StringReader(""))),
                "dht",
                "--bind",
                "127.0.0.1",
                "-p",
                "0",
                "-b",
                seedAddress(),
                "-c",
                "g e2e-secret");

        assertThat(withoutIdentity.exitCode()).as(withoutIdentity.toString()).isZero();
        assertThat(withoutIdentity.out())
                .contains("\tValue[id:" + secretId + " encrypted ]")
                .doesNotContain("secret_for_bob");
    }

    private CliRun console(String identity, String... commands) {
        String[] base = args(identity);
        String[] all = new String[base.length + commands.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(commands, 0, all, base.length, commands.length);
        return CliRun.carillon(new DhtCommand(DhtCommand.RUNNER, ConsoleEndToEndTest.stdin(new StringReader(""))), all);
    }

    private String[] args(String identity) {
        return new String[] {
            "dht",
            "--bind",
            "127.0.0.1",
            "-p",
            "0",
            "-b",
            seedAddress(),
            "--identity",
            dir.resolve(identity).toString()
        };
    }

    private String seedAddress() {
        return "127.0.0.1:" + seed.port();
    }

    /** The console publishes its certificate as it starts; others can encrypt for it once the seed stores it. */
    private void awaitCertificateOnTheSeed(InfoHash keyId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            List<Value> stored = seed.storedValues().getOrDefault(keyId, List.of());
            if (stored.stream().anyMatch(v -> v.type() == CertificateValues.TYPE)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the seed never stored the certificate of " + keyId);
    }

    private static String valueId(String out, String text) {
        Matcher m = Pattern.compile("\tValue\\[id:([0-9a-f]+) [^\n]*\"" + text + "\"")
                .matcher(out);
        assertThat(m.find()).as("a value holding %s in %s", text, out).isTrue();
        return m.group(1);
    }
}
