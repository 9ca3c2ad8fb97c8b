package org.carillon.dht.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** dhtnode's {@code ii}/{@code il} console verbs, as {@link IndexConsole} offers them to a console. */
class IndexConsoleTest {
    private static final String ALICE = "0e398834536f1ca3d0ea2b04cd2800efe34ae004";
    private static final String BOB = "e3da49ed864cc9d90c47a870da15e011f29972a9";

    private final FakeIndexStorage dht = new FakeIndexStorage(new FakeClock(), 5);
    private final IndexConsole console = new IndexConsole(dht);

    private List<String> run(String line) {
        return dht.await(console.execute(line));
    }

    @Test
    void keysAreParsedAsDhtnodesParseStringMap() {
        assertThat(IndexConsole.parseStringMap("name:alice")).isEqualTo(Map.of("name", "alice"));
        assertThat(IndexConsole.parseStringMap("lon:345,lat:12")).isEqualTo(Map.of("lat", "12", "lon", "345"));
        assertThat(IndexConsole.parseStringMap("a:1:b")).isEqualTo(Map.of("a", "1", "b", "1"));
        assertThat(IndexConsole.parseStringMap("a:1:b:")).isEqualTo(Map.of("a", "1", "b", ""));
        assertThat(IndexConsole.parseStringMap("a")).isEqualTo(Map.of("a", ""));
        assertThat(IndexConsole.parseStringMap("a:")).isEqualTo(Map.of("a", ""));
        assertThat(IndexConsole.parseStringMap(":x")).isEqualTo(Map.of("", "x"));
        assertThat(IndexConsole.parseStringMap("a:1,,b:2,")).isEqualTo(Map.of("a", "1", "b", "2"));
        assertThat(IndexConsole.parseStringMap("a:1,a:2")).isEqualTo(Map.of("a", "2"));
        assertThat(IndexConsole.parseStringMap("")).isEmpty();
    }

    @Test
    void insertThenLookupPrintsWhatDhtnodePrints() {
        assertThat(run("ii people name:alice " + ALICE)).containsExactly("Pht::insert: done.");
        assertThat(run("ii people name:bob " + BOB)).containsExactly("Pht::insert: done.");

        List<String> out = run("il people name:alice");

        assertThat(out.subList(0, out.size() - 1))
                .containsExactly(
                        "Pht::lookup: found entries!",
                        "Prefix : ",
                        "\tContent_ : \"\"",
                        "\tFlags_   : \"\"",
                        "",
                        "   hash: 5ba93c9db0cff93f52b521d7420e43f6eda2784f",
                        "   entries:",
                        "      " + ALICE + "[vid: 0]");
        assertThat(out.get(out.size() - 1)).matches("Pht::lookup: done\\. took [0-9.]+ (us|ms|s)");
    }

    @Test
    void nothingFoundPrintsOnlyDone() {
        run("ii people name:alice " + ALICE);

        assertThat(run("il people name:al")).singleElement().asString().startsWith("Pht::lookup: done.");
        assertThat(run("il people name:al false")).contains("      " + ALICE + "[vid: 0]");
        assertThat(run("il people name:al true")).hasSize(1); // anything but "false" is exact
    }

    @Test
    void theFirstCommandFixesTheIndexsKeySpec() {
        assertThat(run("il people name:bob")).hasSize(1); // creates "people" with {name: 3}

        assertThat(run("ii people name:alice " + ALICE)).containsExactly("Key does not match the PHT key spec.");
        assertThat(run("ii people name:eve " + ALICE)).containsExactly("Pht::insert: done.");
        assertThat(run("il people nick:eve")).containsExactly("Key does not match the PHT key spec.");
    }

    @Test
    void badArgumentsGetDhtnodesMessages() {
        assertThat(run("ii")).containsExactly("You must enter the index name.");
        assertThat(run("ii people name:amy nothex")).containsExactly("Syntax error: invalid InfoHash.");
        assertThat(run("ii people name:amy " + ALICE.substring(1))).containsExactly("Syntax error: invalid InfoHash.");
        assertThat(run("ii people name:amy " + "0".repeat(40))).containsExactly("Syntax error: invalid InfoHash.");
        assertThat(run("ii people name:amy " + ALICE + "trailing")).containsExactly("Pht::insert: done.");
        assertThat(run("il other")).singleElement().asString().startsWith("The key must have at least one field");
        assertThat(run("ii big name:" + "x".repeat(KeySpec.MAX_FIELD_LENGTH + 1) + " " + ALICE))
                .singleElement()
                .asString()
                .startsWith("Invalid key: ");
        assertThatThrownBy(() -> console.execute("g somekey")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aConsoleCreatesABoundedNumberOfIndexes() {
        for (int i = 0; i < IndexConsole.MAX_INDEXES; i++) {
            assertThat(run("il index" + i + " k:v")).hasSize(1);
        }
        assertThat(run("il one-more k:v")).containsExactly("Too many indexes (" + IndexConsole.MAX_INDEXES + ").");
        assertThat(run("il index7 k:v")).hasSize(1); // existing ones still work
    }

    @Test
    void aFailedLookupIsReportedAsDhtnodeDoes() {
        run("ii people name:alice " + ALICE);
        dht.makeUnreachable(org.carillon.dht.InfoHash.sha1(new byte[] {0}));
        Prefix bob = new KeyLinearizer(KeySpec.of(Map.of("name", 5))).linearize(KeyLayoutTest.key("name", "bob"));
        for (int bits = 1; bits < bob.contentBits(); bits++) {
            dht.makeUnreachable(bob.truncate(bits).key());
        }

        assertThat(run("il people name:bob")).singleElement().asString().startsWith("Pht::lookup: failed.");
        assertThat(run("ii people name:bob " + BOB)).containsExactly("Pht::insert: failed.");
    }

    @Test
    void durationsHaveThreeSignificantDigits() {
        assertThat(IndexConsole.duration(Duration.ofNanos(7_140_000))).isEqualTo("7.14 ms");
        assertThat(IndexConsole.duration(Duration.ofNanos(90_300))).isEqualTo("90.3 us");
        assertThat(IndexConsole.duration(Duration.ofMillis(1160))).isEqualTo("1.16 s");
    }
}
