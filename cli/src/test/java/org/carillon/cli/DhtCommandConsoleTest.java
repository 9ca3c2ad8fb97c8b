package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.carillon.cli.CliRun.carillon;
import static org.carillon.cli.CliRun.dhtThatMustNotStart;

import java.io.Reader;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.util.List;
import org.carillon.dht.InfoHash;
import org.carillon.dht.wire.NodeInfo;
import org.junit.jupiter.api.Test;

/** {@code carillon dht} without a terminal: {@code -c} and stdin scripts, their output and exit status. */
class DhtCommandConsoleTest {
    private final FakeDhtNode node = new FakeDhtNode();

    private CliRun dht(String stdin, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "dht";
        System.arraycopy(args, 0, all, 1, args.length);
        return carillon(new DhtCommand(config -> node, stdin(new StringReader(stdin))), all);
    }

    @Test
    void commandsRunInOrderThenTheNodeIsClosed() {
        CliRun run = dht("", "-p", "0", "-c", "p testkey hello", "-c", "g testkey");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .containsPattern("(?s)Carillon node " + FakeDhtNode.ID + " running on port 4222\n"
                        + " \\(type 'h' or 'help' for a list of possible commands\\)\n.*"
                        + "Using h\\(testkey\\) = 913a73b565c8e2c8ed94497580f619397709b8b6\n"
                        + "Put: success, took .*\\. Value ID: [0-9a-f]+\n"
                        + "Using h\\(testkey\\) = 913a73b565c8e2c8ed94497580f619397709b8b6\n"
                        + "Get: found 1 value\\(s\\) after .*\n"
                        + "\tValue\\[id:[0-9a-f]+ data\\(text/plain\\):\"hello\"]\n"
                        + "Get: completed, took .*");
        assertThat(run.err()).isEmpty();
        assertThat(node.closed).isTrue();
    }

    @Test
    void commandsAreReadFromStdinWhenThereIsNoTerminalNorCommand() {
        CliRun run = dht("p k v\r\n\ng k\nll", "-p", "0");

        assertThat(run.exitCode()).isZero();
        assertThat(node.calls).hasSize(2);
        assertThat(run.out()).contains("Get: completed").contains("ongoing operations");
        assertThat(node.closed).isTrue();
    }

    @Test
    void commandsOfDashCWinOverStdin() {
        CliRun run = dht("p fromstdin v\n", "-c", "ll");

        assertThat(run.exitCode()).isZero();
        assertThat(node.calls).isEmpty();
    }

    @Test
    void quitStopsTheScript() {
        CliRun run = dht("p a 1\nx\np b 2\n");

        assertThat(run.exitCode()).isZero();
        assertThat(node.store).containsOnlyKeys(InfoHash.fromUserKey("a"));
    }

    @Test
    void aBadCommandIsReportedTheRestStillRunsAndTheStatusIsOne() {
        CliRun run = dht("", "-c", "frobnicate", "-c", "p", "-c", "p k v");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines())
                .containsExactly(
                        "Unknown command: frobnicate",
                        " (type 'h' or 'help' for a list of possible commands)",
                        "p: expected 2 arguments, got 0. Syntax: p <key> <str>");
        assertThat(node.store).containsOnlyKeys(InfoHash.fromUserKey("k"));
    }

    @Test
    void aFailedOperationMakesTheStatusOne() {
        node.failOperations = true;

        CliRun run = dht("", "-c", "p k v");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).containsPattern("Put: failure");
    }

    @Test
    void anOperationWithoutAnswerIsGivenUpAfterTheTimeout() {
        node.neverAnswer = true;

        long start = System.nanoTime();
        CliRun run = dht("", "--timeout", "200ms", "-c", "g k", "-c", "ll");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("g: no result after 200 ms, giving up");
        assertThat(run.out()).contains("ongoing operations");
        assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
    }

    @Test
    void jsonScriptsGetJsonLines() {
        CliRun run = dht("", "--json", "-c", "p k v", "-c", "nope");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out().lines()).allMatch(l -> l.startsWith("{\"event\":\""));
        assertThat(run.out())
                .contains("\"event\":\"node\"")
                .contains("\"event\":\"put\"")
                .contains("\"event\":\"error\"");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void aScriptWithBootstrapWaitsForTheNodeToConnect() {
        node.routing4 = List.of(); // never connects
        CliRun run = dht("", "-b", "127.0.0.1:4301", "--timeout", "100ms", "-c", "ll");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Not connected to any node after 100 ms; running the commands anyway");

        FakeDhtNode connected = new FakeDhtNode();
        connected.routing4 = List.of(new NodeInfo(FakeDhtNode.ID, new InetSocketAddress("127.0.0.1", 4301)));
        CliRun ok = carillon(
                new DhtCommand(config -> connected, stdin(new StringReader(""))),
                "dht",
                "-b",
                "127.0.0.1:4301",
                "-c",
                "ll");
        assertThat(ok.out()).doesNotContain("Not connected");
    }

    @Test
    void anOverlongStdinLineIsSkippedAndReported() {
        CliRun run = dht("p k " + "v".repeat(ScriptConsole.MAX_LINE + 10) + "\np k2 short\n");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("line longer than 262144 characters, skipped");
        assertThat(node.store).containsOnlyKeys(InfoHash.fromUserKey("k2"));
    }

    @Test
    void serviceModeTakesNoCommandsNorJson() {
        CliRun withCommand = carillon(dhtThatMustNotStart(), "dht", "--service", "-c", "ll");
        CliRun withJson = carillon(dhtThatMustNotStart(), "dht", "-s", "--json");

        assertThat(withCommand.exitCode()).isEqualTo(2);
        assertThat(withCommand.err())
                .contains("--service runs no console, so it takes no --command")
                .contains("Try 'carillon dht --help'");
        assertThat(withJson.exitCode()).isEqualTo(2);
        assertThat(withJson.err()).contains("--service runs no console, so it prints no JSON");
    }

    @Test
    void badTimeoutIsAUsageError() {
        CliRun run = carillon(dhtThatMustNotStart(), "dht", "--timeout", "soon", "-c", "ll");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Invalid value for option '--timeout'");
    }

    @Test
    void helpDescribesTheConsoleAndItsOptions() {
        CliRun run = carillon(dhtThatMustNotStart(), "dht", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains("--command", "--json", "--timeout", "--verbose", "--service")
                .contains("type 'h' in it")
                .contains("carillon dht -p 0 -b 127.0.0.1:4222 -c 'p mykey hello' -c 'g mykey'")
                .contains("Exit status: 0 when every command succeeded; 1 when one failed or the node\n");
        assertThat(run.out().lines()).allMatch(l -> l.length() <= 80);
    }

    private static Stdin stdin(Reader reader) {
        return ConsoleEndToEndTest.stdin(reader);
    }
}
