package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.carillon.dht.InfoHash;
import org.carillon.dht.NodeMetrics;
import org.carillon.dht.SearchStatus;
import org.carillon.dht.Value;
import org.carillon.dht.wire.Family;
import org.carillon.dht.wire.NodeInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every verb of the console, run on a fake node, in dhtnode's text. */
class ConsoleSessionTest {
    private static final InfoHash TESTKEY =
            InfoHash.fromHex("913a73b565c8e2c8ed94497580f619397709b8b6"); // sha1("testkey")

    private final ConsoleHarness console = ConsoleHarness.text();
    private final FakeDhtNode node = console.node;

    @Test
    void putStoresATextPlainUserDataValueAndReportsItsIdLikeDhtnode() {
        console.run("p testkey hello");

        List<Value> stored = node.store.get(TESTKEY);
        assertThat(stored).hasSize(1);
        Value v = stored.get(0);
        assertThat(v.type()).isZero();
        assertThat(v.userType()).isEqualTo("text/plain");
        assertThat(new String(v.data(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(v.id()).isNotZero();
        assertThat(console.outLines())
                .containsExactly(
                        "Using h(testkey) = 913a73b565c8e2c8ed94497580f619397709b8b6",
                        "Put: success, took 250 us. Value ID: " + Long.toHexString(v.id()));
        assertThat(node.calls).containsExactly("put " + TESTKEY + " " + v);
        assertThat(console.session.failed()).isFalse();
    }

    @Test
    void aKeyOfFortyHexDigitsIsUsedAsItIsWithoutANotice() {
        console.run("p 913A73B565C8E2C8ED94497580F619397709B8B6 hi");

        assertThat(node.store).containsOnlyKeys(TESTKEY);
        assertThat(console.out.toString()).doesNotContain("Using h(");
    }

    @Test
    void quotesLetAValueHoldSpacesAndTheWholeValueIsPut() {
        console.run("p testkey \"hello world, \\\"quoted\\\"\"");

        assertThat(new String(node.store.get(TESTKEY).get(0).data(), StandardCharsets.UTF_8))
                .isEqualTo("hello world, \"quoted\"");
    }

    @Test
    void permanentPutAndItsCancellationUseTheHexId() {
        console.run("pp testkey forever");
        long id = node.store.get(TESTKEY).get(0).id();
        console.run("cpp testkey " + Long.toHexString(id));

        assertThat(node.calls.get(0)).startsWith("permanent put " + TESTKEY);
        assertThat(node.calls.get(1)).isEqualTo("cancelPut " + TESTKEY + " " + Long.toHexString(id));
        assertThat(console.outLines()).contains("Permanent put " + Long.toHexString(id) + " cancelled");
    }

    @Test
    void getPrintsTheValuesFoundThenCompletion() {
        node.store.put(TESTKEY, List.of(Value.of(0xf06201ac1db9a4e5L, 0, bytes("hello_from_A"), "text/plain")));

        console.run("g testkey");

        assertThat(console.outLines())
                .containsExactly(
                        "Using h(testkey) = 913a73b565c8e2c8ed94497580f619397709b8b6",
                        "Get: found 1 value(s) after 250 us (total 1)",
                        "\tValue[id:f06201ac1db9a4e5 data(text/plain):\"hello_from_A\"]",
                        "Get: completed, took 500 us (total 1)");
    }

    @Test
    void getPassesItsWhereClauseToTheNode() {
        node.store.put(
                TESTKEY,
                List.of(Value.of(1, 0, bytes("a"), "text/plain"), Value.of(2, 3, bytes("b"), "application/x")));

        console.run("g testkey WHERE value_type=3");

        assertThat(node.calls).containsExactly("get " + TESTKEY + " SELECT * WHERE value_type=3");
        assertThat(console.outLines()).contains("\tValue[id:2 data(application/x):62]");
    }

    @Test
    void aGetThatNoNodeAnswersIsAFailureOfTheSession() {
        node.failOperations = true;

        console.run("g testkey");

        assertThat(console.outLines()).last().asString().matches("Get: failure, took .* \\(total 0\\)");
        assertThat(console.session.failed()).isTrue();
    }

    @Test
    void aFailedPutStillNamesTheValueIdItTried() {
        node.failOperations = true;

        console.run("p testkey hello");

        assertThat(console.outLines()).last().asString().matches("Put: failure, took 250 us\\. Value ID: [0-9a-f]+");
        assertThat(console.session.failed()).isTrue();
    }

    @Test
    void queryPrintsOneIndexPerValueAsDhtnode() {
        node.store.put(TESTKEY, List.of(Value.of(0x586937d0125d0aadL, 0, bytes("hello"), "text/plain")));

        console.run("q testkey SELECT id,seq WHERE value_type=0");

        assertThat(node.calls).containsExactly("query " + TESTKEY + " SELECT id,seq WHERE value_type=0");
        assertThat(console.outLines())
                .containsExactly(
                        "Using h(testkey) = 913a73b565c8e2c8ed94497580f619397709b8b6",
                        "Query: found field value index after 250 us",
                        "\tIndex[Id:586937d0125d0aad,Seq:0]",
                        "Query: completed, took 500 us");
    }

    @Test
    void listenReportsNewAndExpiredValuesWithARunningTotalAndCanBeCancelled() {
        console.run("l testkey");
        console.session.execute("p testkey one");
        Value one = node.store.get(TESTKEY).get(0);
        node.expire(TESTKEY, List.of(one));
        console.run("cl testkey 2");

        assertThat(console.outLines())
                .containsSubsequence(
                        "Listening, token: 2",
                        "Listen: found 1 values (total 1)",
                        "\tValue[id:" + Long.toHexString(one.id()) + " data(text/plain):\"one\"]",
                        "Listen: found 1 values expired (total 0)",
                        "Listen 2 cancelled");
        assertThat(node.listeners).isEmpty();
    }

    @Test
    void cancellingAListenThatDoesNotExistIsAnError() {
        console.run("cl testkey 99");

        assertThat(console.errLines())
                .containsExactly("cl: no listen with token 99 at 913a73b565c8e2c8ed94497580f619397709b8b6");
        assertThat(console.session.failed()).isTrue();
    }

    @Test
    void closingTheSessionCancelsItsListens() {
        console.run("l a", "l b");
        assertThat(node.listeners).hasSize(2);

        console.session.close();

        assertThat(node.listeners).isEmpty();
    }

    @Test
    void bootstrapPingsEveryAddressOfTheNode() throws Exception {
        console.run("b 127.0.0.1:4301", "b [::1]:4302");

        assertThat(node.pinged)
                .containsExactly(
                        new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 4301),
                        new InetSocketAddress(InetAddress.getByName("::1"), 4302));
        assertThat(console.outLines()).containsExactly("Pinging 127.0.0.1:4301", "Pinging [::1]:4302");
    }

    @Test
    void connectivityChangedPingsTheBootstrapNodesAgain() throws Exception {
        InetSocketAddress seed = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 4301);
        ConsoleHarness withSeed = new ConsoleHarness(false, List.of(seed));

        withSeed.run("cc");
        console.run("cc");

        assertThat(withSeed.node.pinged).containsExactly(seed);
        assertThat(withSeed.outLines()).containsExactly("Connectivity changed: pinging 1 bootstrap node(s)");
        assertThat(console.outLines()).first().asString().contains("no bootstrap node");
    }

    @Test
    void nodeInformationShowsIdPortStorageAndBothFamilies() {
        node.port = 4301;
        node.metrics =
                new NodeMetrics(Map.of("ping", 10L), Map.of("reply", 7L), Map.of("martian", 2L), 1, 3, 4096, 5, 0, 0);
        node.routing4 = List.of(new NodeInfo(TESTKEY, new InetSocketAddress("127.0.0.1", 4302)));
        node.searches = List.of(new SearchStatus(TESTKEY, Family.IPV4, 8, 8, false, 1, 1, 0, 2));

        console.run("ll");

        assertThat(console.outLines())
                .containsExactly(
                        "Carillon node " + FakeDhtNode.ID + " running on port 4301",
                        "2 ongoing operations",
                        "Storage has 3 values, using 4 KB",
                        "IPv4 stats:",
                        "Known nodes: 5 in the routing table, connected.",
                        "1 searches",
                        "",
                        "IPv6 stats:",
                        "Known nodes: 0 in the routing table, not connected.",
                        "0 searches",
                        "",
                        "Packets: 10 in, 7 out, 2 dropped (martian 2)");
    }

    @Test
    void routingTablesListEveryNodeWithItsAddress() throws Exception {
        InfoHash other = InfoHash.fromHex("4d556b3e68cc7f76d108c25499e32541a549af53");
        node.routing4 = List.of(new NodeInfo(TESTKEY, new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 4302)));
        node.routing6 = List.of(new NodeInfo(other, new InetSocketAddress(InetAddress.getByName("::1"), 4303)));

        console.run("lr");

        assertThat(console.outLines())
                .containsExactly(
                        "IPv4 routing table:",
                        "    Node " + TESTKEY + " 127.0.0.1:4302",
                        "1 node",
                        "",
                        "IPv6 routing table:",
                        "    Node " + other + " [::1]:4303",
                        "1 node");
    }

