package org.carillon.dht.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.carillon.dht.index.DhtnodeCapture.Command;
import org.junit.jupiter.api.Test;

/**
 * Carillon against a trie that real dhtnode 2.4.12 wrote: 20 {@code ii} into a one-field index
 * (so its root split) and 4 into a two-field one, then {@code il} lookups, exact and inexact. The
 * stored values were read back with python3-opendht; the fake DHT here holds exactly them.
 */
class DhtnodeCaptureTest {
    private static final DhtnodeCapture CAPTURE = DhtnodeCapture.load();

    /** The index each captured command names, with the spec dhtnode derived from its first key. */
    private static KeyLinearizer linearizerFor(String index) {
        Command first = CAPTURE.commands().stream()
                .filter(c -> c.line().split(" ")[1].equals(index))
                .findFirst()
                .orElseThrow();
        return new KeyLinearizer(
                KeySpec.fittingKey(IndexConsole.parseKey(first.line().split(" ")[2])));
    }

    private static List<Prefix> insertedKeys() {
        List<Prefix> keys = new ArrayList<>();
        for (Command c : CAPTURE.commands("ii")) {
            String[] w = c.line().split(" ");
            if (c.output().contains("Pht::insert: done.")) {
                keys.add(linearizerFor(w[1]).linearize(IndexConsole.parseKey(w[2])));
            }
        }
        return keys;
    }

    @Test
    void everyKeyDhtnodeWroteIsANodeOrSiblingOfAnInsertedKey() {
        Set<InfoHash> nodes = new HashSet<>();
        Set<InfoHash> siblings = new HashSet<>();
        for (Prefix key : insertedKeys()) {
            for (int bits = 0; bits < key.contentBits(); bits++) {
                nodes.add(key.truncate(bits).key());
                siblings.add(key.truncate(bits).sibling().key());
            }
        }
        assertThat(insertedKeys()).hasSize(24);
        assertThat(CAPTURE.values()).hasSizeGreaterThanOrEqualTo(8);
        int siblingOnly = 0;
        for (Map.Entry<InfoHash, List<Value>> e : CAPTURE.values().entrySet()) {
            InfoHash k = e.getKey();
            assertThat(nodes.contains(k) || siblings.contains(k))
                    .as("key %s explained", k)
                    .isTrue();
            if (!nodes.contains(k)) {
                siblingOnly++;
                assertThat(e.getValue())
                        .as("only canaries at sibling key %s", k)
                        .allMatch(v -> v.userType().endsWith(".canary"));
            }
        }
        assertThat(siblingOnly).as("keys only the quirky sibling explains").isGreaterThanOrEqualTo(3);
    }

    @Test
    void everyEntryDhtnodeWroteSitsOnItsOwnKeysPath() {
        int entries = 0;
        for (Map.Entry<InfoHash, List<Value>> e : CAPTURE.values().entrySet()) {
            for (Value v : e.getValue()) {
                if (!v.userType().startsWith("index.pht.") || v.userType().endsWith(".canary")) {
                    continue;
                }
                entries++;
                Prefix full = IndexEntryCodec.decode(v.data()).orElseThrow().fullPrefix();
                boolean onPath = false;
                for (int bits = 0; bits < full.contentBits() && !onPath; bits++) {
                    onPath = full.truncate(bits).key().equals(e.getKey());
                }
                assertThat(onPath).as("entry %s at %s", v, e.getKey()).isTrue();
            }
        }
        assertThat(entries).isGreaterThanOrEqualTo(24);
    }

    @Test
    void carillonsConsolePrintsWhatDhtnodePrintedForEveryLookup() {
        FakeClock clock = new FakeClock();
        FakeIndexStorage storage = CAPTURE.toStorage(clock);
        List<Command> lookups = CAPTURE.commands("il");
        assertThat(lookups).hasSizeGreaterThanOrEqualTo(30);
        int withEntries = 0;
        try (IndexConsole console = new IndexConsole(storage)) {
            for (Command c : lookups) {
                List<String> ours = storage.await(console.execute(c.line()));
                assertThat(withoutTimings(ours)).as(c.line()).isEqualTo(withoutTimings(c.output()));
                if (c.output().contains("Pht::lookup: found entries!")) {
                    withEntries++;
                }
            }
        }
        assertThat(withEntries).as("lookups that found something").isGreaterThanOrEqualTo(26);
    }

    @Test
    void carillonsConsoleRefusesWhatDhtnodeRefused() {
        FakeIndexStorage storage = CAPTURE.toStorage(new FakeClock());
        try (IndexConsole console = new IndexConsole(storage)) {
            storage.await(console.execute("il people name:alice")); // gives the index dhtnode's spec
            for (Command c : CAPTURE.commands("ii")) {
                if (!c.output().contains("Pht::insert: done.")) {
                    assertThat(storage.await(console.execute(c.line())))
                            .as(c.line())
                            .isEqualTo(c.output());
                }
            }
        }
    }

    private static List<String> withoutTimings(List<String> lines) {
        return lines.stream().map(l -> l.replaceFirst(" took .*$", "")).toList();
    }
}
