package org.carillon.dht.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.carillon.dht.index.IndexConsole;
import org.carillon.dht.index.IndexStorage;
import org.carillon.dht.index.IndexValue;
import org.carillon.dht.index.KeySpec;
import org.carillon.dht.index.PrefixIndex;
import org.carillon.dht.interop.DhtnodeConsole.IndexEntryLine;
import org.carillon.dht.interop.DhtnodeConsole.IndexLookupResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Carillon's prefix-hash-tree index against dhtnode 2.4.12's ({@code ii}/{@code il}), on one
 * loopback network: dhtnodes A and B and a Carillon node C. Each index is written by one side and
 * read by the other; an index name is used by one test only (entries live 10 minutes).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PrefixIndexWithDhtnodeIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** What {@code il} prints, as opposed to the echo of the command and -v log lines. */
    private static final Pattern CONSOLE_LINE =
            Pattern.compile("^(Pht::|Prefix : |\tContent_|\tFlags_|   hash: |   entries:|      [0-9a-f]{40}\\[vid)|^$");

    private static DhtnodeProcess a;
    private static DhtnodeProcess b;
    private static DhtRunner c;
    private static IndexStorage storage;

    @BeforeAll
    static void startNetwork() throws IOException {
        InteropPeers.requireDhtnode();
        // -U: an index lookup is a burst of paginated gets (one request per value id) from
        // 127.0.0.1, beyond dhtnode's per-IP rate limit; the dropped pages are a search-layer
        // matter, not the index's, so these peers do not drop them
        a = DhtnodeProcess.start(DhtnodeProcess.options().name("A").noRateLimit());
        b = DhtnodeProcess.start(
                DhtnodeProcess.options().name("B").noRateLimit().bootstrap(a));
        c = DhtRunner.start(DhtConfig.defaults()
                .withPort(0)
                .withBindAddresses(List.of(Loopback.IPV4, Loopback.IPV6))
                .withBootstrap(List.of(a.address())));
        a.awaitRoutingTableContains(c.nodeId(), WAIT);
        a.awaitRoutingTableContains(b.nodeId(), WAIT);
        b.awaitRoutingTableContains(c.nodeId(), WAIT);
        storage = IndexStorage.of(c);
    }

    @AfterAll
    static void stopNetwork() {
        if (c != null) {
            c.close();
        }
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    private static Map<String, byte[]> key(String field, String value) {
        Map<String, byte[]> k = new LinkedHashMap<>();
        k.put(field, value.getBytes(StandardCharsets.UTF_8));
        return k;
    }

    private static InfoHash hashOf(String s) {
        return InfoHash.sha1(s.getBytes(StandardCharsets.UTF_8));
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void carillonFindsWhatDhtnodeInserted() throws Exception {
        assertThat(a.indexInsert("people", "name:alice", hashOf("alice"), WAIT)).isTrue();
        assertThat(a.indexInsert("people", "name:bob", hashOf("bob"), WAIT)).isTrue();

        try (PrefixIndex people = new PrefixIndex("people", KeySpec.of(Map.of("name", 5)), storage)) {
            assertThat(await(people.lookup(key("name", "alice"), true)))
                    .containsExactly(new IndexValue(hashOf("alice"), 0));
            assertThat(await(people.lookup(key("name", "bob"), true)))
                    .containsExactly(new IndexValue(hashOf("bob"), 0));
            assertThat(await(people.lookup(key("name", "al"), false)))
                    .containsExactly(new IndexValue(hashOf("alice"), 0));
            assertThat(await(people.lookup(key("name", "carol"), true))).isEmpty();
            assertThat(people.counters()).doesNotContainKeys("malformed-entry", "wrong-length-entry");
        }
    }

    @Test
    void dhtnodeFindsWhatCarillonInserted() throws Exception {
        // dhtnode takes the spec of the first key it sees for an index: "paris" gives {city: 5}
        try (PrefixIndex cities = new PrefixIndex("cities", KeySpec.of(Map.of("city", 5)), storage)) {
            await(cities.insert(key("city", "paris"), new IndexValue(hashOf("paris"), 7)));
            await(cities.insert(key("city", "oslo"), new IndexValue(hashOf("oslo"), 0)));
        }

        for (DhtnodeProcess node : List.of(a, b)) {
            // paris first: each dhtnode fixes an index's spec from the first key it sees for it
            IndexLookupResult paris = node.indexLookup("cities", "city:paris", true, WAIT);
            IndexLookupResult oslo = node.indexLookup("cities", "city:oslo", true, WAIT);
            IndexLookupResult closest = node.indexLookup("cities", "city:os", false, WAIT);

            assertThat(paris.done()).isTrue();
            assertThat(paris.entries()).as(node.toString()).containsExactly(new IndexEntryLine(hashOf("paris"), 7));
            assertThat(oslo.entries()).as(node.toString()).containsExactly(new IndexEntryLine(hashOf("oslo"), 0));
            assertThat(closest.entries()).as(node.toString()).containsExactly(new IndexEntryLine(hashOf("oslo"), 0));
        }
    }

    /** 12 entries from each side in one index: the root splits, and both sides still find all 24. */
    @Test
    void bothWritersShareOneTrieAcrossSplits() throws Exception {
        List<String> fromDhtnode = new ArrayList<>();
        List<String> fromCarillon = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            fromDhtnode.add("d" + (char) ('a' + i) + "x" + (char) ('z' - i));
            fromCarillon.add("c" + (char) ('z' - i) + "y" + (char) ('a' + i));
        }
        try (PrefixIndex words = new PrefixIndex("words", KeySpec.of(Map.of("w", 4)), storage)) {
            for (int i = 0; i < 12; i++) {
                assertThat(a.indexInsert("words", "w:" + fromDhtnode.get(i), hashOf(fromDhtnode.get(i)), WAIT))
                        .isTrue();
                await(words.insert(key("w", fromCarillon.get(i)), new IndexValue(hashOf(fromCarillon.get(i)), 0)));
            }
            Thread.sleep(3000); // entries follow the split through listens: let them arrive

            List<String> all = new ArrayList<>(fromDhtnode);
            all.addAll(fromCarillon);
            List<String> carillonMissed = new ArrayList<>();
            List<String> dhtnodeMissed = new ArrayList<>();
            for (String w : all) {
                IndexValue expected = new IndexValue(hashOf(w), 0);
                if (!await(words.lookup(key("w", w), true)).contains(expected)) {
                    carillonMissed.add(w);
                }
                if (!b.indexLookup("words", "w:" + w, true, WAIT)
                        .entries()
                        .contains(new IndexEntryLine(hashOf(w), 0))) {
                    dhtnodeMissed.add(w);
                }
            }
            if (!carillonMissed.isEmpty() || !dhtnodeMissed.isEmpty()) {
                fail("Carillon missed " + carillonMissed + ", dhtnode B missed " + dhtnodeMissed + ", index counters "
                        + words.counters() + "\n" + wordsTrie(all));
            }
        }
    }

    /**
     * For a failure message: canary counts and entries at every prefix of the words' keys, in the
     * words index's layout (spec {w: 4}: 5-byte keys; an entry's data holds its word at bytes 10-13).
     */
    private static String wordsTrie(List<String> words) throws Exception {
        StringBuilder sb = new StringBuilder();
        Set<InfoHash> seen = new HashSet<>();
        for (String w : words) {
            byte[] k = Arrays.copyOf(w.getBytes(StandardCharsets.UTF_8), 5);
            k[w.length()] = (byte) 0x80;
            for (int bits = 0; bits <= 8 * w.length(); bits++) {
                byte[] input = Arrays.copyOf(k, (bits + 7) / 8 + 1);
                if (bits % 8 != 0) {
                    input[bits / 8] &= (byte) (0xff << (8 - bits % 8));
                }
                input[input.length - 1] = (byte) bits;
                InfoHash node = InfoHash.sha1(input);
                if (!seen.add(node)) {
                    continue;
                }
                List<Value> values = await(c.get(node));
                long canaries = values.stream()
                        .filter(x -> x.userType().equals("index.pht.words.canary"))
                        .count();
                List<String> entries = values.stream()
                        .filter(x -> x.userType().equals("index.pht.words"))
                        .map(x -> new String(Arrays.copyOfRange(x.data(), 10, 14), StandardCharsets.UTF_8))
                        .toList();
                if (canaries > 0 || !entries.isEmpty()) {
                    sb.append(String.format(
                            "  %s/%d %s canaries:%d entries:%s%n",
                            w.substring(0, (bits + 7) / 8), bits, node, canaries, entries));
                }
            }
        }
        return sb.toString();
    }

    @Test
    void carillonsConsolePrintsWhatDhtnodePrints() throws Exception {
        assertThat(a.indexInsert("pets", "kind:cat", hashOf("cat"), WAIT)).isTrue();
        assertThat(a.indexInsert("pets", "kind:dog", hashOf("dog"), WAIT)).isTrue();

        try (IndexConsole console = new IndexConsole(storage)) {
            for (String command : List.of("il pets kind:cat", "il pets kind:do false", "il pets kind:cow")) {
                List<String> ours = await(console.execute(command));
                int mark = b.send(command);
                int end = b.awaitMatchAfter(mark, DhtnodeConsole.PHT_LOOKUP_DONE, WAIT)
                        .index();
                List<String> theirs = b.output().range(mark, end + 1).stream()
                        .filter(l -> CONSOLE_LINE.matcher(l).find())
                        .toList();
                assertThat(withoutTimings(ours)).as(command).isEqualTo(withoutTimings(theirs));
            }
        }
    }

    private static List<String> withoutTimings(List<String> lines) {
        return lines.stream().map(l -> l.replaceFirst(" took .*$", "")).toList();
    }
}