    @Test
    void searchesAreListedAndFilteredByKey() {
        InfoHash other = InfoHash.fromUserKey("other");
        node.searches = List.of(
                new SearchStatus(TESTKEY, Family.IPV4, 8, 6, true, 0, 1, 0, 2),
                new SearchStatus(other, Family.IPV6, 3, 0, false, 1, 0, 2, 2));

        console.run("ls", "ls testkey");

        assertThat(console.outLines())
                .containsExactly(
                        "Search IPv4 " + TESTKEY + " gets: 0, puts: 1, listens: 0, nodes: 8 (6 synced) [done]",
                        "Search IPv6 " + other + " gets: 1, puts: 0, listens: 2, nodes: 3 (0 synced)",
                        "Total: 2 searches (1 IPv4, 1 IPv6).",
                        "Using h(testkey) = " + TESTKEY,
                        "Search IPv4 " + TESTKEY + " gets: 0, puts: 1, listens: 0, nodes: 8 (6 synced) [done]",
                        "Total: 2 searches (1 IPv4, 1 IPv6).");
    }

    @Test
    void storageIsSummedPerKeyAndShownInFullForOneKey() {
        Value hello = Value.of(0x586937d0125d0aadL, 0, bytes("hello"), "text/plain");
        node.store.put(TESTKEY, List.of(hello));

        console.run("ld", "ld testkey", "ld nothing-here");

        assertThat(console.outLines())
                .containsExactly(
                        // 15 bytes = 5 of data + 10 of user type, as dhtnode counts them
                        "Storage " + TESTKEY + " 1 values (15 bytes)",
                        "",
                        "Total 1 storages, 1 values (15 bytes)",
                        "Using h(testkey) = " + TESTKEY,
                        "Storage " + TESTKEY + " 1 values (15 bytes)",
                        "\tValue[id:586937d0125d0aad data(text/plain):\"hello\"]",
                        "Using h(nothing-here) = " + InfoHash.fromUserKey("nothing-here"),
                        "Storage " + InfoHash.fromUserKey("nothing-here") + " empty");
    }

