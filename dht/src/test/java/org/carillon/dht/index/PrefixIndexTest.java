package org.carillon.dht.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.carillon.dht.index.KeyLayoutTest.key;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.carillon.dht.DhtException;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.carillon.dht.index.DhtnodeCapture.Command;
import org.junit.jupiter.api.Test;

/** The trie's insert, split and lookup on an in-memory DHT. */
class PrefixIndexTest {
    private static final KeySpec PEOPLE_SPEC = KeySpec.of(Map.of("name", 5));
    private static final InfoHash ROOT = InfoHash.sha1(new byte[] {0});

    private final FakeClock clock = new FakeClock();
    private final FakeIndexStorage dht = new FakeIndexStorage(clock, 42);

    private PrefixIndex index(String name, KeySpec spec) {
        return new PrefixIndex(name, spec, dht, clock, new SplittableRandom(7));
    }

    private static IndexValue value(String seed) {
        return new IndexValue(InfoHash.sha1(seed.getBytes(StandardCharsets.UTF_8)), 0);
    }

    private List<IndexValue> lookup(PrefixIndex index, String field, String text, boolean exact) {
        return dht.await(index.lookup(key(field, text), exact));
    }

    @Test
    void theFirstEntryGoesToTheRootBesideACanary() {
        PrefixIndex people = index("people", PEOPLE_SPEC);

        dht.await(people.insert(key("name", "alice"), value("a")));

        List<Value> atRoot = dht.values(ROOT);
        assertThat(atRoot)
                .extracting(Value::userType)
                .containsExactlyInAnyOrder("index.pht.people", "index.pht.people.canary");
        Value entry = atRoot.stream()
                .filter(v -> v.userType().equals("index.pht.people"))
                .findFirst()
                .orElseThrow();
        assertThat(IndexEntryCodec.decode(entry.data()))
                .contains(new IndexEntry(new byte[] {0x61, 0x6c, 0x69, 0x63, 0x65, (byte) 0x80}, value("a")));
        assertThat(entry.type()).isZero();
        assertThat(lookup(people, "name", "alice", true)).containsExactly(value("a"));
        assertThat(lookup(people, "name", "bob", true)).isEmpty();
    }

    /**
     * The 24 {@code ii} commands of the capture, replayed here: each entry ends up at the same keys
     * as dhtnode put it (root split after 16, entries following the split).
     */
    @Test
    void replayingDhtnodesInsertsBuildsTheSameTrie() {
        DhtnodeCapture capture = DhtnodeCapture.load();
        Map<String, PrefixIndex> indexes = new HashMap<>();
        for (Command c : capture.commands("ii")) {
            String[] w = c.line().split(" ");
            if (!c.output().contains("Pht::insert: done.")) {
                continue;
            }
            Map<String, byte[]> k = IndexConsole.parseKey(w[2]);
            PrefixIndex index = indexes.computeIfAbsent(w[1], n -> index(n, KeySpec.fittingKey(k)));
            dht.await(index.insert(k, new IndexValue(InfoHash.fromHex(w[3]), 0)));
        }
        dht.settle();

        assertThat(entriesByKey(dht.keys(), dht::values))
                .isEqualTo(entriesByKey(
                        capture.values().keySet(), k -> capture.values().get(k)));
        assertThat(indexes.get("people").counters()).containsKey(IndexCounters.REINSERTED);
    }

    /** Key → the indexed values of the entries stored there. */
    private static Map<InfoHash, Set<String>> entriesByKey(Set<InfoHash> keys, Function<InfoHash, List<Value>> values) {
        Map<InfoHash, Set<String>> out = new TreeMap<>();
        for (InfoHash k : keys) {
            Set<String> entries = new TreeSet<>();
            for (Value v : values.apply(k)) {
                if (v.userType().startsWith("index.pht.") && !v.userType().endsWith(".canary")) {
                    entries.add(v.userType() + " "
                            + IndexEntryCodec.decode(v.data()).orElseThrow().value());
                }
            }
            if (!entries.isEmpty()) {
                out.put(k, entries);
            }
        }
        return out;
    }

