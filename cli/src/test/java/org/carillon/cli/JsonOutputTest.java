package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.carillon.dht.InfoHash;
import org.carillon.dht.NodeMetrics;
import org.carillon.dht.SearchStatus;
import org.carillon.dht.Value;
import org.carillon.dht.wire.Family;
import org.carillon.dht.wire.NodeInfo;
import org.junit.jupiter.api.Test;

/** The shape of {@code --json}: one object per line, an event name, the command it answers. */
class JsonOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final InfoHash TESTKEY = InfoHash.fromUserKey("testkey");

    private final ConsoleHarness console = ConsoleHarness.json();

    private List<JsonNode> events() {
        return console.outLines().stream().map(JsonOutputTest::parse).toList();
    }

    @Test
    void everyLineIsOneJsonObjectAndNothingGoesToStderr() {
        console.node.routing4 = List.of(new NodeInfo(TESTKEY, new InetSocketAddress("127.0.0.1", 4301)));
        console.run(
                "p testkey hello",
                "g testkey",
                "q testkey SELECT id",
                "l testkey",
                "cl testkey 2",
                "ll",
                "lr",
                "ls",
                "ld",
                "ld testkey",
                "h",
                "log",
                "cc",
                "nope",
                "p",
                "g k WHERE bad=1",
                "pp k v",
                "cpp k 1");

        assertThat(console.err.toString()).isEmpty();
        assertThat(events()).allSatisfy(e -> assertThat(e.isObject()).isTrue());
        assertThat(events()).extracting(e -> e.get("event").asText()).doesNotContainNull();
    }

    @Test
    void eachEventNamesTheCommandItAnswers() {
        console.run("p testkey hello", "g testkey");
        List<JsonNode> events = events();

        assertThat(events)
                .extracting(e -> e.get("event").asText())
                .containsExactly("key", "put", "key", "values", "get");
        assertThat(events).extracting(e -> e.get("cmd").asInt()).containsExactly(1, 1, 2, 2, 2);
        assertThat(events).extracting(e -> e.get("verb").asText()).containsExactly("p", "p", "g", "g", "g");
    }

    @Test
    void putReportsKeyIdAndOutcome() {
        console.run("p testkey hello");
        JsonNode put = events().get(1);
        long id = console.node.store.get(TESTKEY).get(0).id();

        assertThat(fields(put)).containsExactly("cmd", "event", "id", "key", "ok", "permanent", "took_ms", "verb");
        assertThat(put.get("key").asText()).isEqualTo(TESTKEY.toString());
        assertThat(put.get("id").asText()).isEqualTo(Long.toHexString(id));
        assertThat(put.get("ok").asBoolean()).isTrue();
        assertThat(put.get("permanent").asBoolean()).isFalse();
        assertThat(put.get("took_ms").asDouble()).isEqualTo(0.25);
    }

    @Test
    void aFailureCarriesItsReason() {
        console.node.failOperations = true;
        console.run("g testkey");
        JsonNode done = events().get(1);

        assertThat(done.get("event").asText()).isEqualTo("get");
        assertThat(done.get("ok").asBoolean()).isFalse();
        assertThat(done.get("error").asText()).isEqualTo("get " + TESTKEY + ": no node answered");
    }

    @Test
    void valuesCarryEveryFieldTheyHaveWithDataInBase64() {
        byte[] owner = {1, 2, 3};
        Value signed = new Value(
                -1L,
                4,
                3,
                "héllo".getBytes(StandardCharsets.UTF_8),
                "text/plain",
                owner,
                TESTKEY,
                new byte[] {9},
                null,
                2);
        Value binary = Value.of(2, 0, new byte[] {0, (byte) 0xff});
        Value encrypted = Value.encrypted(3, new byte[] {7, 7});
        console.node.store.put(TESTKEY, List.of(signed, binary, encrypted));

        console.run("g " + TESTKEY);
        JsonNode values = events().get(0).get("values");

        assertThat(values).hasSize(3);
        JsonNode s = values.get(0);
        assertThat(fields(s))
                .containsExactly(
                        "data",
                        "decrypted",
                        "id",
                        "owner",
                        "priority",
                        "recipient",
                        "seq",
                        "signed",
                        "text",
                        "type",
                        "user_type");
        assertThat(s.get("signed").asBoolean()).isTrue();
        assertThat(s.get("decrypted").asBoolean()).isTrue();
        assertThat(s.get("id").asText()).isEqualTo("ffffffffffffffff");
        assertThat(s.get("text").asText()).isEqualTo("héllo");
        assertThat(Base64.getDecoder().decode(s.get("data").asText()))
                .isEqualTo("héllo".getBytes(StandardCharsets.UTF_8));
        assertThat(s.get("owner").asText()).isEqualTo(InfoHash.sha1(owner).toString());
        assertThat(s.get("recipient").asText()).isEqualTo(TESTKEY.toString());
        assertThat(s.get("seq").asInt()).isEqualTo(4);
        assertThat(s.get("type").asInt()).isEqualTo(3);
        assertThat(fields(values.get(1))).containsExactly("data", "id", "type");
        assertThat(values.get(1).get("data").asText()).isEqualTo("AP8=");
        assertThat(fields(values.get(2))).containsExactly("cypher", "encrypted", "id");
    }

    @Test
    void listenEventsSayWhetherValuesExpired() {
        console.run("l testkey", "p testkey one");
        console.node.expire(TESTKEY, console.node.store.get(TESTKEY));

        List<JsonNode> listen = events().stream()
                .filter(e -> e.get("cmd") != null && e.get("cmd").asInt() == 1)
                .toList();
        assertThat(listen)
                .extracting(e -> e.get("event").asText())
                .containsExactly("key", "listening", "values", "values");
        assertThat(listen.get(1).get("token").asLong()).isEqualTo(2);
        assertThat(listen.get(2).get("expired").asBoolean()).isFalse();
        assertThat(listen.get(2).get("total").asInt()).isEqualTo(1);
        assertThat(listen.get(3).get("expired").asBoolean()).isTrue();
        assertThat(listen.get(3).get("total").asInt()).isZero();
    }

    @Test
    void queryRowsNameTheirFields() {
        console.node.store.put(TESTKEY, List.of(Value.of(0xabcL, 0, new byte[0], "text/plain")));

        console.run("q testkey SELECT id,value_type,user_type");
        JsonNode rows = events().get(1);

        assertThat(rows.get("event").asText()).isEqualTo("rows");
        assertThat(rows.get("rows").get(0).get("id").asText()).isEqualTo("abc");
        assertThat(rows.get("rows").get(0).get("value_type").asInt()).isZero();
        assertThat(rows.get("rows").get(0).get("user_type").asText()).isEqualTo("text/plain");
        assertThat(events().get(2).get("rows").asInt()).isEqualTo(1);
    }

    @Test
    void nodeStateEvents() {
        console.node.metrics = new NodeMetrics(Map.of("ping", 3L), Map.of(), Map.of("martian", 1L), 1, 2, 30, 4, 0, 5);
        console.node.routing4 = List.of(new NodeInfo(TESTKEY, new InetSocketAddress("127.0.0.1", 4301)));
        console.node.searches = List.of(new SearchStatus(TESTKEY, Family.IPV6, 8, 7, true, 1, 2, 3, 2));
        console.node.store.put(TESTKEY, List.of(Value.of(1, 0, new byte[] {1})));

        console.run("ll", "lr", "ls", "ld");
        List<JsonNode> e = events();

        JsonNode info = e.get(0);
        assertThat(info.get("event").asText()).isEqualTo("node_info");
        assertThat(info.get("id").asText()).isEqualTo(FakeDhtNode.ID.toString());
        assertThat(info.get("ipv4").get("nodes").asInt()).isEqualTo(4);
        assertThat(info.get("ipv4").get("connected").asBoolean()).isTrue();
        assertThat(info.get("ipv6").get("searches").asInt()).isEqualTo(1);
        assertThat(info.get("ongoing_operations").asInt()).isEqualTo(6);
        assertThat(info.get("dropped").get("martian").asLong()).isEqualTo(1);
        assertThat(info.get("packets_in").get("ping").asLong()).isEqualTo(3);
        assertThat(e.get(1).get("ipv4").get(0).get("address").asText()).isEqualTo("127.0.0.1:4301");
        assertThat(e.get(2).get("searches").get(0).get("family").asText()).isEqualTo("ipv6");
        assertThat(e.get(2).get("searches").get(0).get("listens").asInt()).isEqualTo(3);
        assertThat(e.get(3).get("keys").get(0).get("count").asInt()).isEqualTo(1);
        assertThat(e.get(3).get("total_values").asInt()).isEqualTo(1);
    }

    @Test
    void errorsAreEventsInTheSameStream() {
        console.run("nope", "p onlykey", "g k WHERE id=x");
        List<JsonNode> e = events();

        assertThat(e.get(0).get("event").asText()).isEqualTo("error");
        assertThat(e.get(0).get("verb").asText()).isEqualTo("nope");
        assertThat(e.get(1).get("message").asText()).isEqualTo("expected 2 arguments, got 1. Syntax: p <key> <str>");
        assertThat(e.get(1).get("cmd").asInt()).isEqualTo(1);
        assertThat(e.get(e.size() - 1).get("message").asText()).startsWith("bad query at column 10");
    }

    @Test
    void helpListsEveryVerbWithItsSyntax() {
        console.run("h");
        JsonNode verbs = events().get(0).get("verbs");

        assertThat(verbs).hasSize(console.verbs.all().size());
        Set<String> names = new TreeSet<>();
        verbs.forEach(v -> names.add(v.get("name").asText()));
        assertThat(names)
                .contains(
                        "g", "l", "cl", "p", "pp", "cpp", "q", "ll", "ls", "ld", "lr", "b", "cc", "log", "x", "h", "ii",
                        "il");
    }

    private static Set<String> fields(JsonNode o) {
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + line, e);
        }
    }
}