    @Test
    void logTogglesTheLogsAndTakesAKeyFilter() {
        console.run("log");
        assertThat(console.logs.isOn()).isTrue();
        console.run("log");
        assertThat(console.logs.isOn()).isFalse();
        console.run("log " + TESTKEY);
        assertThat(console.logs.isOn()).isTrue();

        assertThat(console.outLines()).containsExactly("Logs on", "Logs off", "Logs on, only lines naming " + TESTKEY);
    }

    @Test
    void helpListsEveryAvailableVerbInDhtnodesSections() {
        console.run("h");

        String help = console.out.toString();
        assertThat(help)
                .contains("Possible commands:\n  h, help    Print this help message.\n  x, quit    Quit the program.")
                .contains("\n\nNode information:\n  ll         Print basic information")
                .contains("\n\nOperations on the DHT:\n  b <ip:port>")
                .contains("\n\nIndexation operations on the DHT:\n  il <name> <key> [exact match]");
        for (Verb v : console.verbs.all()) {
            if (v.listed()) {
                assertThat(help).contains("\n  " + v.syntax() + " ");
            } else {
                assertThat(help).doesNotContain("\n  " + v.name() + " ");
            }
        }
        assertThat(console.run("help")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"x", "quit", "exit"})
    void quitEndsTheSession(String verb) {
        assertThat(console.run("ll")).isTrue();
        assertThat(console.session.execute(verb)).isFalse();
        assertThat(console.session.failed()).isFalse();
    }