    @Test
    void everyInsertedKeyIsFoundAgainAfterManySplits() {
        KeySpec spec = KeySpec.of(Map.of("word", 6));
        PrefixIndex words = index("words", spec);
        SplittableRandom random = new SplittableRandom(3);
        Map<String, IndexValue> inserted = new LinkedHashMap<>();
        while (inserted.size() < 200) {
            StringBuilder w = new StringBuilder();
            int length = 1 + random.nextInt(6);
            for (int i = 0; i < length; i++) {
                w.append((char) ('a' + random.nextInt(26)));
            }
            inserted.computeIfAbsent(w.toString(), PrefixIndexTest::value);
        }
        for (Map.Entry<String, IndexValue> e : inserted.entrySet()) {
            dht.await(words.insert(key("word", e.getKey()), e.getValue()));
        }
        dht.settle();

        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, IndexValue> e : inserted.entrySet()) {
            if (!lookup(words, "word", e.getKey(), true).equals(List.of(e.getValue()))) {
                missing.add(e.getKey());
            }
        }
        assertThat(missing).isEmpty();
        long nodes = dht.keys().stream()
                .filter(k -> dht.values(k).stream().anyMatch(v -> v.userType().equals("index.pht.words.canary")))
                .count();
        assertThat(nodes).as("trie nodes (keys with a canary)").isGreaterThan(20);
    }

    @Test
    void anInexactLookupFindsTheClosestKeys() {
        PrefixIndex people = index("people", PEOPLE_SPEC);
        for (String name : List.of("alice", "bob", "carol", "zoe")) {
            dht.await(people.insert(key("name", name), value(name)));
        }

        assertThat(lookup(people, "name", "al", false)).containsExactly(value("alice"));
        assertThat(lookup(people, "name", "zz", false)).containsExactly(value("zoe"));
        assertThat(lookup(people, "name", "al", true)).isEmpty();
    }

    @Test
    void anEmptyFieldValueIsAKeyLikeAnyOther() {
        PrefixIndex people = index("people", PEOPLE_SPEC);
        dht.await(people.insert(key("name", ""), value("nobody")));
        dht.await(people.insert(key("name", "a"), value("a")));

        assertThat(lookup(people, "name", "", true)).containsExactly(value("nobody"));
        assertThat(lookup(people, "name", "a", true)).containsExactly(value("a"));
    }

    @Test
    void theSameIndexedValueIsReportedOnce() {
        PrefixIndex people = index("people", PEOPLE_SPEC);
        dht.await(people.insert(key("name", "alice"), value("a")));
        dht.await(people.insert(key("name", "alice"), value("a")));
        dht.await(people.insert(key("name", "alice"), value("b")));

        assertThat(lookup(people, "name", "alice", true)).containsExactly(value("a"), value("b"));
    }

    @Test
    void garbageAtIndexKeysIsSkippedAndCounted() {
        PrefixIndex people = index("people", PEOPLE_SPEC);
        dht.await(people.insert(key("name", "alice"), value("a")));
        byte[] otherLayout = IndexEntryCodec.encode(new IndexEntry(new byte[] {1, 2, 3}, value("x")));
        dht.plant(ROOT, Value.of(101, 0, new byte[] {(byte) 0xc1, 0, 1}, "index.pht.people")); // no msgpack
        dht.plant(ROOT, Value.of(102, 0, new byte[0], "index.pht.people")); // a canary's empty data
        dht.plant(ROOT, Value.of(103, 0, otherLayout, "index.pht.people")); // 3-byte key
        dht.plant(ROOT, Value.of(104, 5, "junk".getBytes(StandardCharsets.UTF_8), "text/plain"));
        dht.plant(ROOT, Value.encrypted(105, new byte[64]));
        byte[] foreign = IndexEntryCodec.encode(
                new IndexEntry(new byte[] {0x61, 0x6c, 0x69, 0x63, 0x65, (byte) 0x80}, value("evil")));
        dht.plant(ROOT, Value.of(106, 0, foreign, "index.pht.peoplex")); // OpenDHT would read this one

        assertThat(lookup(people, "name", "alice", true)).containsExactly(value("a"));
        assertThat(lookup(people, "name", "alic", false)).containsExactly(value("a"));
        assertThat(people.counters())
                .containsEntry(IndexCounters.MALFORMED_ENTRY, 4L)
                .containsEntry(IndexCounters.WRONG_LENGTH_ENTRY, 2L);
    }

    @Test
    void canariesPlantedOnEveryPrefixCannotTrapTheSearch() {
        PrefixIndex people = index("people", PEOPLE_SPEC);
        dht.await(people.insert(key("name", "alice"), value("a")));
        Prefix alice = new KeyLinearizer(PEOPLE_SPEC).linearize(key("name", "alice"));
        long id = 1000;
        for (int bits = 0; bits < alice.contentBits(); bits++) {
            dht.plant(alice.truncate(bits).key(), Value.of(id++, 0, new byte[0], "index.pht.people.canary"));
        }
        int before = dht.getCount();

        assertThat(lookup(people, "name", "alice", true)).containsExactly(value("a"));
        assertThat(dht.getCount() - before).as("reads of one search").isLessThan(2 * 16);
    }

    @Test
    void anUnreachableNodeFailsTheOperationNotTheCaller() {
        PrefixIndex people = index("people", PEOPLE_SPEC);
        dht.await(people.insert(key("name", "alice"), value("a")));
        dht.makeUnreachable(ROOT);
        Prefix bob = new KeyLinearizer(PEOPLE_SPEC).linearize(key("name", "bob"));
        for (int bits = 1; bits < bob.contentBits(); bits++) {
            dht.makeUnreachable(bob.truncate(bits).key());
        }

        assertThatThrownBy(() -> lookup(people, "name", "bob", true))
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(DhtException.class);
        assertThatThrownBy(() -> dht.await(people.insert(key("name", "bob"), value("b"))))
                .hasCauseInstanceOf(DhtException.class);
    }

    @Test
    void aKeyOutsideTheSpecIsRefusedAtOnce() {
        PrefixIndex people = index("people", PEOPLE_SPEC);

        assertThatThrownBy(() -> people.insert(key("name", "toolongname"), value("x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Key does not match the PHT key spec.");
        assertThatThrownBy(() -> people.lookup(key("nick", "x"), true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void entriesLiveTenMinutesAsOpenDhtsUserData() {
        PrefixIndex people = index("people", PEOPLE_SPEC);
        dht.await(people.insert(key("name", "alice"), value("a")));

        clock.advance(Duration.ofMinutes(9));
        assertThat(lookup(people, "name", "alice", true)).containsExactly(value("a"));
        clock.advance(Duration.ofMinutes(2));
        assertThat(lookup(people, "name", "alice", true)).isEmpty();
    }

    @Test
    void anEntryIsNotMovedDownAfterItExpired() {
        PrefixIndex people = index("people", PEOPLE_SPEC);
        List<String> first = List.of("alice", "bob", "carol", "dave", "eve", "frank", "grace", "heidi");
        for (String name : first) {
            dht.await(people.insert(key("name", name), value(name)));
        }
        clock.advance(Duration.ofMinutes(11)); // the first entries are gone; their split watches too
        for (String name : List.of("ivan", "judy", "mallo", "niaj", "olivi", "peggy", "rupe", "sybil", "trent")) {
            dht.await(people.insert(key("name", name), value(name)));
        }
        dht.settle();

        assertThat(people.counters().getOrDefault(IndexCounters.REINSERTED, 0L)).isZero();
        assertThat(lookup(people, "name", "alice", true)).isEmpty();
        assertThat(lookup(people, "name", "trent", true)).containsExactly(value("trent"));
    }

    @Test
    void theCacheLetsTheNextSearchStartAtTheKnownDepth() {
        PrefixIndex people = index("people", PEOPLE_SPEC);
        for (String name : List.of(
                "alice", "bob", "carol", "dave", "eve", "frank", "grace", "heidi", "ivan", "judy", "mallo", "niaj",
                "olivi", "peggy", "rupe", "sybil", "trent")) {
            dht.await(people.insert(key("name", name), value(name)));
        }
        dht.settle();
        PrefixIndex cold = index("people", PEOPLE_SPEC);

        int before = dht.getCount();
        assertThat(lookup(cold, "name", "carol", true)).containsExactly(value("carol"));
        int coldReads = dht.getCount() - before;
        before = dht.getCount();
        assertThat(lookup(cold, "name", "carol", true)).containsExactly(value("carol"));
        int warmReads = dht.getCount() - before;

        assertThat(warmReads).as("reads with the leaf cached").isEqualTo(2).isLessThan(coldReads);
    }

    @Test
    void closingStopsTheSplitListens() {
        PrefixIndex people = index("people", PEOPLE_SPEC);
        dht.await(people.insert(key("name", "alice"), value("a")));
        dht.await(people.insert(key("name", "bob"), value("b")));
        assertThat(dht.openListens()).isEqualTo(2);

        people.close();

        assertThat(dht.openListens()).isZero();
    }
}
