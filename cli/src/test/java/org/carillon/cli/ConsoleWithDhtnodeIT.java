package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.carillon.dht.InfoHash;
import org.carillon.dht.interop.DhtnodeConsole.GetResult;
import org.carillon.dht.interop.DhtnodeConsole.PutResult;
import org.carillon.dht.interop.DhtnodeProcess;
import org.carillon.dht.interop.InteropPeers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Carillon's console next to a real OpenDHT 2.4.12 dhtnode on loopback: what one console puts,
 * the other gets, and the value lines read the same in both.
 */
@Timeout(120)
class ConsoleWithDhtnodeIT {
    private static final Pattern BANNER = Pattern.compile("Carillon node ([0-9a-f]{40}) running on port \\d+");

    @BeforeAll
    static void requireDhtnode() {
        InteropPeers.requireDhtnode();
    }

    @Test
    void valuesPutAtEitherConsoleAreFoundAtTheOtherAndPrintedAlike() throws Exception {
        try (DhtnodeProcess dhtnode = DhtnodeProcess.start()) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            AtomicReference<PutResult> dhtnodePut = new AtomicReference<>();
            AtomicReference<GetResult> dhtnodeGetOfOurs = new AtomicReference<>();
            AtomicReference<GetResult> dhtnodeGetOfItsOwn = new AtomicReference<>();
            ScriptedStdin script = new ScriptedStdin()
                    .then(() -> {
                        // the console is up and connected: make sure dhtnode knows us before it puts
                        Matcher id = BANNER.matcher(out.toString());
                        assertThat(id.find()).as("banner in %s", out).isTrue();
                        dhtnode.awaitRoutingTableContains(InfoHash.fromHex(id.group(1)), Duration.ofSeconds(20));
                        dhtnodePut.set(dhtnode.put("console-interop", "hello_from_dhtnode"));
                        dhtnodeGetOfItsOwn.set(dhtnode.get("console-interop"));
                    })
                    .line("g console-interop")
                    .line("q console-interop SELECT id,seq WHERE value_type=0")
                    .line("p console-back hello_from_carillon")
                    .then(() -> dhtnodeGetOfOurs.set(dhtnode.get("console-back")))
                    .line("x");

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
                    "127.0.0.1:" + dhtnode.port());

            assertThat(run.exitCode()).as(run.toString()).isZero();
            PutResult put = dhtnodePut.get();
            assertThat(put.success()).as(put.line()).isTrue();
            // the same key text hashes to the same key in both consoles
            assertThat(run.out()).contains("Using h(console-interop) = " + InfoHash.fromUserKey("console-interop"));
            // dhtnode's own line for its value, byte for byte in Carillon's get
            String dhtnodesLine = dhtnodeGetOfItsOwn.get().values().get(0).line();
            assertThat(dhtnodesLine)
                    .isEqualTo("\tValue[id:" + put.valueIdHex() + " data(text/plain):\"hello_from_dhtnode\"]");
            assertThat(run.out().lines()).contains(dhtnodesLine);
            assertThat(run.out()).contains("\tIndex[Id:" + put.valueIdHex() + ",Seq:0]");
            assertThat(run.out()).containsPattern("Put: success, took .*\\. Value ID: [0-9a-f]+");
            assertThat(dhtnodeGetOfOurs.get().texts()).containsExactly("hello_from_carillon");
        }
    }
}