    @Test
    void blankLinesDoNothing() {
        assertThat(console.run("", "   ", "\t")).isTrue();
        assertThat(console.out.toString()).isEmpty();
        assertThat(console.err.toString()).isEmpty();
        assertThat(console.session.failed()).isFalse();
    }

    @Test
    void anUnknownVerbIsNamedAndTheConsoleGoesOn() {
        assertThat(console.run("foo bar", "ll")).isTrue();

        assertThat(console.errLines())
                .containsExactly("Unknown command: foo", " (type 'h' or 'help' for a list of possible commands)");
        assertThat(console.outLines()).anyMatch(l -> l.startsWith("Carillon node "));
        assertThat(console.session.failed()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "p                      | p: expected 2 arguments, got 0. Syntax: p <key> <str>",
                "p testkey              | p: expected 2 arguments, got 1. Syntax: p <key> <str>",
                "p testkey hello world  | p: expected 2 arguments, got 3. Syntax: p <key> <str>",
                "pp k                   | pp: expected 2 arguments, got 1. Syntax: pp <key> <str>",
                "g                      | g: expected at least 1 argument, got 0. Syntax: g <key> [WHERE ...]",
                "q testkey              | q: expected at least 2 arguments, got 1. Syntax: q <key> <query>",
                "l                      | l: expected at least 1 argument, got 0. Syntax: l <key> [WHERE ...]",
                "cl testkey             | cl: expected 2 arguments, got 1. Syntax: cl <key> <token>",
                "cpp testkey            | cpp: expected 2 arguments, got 1. Syntax: cpp <key> <id>",
                "b                      | b: expected 1 argument, got 0. Syntax: b <ip:port>",
                "ll now                 | ll: takes no arguments, got 1. Syntax: ll",
                "lr x y                 | lr: takes no arguments, got 2. Syntax: lr",
                "ls a b                 | ls: expected at most 1 argument, got 2. Syntax: ls [key]",
                "ld a b                 | ld: expected at most 1 argument, got 2. Syntax: ld [key]",
                "log a b                | log: expected at most 1 argument, got 2. Syntax: log [key]",
                "cc now                 | cc: takes no arguments, got 1. Syntax: cc",
                "h me                   | h: takes no arguments, got 1. Syntax: h, help",
                "x now                  | x: takes no arguments, got 1. Syntax: x, quit",
                "ii idx k               | ii: expected 3 arguments, got 2. Syntax: ii <name> <key> <value>",
                "il idx                 | il: expected 2 to 3 arguments, got 1. Syntax: il <name> <key> [exact match]",
            })
    void wrongArgumentCountsNameTheSyntaxAndTheConsoleGoesOn(String line, String message) {
        assertThat(console.run(line, "ll")).isTrue();

        assertThat(console.errLines()).containsExactly(message);
        assertThat(node.calls).isEmpty();
        assertThat(node.store).isEmpty();
        assertThat(console.session.failed()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\'',
            value = {
                "g \"\"                              | g: invalid key: the key is empty",
                "p \"a\u0007b\" v                    | p: invalid key \"a\\x07b\": control characters",
                "g testkey SELECT id                 | g: g returns whole values: use q for SELECT",
                "l testkey SELECT id                 | l: l returns whole values: use q for SELECT",
                "g testkey WHERE value_typ=0         | g: bad query at column 7: unknown field 'value_typ'",
                "l testkey WHERE id=x                | l: bad query at column 10: id must be a number",
                "q testkey WHERE value_type=0        | q: q needs SELECT and fields",
                "q testkey SELECT id WHERE seq=1     | q: bad query at column 17: seq cannot be a WHERE condition",
                "q testkey SELECT                    | q: bad query at column 7: SELECT needs '*' or fields",
                "cl testkey abc                      | cl: token must be a decimal number, got 'abc'. Syntax: cl <key> <token>",
                "cl testkey -1                       | cl: token must be a decimal number, got '-1'",
                "cpp testkey zz                      | cpp: value id must be hex, as put printed it, got 'zz'. Syntax: cpp <key> <id>",
                "cpp testkey 1ffffffffffffffff       | cpp: value id must be hex",
                "b localhost                         | b: expected HOST:PORT, got 'localhost'. Syntax: b <ip:port>",
                "b 127.0.0.1:99999                   | b: expected HOST:PORT with PORT in 1..65535",
                "p \"unterminated                    | unterminated quote starting at column 3",
                "pst 8080                            | pst: the DHT proxy commands come with the proxy; not available yet",
            })
    void badArgumentsAreExplainedAndTheConsoleGoesOn(String line, String message) {
        assertThat(console.run(line, "ll")).isTrue();

        assertThat(console.errLines()).hasSize(1).first().asString().startsWith(message);
        assertThat(node.calls).isEmpty();
        assertThat(console.session.failed()).isTrue();
    }

    @Test
    void aValueTooLargeForOpenDhtIsRefusedBeforeThePut() {
        console.run("p testkey " + "x".repeat(Value.MAX_SIZE));

        assertThat(console.errLines()).singleElement().asString().startsWith("p: value too large: 65536 bytes");
        assertThat(node.calls).isEmpty();
    }

    @Test
    void anOverlongKeyIsRefusedWithoutEchoingIt() {
        console.run("g " + "k".repeat(100_000));

        assertThat(console.errLines()).containsExactly("g: invalid key: 100000 characters, at most 1024 allowed");
    }

    @Test
    void aNodeThatThrowsIsReportedAndTheConsoleGoesOn() {
        ConsoleHarness broken = ConsoleHarness.text();
        broken.node.searches = null; // the node's answer blows up in the verb

        assertThat(broken.run("ll", "h")).isTrue();

        assertThat(broken.errLines()).singleElement().asString().startsWith("ll: failed: ");
        assertThat(broken.out.toString()).contains("Possible commands:");
    }

    @Test
    void awaitIdleWaitsForAnswersAndGivesUpOnThoseThatNeverCome() throws Exception {
        node.neverAnswer = true;
        console.run("g testkey", "p testkey v");

        assertThat(console.session.awaitIdle(Duration.ofMillis(1))).isFalse();

        assertThat(console.errLines())
                .containsExactlyInAnyOrder(
                        "g: no result after 250 us, giving up".replace("250 us", "1 ms"),
                        "p: no result after 1 ms, giving up");
        node.neverAnswer = false;
        node.unanswered.forEach(f -> f.complete(null));
        assertThat(console.session.awaitIdle(Duration.ofMillis(1))).isTrue();
    }

    @Test
    void valuesFromTheNetworkCannotSendTerminalEscapes() {
        node.store.put(
                TESTKEY,
                List.of(
                        Value.of(1, 0, bytes("\u001b[2Jgone\nline"), "text/plain"),
                        Value.of(2, 0, bytes("x"), "image/\u001b[31m")));

        console.run("g testkey");

        assertThat(console.out.toString())
                .contains("\tValue[id:1 data(text/plain):\"\\x1b[2Jgone\\nline\"]")
                .contains("\tValue[id:2 data(image/\\x1b[31m):78]")
                .doesNotContain("\u001b");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
