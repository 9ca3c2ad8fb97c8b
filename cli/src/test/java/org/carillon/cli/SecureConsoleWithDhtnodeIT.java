package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.carillon.dht.InfoHash;
import org.carillon.dht.interop.DhtnodeConsole.ConsoleValue;
import org.carillon.dht.interop.DhtnodeConsole.GetResult;
import org.carillon.dht.interop.DhtnodeProcess;
import org.carillon.dht.interop.InteropPeers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Carillon's console with {@code --identity} next to a real OpenDHT 2.4.12 {@code dhtnode -i} on
 * loopback: each encrypts for the other's public key ID and the other's {@code g} shows the
 * text decrypted; each signs and the other's {@code g} shows it signed.
 */
@Timeout(240)
class SecureConsoleWithDhtnodeIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern BANNER = Pattern.compile("Carillon node ([0-9a-f]{40}) running on port \\d+");
    private static final Pattern PUBLIC_KEY_ID = Pattern.compile("Public key ID ([0-9a-f]{40})");

    @TempDir
    Path dir;

    @BeforeAll
    static void requireDhtnode() {
        InteropPeers.requireDhtnode();
    }

    @Test
    void encryptedAndSignedValuesPassBothWaysBetweenTheConsoles() throws Exception {
        try (DhtnodeProcess dhtnode = DhtnodeProcess.start(
                DhtnodeProcess.options().name("D").generateIdentity().startTimeout(Duration.ofSeconds(90)))) {
            InfoHash dhtnodeKey = dhtnode.publicKeyId().orElseThrow();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            AtomicReference<InfoHash> ourKey = new AtomicReference<>();
            AtomicBoolean dhtnodeEncrypted = new AtomicBoolean();
            AtomicBoolean dhtnodeSigned = new AtomicBoolean();
            AtomicReference<GetResult> dhtnodeOwnSigned = new AtomicReference<>();
            AtomicReference<GetResult> dhtnodeGetsOurEncrypted = new AtomicReference<>();
            AtomicReference<GetResult> dhtnodeGetsOurSigned = new AtomicReference<>();
            ScriptedStdin script = new ScriptedStdin()
                    .then(() -> {
                        Matcher node = BANNER.matcher(out.toString());
                        Matcher key = PUBLIC_KEY_ID.matcher(out.toString());
                        assertThat(node.find() && key.find())
                                .as("banner in %s", out)
                                .isTrue();
                        ourKey.set(InfoHash.fromHex(key.group(1)));
                        dhtnode.awaitRoutingTableContains(InfoHash.fromHex(node.group(1)), WAIT);
                        awaitCertificate(dhtnode, ourKey.get());
                        dhtnodeEncrypted.set(
                                dhtnode.putEncrypted("for-carillon", ourKey.get(), "secret_from_dhtnode", WAIT));
                        dhtnodeSigned.set(dhtnode.putSigned("signed-by-dhtnode", "signed_from_dhtnode", WAIT));
                        dhtnodeOwnSigned.set(dhtnode.get("signed-by-dhtnode"));
                    })
                    .line("g for-carillon")
                    .line("g signed-by-dhtnode")
                    .line("e for-dhtnode " + dhtnodeKey + " secret_from_carillon")
                    .line("s signed-by-carillon signed_from_carillon")
                    .then(() -> {
                        dhtnodeGetsOurEncrypted.set(dhtnode.get("for-dhtnode"));
                        dhtnodeGetsOurSigned.set(dhtnode.get("signed-by-carillon"));
                    })
                    .line("x");

            // the console generates its identity, RSA-4096 as dhtnode's
            CliRun run = CliRun.carillon(
                    new DhtCommand(DhtCommand.RUNNER, ConsoleEndToEndTest.stdin(script)),
                    out,
                    err,
                    "dht",
                    "--bind",
                    "127.0.0.1",
                    "-p",
                    "0",
                    "-b",
                    "127.0.0.1:" + dhtnode.port(),
                    "--identity",
                    dir.resolve("carillon").toString());

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.err()).contains("Generating an RSA-4096 identity");
            assertThat(dhtnodeEncrypted)
                    .as("dhtnode's e found our certificate and put")
                    .isTrue();
            assertThat(dhtnodeSigned).as("dhtnode's s").isTrue();
            assertThat(run.out())
                    .containsPattern("\tValue\\[id:[0-9a-f]+ signed \\(v0\\) decrypted data\\(text/plain\\):"
                            + "\"secret_from_dhtnode\"] owner " + dhtnodeKey + "\n")
                    .containsPattern("\nPut encrypted: success \\(took [^\n]*\n")
                    .containsPattern("\nPut signed: success \\(took [^\n]*\n");
            // dhtnode's line for its own signed value, then the owner: dhtnode's line is a prefix of ours
            String dhtnodesLine = dhtnodeOwnSigned.get().values().get(0).line();
            assertThat(dhtnodesLine).contains("signed (v0) data(text/plain):\"signed_from_dhtnode\"");
            assertThat(run.out().lines()).contains(dhtnodesLine + " owner " + dhtnodeKey);

            assertThat(dhtnodeGetsOurEncrypted.get().values()).anySatisfy(v -> {
                assertThat(v.decrypted()).as(v.line()).isTrue();
                assertThat(v.text()).isEqualTo("secret_from_carillon");
            });
            assertThat(dhtnodeGetsOurSigned.get().values()).anySatisfy(v -> {
                assertThat(v.signed()).as(v.line()).isTrue();
                assertThat(v.text()).isEqualTo("signed_from_carillon");
            });
        }
    }

    /** dhtnode's {@code e} looks our certificate up: wait until the console's announcement is stored. */
    private static void awaitCertificate(DhtnodeProcess dhtnode, InfoHash keyId) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (int attempt = 0; attempt < 30 && System.nanoTime() < deadline; attempt++) {
            if (!dhtnode.get(keyId).values().stream()
                    .map(ConsoleValue::line)
                    .filter(line -> line.contains("Certificate"))
                    .toList()
                    .isEmpty()) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError("dhtnode never found the certificate of " + keyId);
    }
}
