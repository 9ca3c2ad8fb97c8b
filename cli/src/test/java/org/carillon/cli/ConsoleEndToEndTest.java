package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.carillon.dht.interop.FreePorts;
import org.carillon.dht.wire.Family;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code carillon dht} with its console on real nodes: a Carillon node on 127.0.0.1 that the
 * test starts, and the command's own node joining it, driven through {@code -c} and stdin.
 */
@Timeout(120)
class ConsoleEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<DhtRunner> runners = new ArrayList<>();
    private DhtRunner seed;

    @BeforeEach
    void startSeed() throws IOException {
        seed = start();
    }

    @AfterEach
    void stopNodes() {
        runners.forEach(DhtRunner::close);
    }

    private DhtRunner start() throws IOException {
        DhtRunner r = DhtRunner.start(DhtConfig.defaults()
                .withBindAddresses(List.of(InetAddress.getLoopbackAddress()))
                .withPort(0));
        runners.add(r);
        return r;
    }

    /** Another node, joined to the seed. */
    private DhtRunner joined() throws Exception {
        DhtRunner r = start();
        r.bootstrap(new InetSocketAddress(InetAddress.getLoopbackAddress(), seed.port()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!r.isConnected(Family.IPV4) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(r.isConnected(Family.IPV4)).as("joined the seed").isTrue();
        return r;
    }

    private String seedAddress() {
        return "127.0.0.1:" + seed.port();
    }

    @Test
    void aValuePutByOneConsoleIsFoundByAnotherOnTheOtherNode() throws Exception {
        CliRun put = console(
                "", "--bind", "127.0.0.1", "-p", "0", "-b", seedAddress(), "-c", "p e2e-key hello_from_console");

        assertThat(put.exitCode()).as(put.toString()).isZero();
        assertThat(put.out()).containsPattern("Put: success, took .*\\. Value ID: [0-9a-f]+");
        // the seed, another node, stores it now
        assertThat(seed.storedValues().get(InfoHash.fromUserKey("e2e-key")))
                .extracting(v -> new String(v.data(), StandardCharsets.UTF_8))
                .containsExactly("hello_from_console");

        CliRun get = console("g e2e-key\n", "--bind", "127.0.0.1", "-p", "0", "-b", seedAddress());

        assertThat(get.exitCode()).as(get.toString()).isZero();
        assertThat(get.out())
                .contains("Using h(e2e-key) = " + InfoHash.fromUserKey("e2e-key"))
                .containsPattern("Get: found 1 value\\(s\\) after .* \\(total 1\\)")
                .containsPattern("\tValue\\[id:[0-9a-f]+ data\\(text/plain\\):\"hello_from_console\"]")
                .containsPattern("Get: completed, took .* \\(total 1\\)");
    }

    @Test
    void anIndexEntryInsertedFromOneConsoleIsFoundFromAnother() throws Exception {
        String value = InfoHash.fromUserKey("indexed").toString();
        CliRun insert =
                console("", "--bind", "127.0.0.1", "-p", "0", "-b", seedAddress(), "-c", "ii people alice " + value);
        assertThat(insert.exitCode()).as(insert.toString()).isZero();
        assertThat(insert.out()).contains("Pht::insert: done.");

        CliRun lookup = console("il people alice\n", "--bind", "127.0.0.1", "-p", "0", "-b", seedAddress());
        assertThat(lookup.exitCode()).as(lookup.toString()).isZero();
        assertThat(lookup.out()).contains("Pht::lookup: found entries!").contains(value);
    }

    @Test
    void jsonFromStdinShowsWhatAnotherNodePut() throws Exception {
        InfoHash key = InfoHash.fromUserKey("e2e-json");
        DhtRunner other = joined();
        long id = other.put(key, Value.of(0, 0, "from_the_other".getBytes(StandardCharsets.UTF_8), "text/plain"))
                .get(20, TimeUnit.SECONDS);

        CliRun run = console(
                "g e2e-json WHERE user_type=text/plain\nq e2e-json SELECT id\nbogus\n",
                "--bind",
                "127.0.0.1",
                "-p",
                "0",
                "-b",
                seedAddress(),
                "--json");

        List<JsonNode> events =
                run.out().lines().map(ConsoleEndToEndTest::parse).toList();
        assertThat(events.get(0).get("event").asText()).isEqualTo("node");
        JsonNode values = events.stream()
                .filter(e -> e.path("event").asText().equals("values"))
                .findFirst()
                .orElseThrow();
        assertThat(values.get("cmd").asInt()).isEqualTo(1);
        assertThat(values.get("values").get(0).get("id").asText()).isEqualTo(Long.toHexString(id));
        assertThat(values.get("values").get(0).get("text").asText()).isEqualTo("from_the_other");
        assertThat(events)
                .anySatisfy(e -> {
                    assertThat(e.path("event").asText()).isEqualTo("get");
                    assertThat(e.get("ok").asBoolean()).isTrue();
                })
                .anySatisfy(e -> {
                    assertThat(e.path("event").asText()).isEqualTo("rows");
                    assertThat(e.get("rows").get(0).get("id").asText()).isEqualTo(Long.toHexString(id));
                })
                .anySatisfy(e -> assertThat(e.path("message").asText()).contains("unknown command 'bogus'"));
        // the unknown command fails the script, after everything else ran
        assertThat(run.exitCode()).isEqualTo(1);
    }

    @Test
    void aListenHearsAPutFromAnotherNodeWhileTheScriptRuns() throws Exception {
        InfoHash key = InfoHash.fromUserKey("e2e-listen");
        DhtRunner other = joined();
        StringWriter out = new StringWriter();
        ScriptedStdin script = new ScriptedStdin()
                .line("l e2e-listen")
                .then(() -> {
                    other.put(key, Value.of(0, 0, "pushed".getBytes(StandardCharsets.UTF_8), "text/plain"))
                            .get(20, TimeUnit.SECONDS);
                    awaitOutput(out, "Listen: found 1 values");
                })
                .line("x");

        CliRun run = CliRun.carillon(
                new DhtCommand(DhtCommand.RUNNER, stdin(script)),
                out,
                new StringWriter(),
                "dht",
                "--bind",
                "127.0.0.1",
                "-p",
                "0",
                "-b",
                seedAddress());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out())
                .containsPattern("Listening, token: \\d+")
                .containsPattern(
                        "Listen: found 1 values \\(total 1\\)\n\tValue\\[id:[0-9a-f]+ data\\(text/plain\\):\"pushed\"]");
    }

    private static void awaitOutput(StringWriter out, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!out.toString().contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    @Test
    void aGetThatNoNodeAnswersFailsTheScript() throws Exception {
        int unused = FreePorts.udpPort();

        CliRun run = console(
                "", "--bind", "127.0.0.1", "-p", "0", "-b", "127.0.0.1:" + unused, "--timeout", "2s", "-c", "g lonely");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("Not connected to any node after 2 s; running the commands anyway");
        // The node still hopes to join through its bootstrap, so it holds the get (up to 30 s):
        // the script gives up first, unless closing the node fails the get before.
        assertThat(run.out() + run.err())
                .containsPattern("no result after 2 s, giving up|Get: failure, took .* \\(total 0\\)");
    }

    private static CliRun console(String stdin, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "dht";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.carillon(new DhtCommand(DhtCommand.RUNNER, stdin(new StringReader(stdin))), all);
    }

    static Stdin stdin(Reader reader) {
        return new Stdin() {
            @Override
            public boolean isTerminal() {
                return false;
            }

            @Override
            public Reader reader() {
                return reader;
            }
        };
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + line, e);
        }
    }
}
