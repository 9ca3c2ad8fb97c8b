package org.carillon.dht.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.carillon.dht.InfoHash;
import org.carillon.dht.interop.DhtnodeConsole.IndexEntryLine;
import org.carillon.dht.interop.DhtnodeConsole.IndexLookupResult;
import org.junit.jupiter.api.Test;

/** The {@code il} output parser, on lines dhtnode 2.4.12 printed (index/dhtnode-pht-capture.txt). */
class DhtnodeIndexOutputTest {
    @Test
    void parsesALookupThatFoundEntries() {
        List<String> lines = List.of(
                "il people name:alice",
                "Pht::lookup: found entries!",
                "Prefix : ",
                "\tContent_ : \"01100000 0\"",
                "\tFlags_   : \"11100000 1\"",
                "",
                "   hash: 8123ab85d5035042e4cdf2a6786a683a0b80519a",
                "   entries:",
                "      0e398834536f1ca3d0ea2b04cd2800efe34ae004[vid: 0]",
                "[1700000000.123] some interleaved -v log line",
                "      e3da49ed864cc9d90c47a870da15e011f29972a9[vid: 1f]",
                "Pht::lookup: done. took 7.14 ms");

        IndexLookupResult r = DhtnodeConsole.parseIndexLookup(lines);

        assertThat(r.done()).isTrue();
        assertThat(r.leaf()).contains(InfoHash.fromHex("8123ab85d5035042e4cdf2a6786a683a0b80519a"));
        assertThat(r.entries())
                .containsExactly(
                        new IndexEntryLine(InfoHash.fromHex("0e398834536f1ca3d0ea2b04cd2800efe34ae004"), 0),
                        new IndexEntryLine(InfoHash.fromHex("e3da49ed864cc9d90c47a870da15e011f29972a9"), 0x1f));
    }

    @Test
    void parsesALookupThatFoundNothingOrFailed() {
        assertThat(DhtnodeConsole.parseIndexLookup(List.of("il people name:al", "Pht::lookup: done. took 4.89 ms")))
                .isEqualTo(new IndexLookupResult(true, java.util.Optional.empty(), List.of()));
        assertThat(DhtnodeConsole.parseIndexLookup(List.of("Pht::lookup: failed. took 10 s"))
                        .done())
                .isFalse();
        assertThatThrownBy(() -> DhtnodeConsole.parseIndexLookup(List.of("Pht::lookup: found entries!")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
