package org.carillon.dht.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.carillon.dht.InfoHash;
import org.carillon.dht.interop.DhtnodeConsole.ConsoleValue;
import org.carillon.dht.interop.DhtnodeConsole.GetResult;
import org.carillon.dht.interop.DhtnodeConsole.ListenEvent;
import org.carillon.dht.interop.DhtnodeConsole.NodeStats;
import org.carillon.dht.interop.DhtnodeConsole.QueryResult;
import org.carillon.dht.interop.DhtnodeConsole.RoutingTables;
import org.junit.jupiter.api.Test;

/** The console parsers, on output captured from dhtnode 2.4.12. */
class DhtnodeConsoleTest {
    private static final String A = "9d17bdd9cece2fd3723dd89d76fd49feca908ec4";
    private static final String B = "03d4feca345d9cc99e0f33c6d179f6a5dc2e7640";

    @Test
    void stripsPrompts() {
        assertThat(DhtnodeConsole.stripPrompts(">> >> Get: found 1 value(s) after 177 us (total 1)"))
                .isEqualTo("Get: found 1 value(s) after 177 us (total 1)");
        assertThat(DhtnodeConsole.stripPrompts(">> ")).isEmpty();
        assertThat(DhtnodeConsole.stripPrompts("\tValue[id:1 data:00]")).isEqualTo("\tValue[id:1 data:00]");
        // a prompt redrawn while a callback prints lands in the middle of its line (seen in CI)
        assertThat(DhtnodeConsole.stripPrompts("Get: found >> 1 value(s) after 71.3 us (total 1)"))
                .isEqualTo("Get: found 1 value(s) after 71.3 us (total 1)");
        // or torn apart (seen in CI too)
        assertThat(DhtnodeConsole.stripPrompts("Get: found >1 value(s) after > 63.3 us (total 1)"))
                .isEqualTo("Get: found 1 value(s) after 63.3 us (total 1)");
        assertThat(DhtnodeConsole.stripPrompts(" >Get: completed, took 1.31 ms (total 1)>"))
                .isEqualTo("Get: completed, took 1.31 ms (total 1)");
        assertThat(DhtnodeConsole.stripPrompts(">\tValue[id:1 data(text/plain):\"x\"]"))
                .isEqualTo("\tValue[id:1 data(text/plain):\"x\"]");
        // a log line's arrow is not a prompt
        assertThat(DhtnodeConsole.stripPrompts("put: adding f5 -> Value[id:1]"))
                .isEqualTo("put: adding f5 -> Value[id:1]");
        // indents of the lines that have them are kept
        assertThat(DhtnodeConsole.stripPrompts(">   hash: 00")).isEqualTo("   hash: 00");
        assertThat(DhtnodeConsole.stripPrompts("      0000[vid: 1]")).isEqualTo("      0000[vid: 1]");
        // even inside a value's text (the tests' values never hold a '>')
        assertThat(DhtnodeConsole.stripPrompts("\tValue[id:5eed data(text/plain):\"original>\"]"))
                .isEqualTo("\tValue[id:5eed data(text/plain):\"original\"]");
    }

    @Test
    void parsesValues() {
        ConsoleValue text = ConsoleValue.parse("\tValue[id:d3af92ff9ca7920e data(text/plain):\"hello_from_A\"]")
                .orElseThrow();
        assertThat(text.idHex()).isEqualTo("d3af92ff9ca7920e");
        assertThat(text.id()).isEqualTo(Long.parseUnsignedLong("d3af92ff9ca7920e", 16));
        assertThat(text.userType()).isEqualTo("text/plain");
        assertThat(text.text()).isEqualTo("hello_from_A");
        assertThat(text.signed()).isFalse();

        ConsoleValue bin = ConsoleValue.parse("\tValue[id:abc data:000102fe]").orElseThrow();
        assertThat(bin.userType()).isEmpty();
        assertThat(bin.hexData()).containsExactly(0, 1, 2, 0xfe);

        ConsoleValue signed = ConsoleValue.parse(
                        "\tValue[id:110a22b8080d08bf signed (v0) decrypted data(text/plain):\"secret_for_E\"]")
                .orElseThrow();
        assertThat(signed.signed()).isTrue();
        assertThat(signed.decrypted()).isTrue();
        assertThat(signed.text()).isEqualTo("secret_for_E");

        ConsoleValue encrypted = ConsoleValue.parse("\tValue[id:1 encrypted ]").orElseThrow();
        assertThat(encrypted.encrypted()).isTrue();
        assertThat(encrypted.hasData()).isFalse();

        assertThat(ConsoleValue.parse("[000430.290767] put: adding 913a -> Value[id:d3 data(text/plain):\"x\"]"))
                .isEmpty();
    }

    @Test
    void parsesAGetInterleavedWithAListen() {
        List<String> lines = List.of(
                "g testkey",
                "Using h(testkey) = 913a73b565c8e2c8ed94497580f619397709b8b6",
                "Get: found 1 value(s) after 177 us (total 1)",
                "\tValue[id:d3af92ff9ca7920e data(text/plain):\"hello_from_A\"]",
                "Listen: found 1 values (total 1)",
                "\tValue[id:aa data(text/plain):\"other\"]",
                "[000432.291022] [search 913a IPv6] no nodes from cache while refilling search",
                "Get: completed, took 346 us (total 1)");
        GetResult get = DhtnodeConsole.parseGet(lines);
        assertThat(get.completed()).isTrue();
        assertThat(get.texts()).containsExactly("hello_from_A");
        assertThat(get.duration()).isEqualTo("346 us");

        List<ListenEvent> events = DhtnodeConsole.parseListenEvents(lines, 100);
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.expired()).isFalse();
            assertThat(e.total()).isEqualTo(1);
            assertThat(e.index()).isEqualTo(104);
            assertThat(e.values()).extracting(ConsoleValue::text).containsExactly("other");
        });
    }

    @Test
    void listenEventsWaitForAllTheirValues() {
        List<String> partial =
                List.of("Listen: found 2 values expired (total 0)", "\tValue[id:1 data(text/plain):\"a\"]");
        assertThat(DhtnodeConsole.parseListenEvents(partial, 0)).isEmpty();
        List<String> full = List.of(
                "Listen: found 2 values expired (total 0)",
                "\tValue[id:1 data(text/plain):\"a\"]",
                "\tValue[id:2 data(text/plain):\"b\"]");
        assertThat(DhtnodeConsole.parseListenEvents(full, 0))
                .singleElement()
                .satisfies(e -> assertThat(e.expired()).isTrue());
    }

    @Test
    void parsesRoutingTables() {
        RoutingTables t = DhtnodeConsole.parseRoutingTables(List.of(
                "lr",
                "IPv4 routing table:",
                "0000000000000000000000000000000000000000 count: 2 updated: now",
                "    Node " + A + " 127.0.0.1:14301 updated: now [good]",
                "    Node " + B + " 127.0.0.1:14302 updated: 2.1 s ago, replied: 5 s ago",
                "[000430.290962] [node " + A + " 127.0.0.1:14301] sending [find 9d17] for neighborhood maintenance",
                "",
                "IPv6 routing table:",
                "0000000000000000000000000000000000000000 count: 1 updated: never",
                "    Node " + A + " [::1]:14301 updated: 3 s ago [expired]"));
        assertThat(t.ipv4()).hasSize(2);
        assertThat(t.ipv4().get(0).good()).isTrue();
        assertThat(t.ipv4().get(0).address()).isEqualTo("127.0.0.1:14301");
        assertThat(t.ipv4().get(1).good()).isFalse();
        assertThat(t.ipv6()).singleElement().satisfies(e -> {
            assertThat(e.expired()).isTrue();
            assertThat(e.address()).isEqualTo("[::1]:14301");
        });
        assertThat(t.nodeIds()).containsExactly(InfoHash.fromHex(A), InfoHash.fromHex(B));
    }

    @Test
    void parsesNodeStats() {
        NodeStats s = DhtnodeConsole.parseNodeStats(List.of(
                "ll",
                "OpenDHT node " + B + " running on port 14302",
                "1 ongoing operations",
                "Storage has 3 values, using 0 KB",
                "IPv4 stats:",
                "Known nodes: 1 good, 2 dubious, 3 incoming.",
                "1 searches, 1 total cached nodes",
                "",
                "IPv6 stats:",
                "Known nodes: 0 good, 0 dubious, 0 incoming.",
                "1 searches, 0 total cached nodes"));
        assertThat(s).isEqualTo(new NodeStats(InfoHash.fromHex(B), 1, 3, 1, 2, 3, 0, 0, 0));
    }

    @Test
    void parsesNodeStatsWhenTheLogThreadWroteAPrefixIntoAConsoleLine() {
        NodeStats s = DhtnodeConsole.parseNodeStats(List.of(
                "ll",
                "[OpenDHT node " + B + " running on port 14302",
                "1763934624.123456] [node] some log line",
                "1 ongoing operations",
                "[1763934624.123457] Storage has 3 values, using 0 KB",
                "IPv4 stats:",
                "[Known nodes: 1 good, 2 dubious, 3 incoming.",
                "IPv6 stats:",
                "Known nodes: 0 good, 0 dubious, 0 incoming."));
        assertThat(s).isEqualTo(new NodeStats(InfoHash.fromHex(B), 1, 3, 1, 2, 3, 0, 0, 0));
    }

    @Test
    void parsesTheRunningLine() {
        var m = DhtnodeConsole.RUNNING.matcher("OpenDHT node " + A + " running on IPv4 port 0, IPv6 port 14311");
        assertThat(m.matches()).isTrue();
        assertThat(m.group(3)).isEqualTo("0");
        assertThat(DhtnodeConsole.parseStorage(List.of(
                        "Storage 913a73b565c8e2c8ed94497580f619397709b8b6 1 list., 2 values (22 bytes)",
                        "   Listener " + B + " 127.0.0.1:14302 : 1 entries",
                        "Total 1 storages, 2 values (22 bytes)")))
                .containsEntry(InfoHash.fromHex("913a73b565c8e2c8ed94497580f619397709b8b6"), 2);
    }

    @Test
    void parsesAQuery() {
        QueryResult q = DhtnodeConsole.parseQuery(List.of(
                "q kq SELECT id,value_type WHERE user_type=text/plain",
                "Using h(kq) = 369edbffea22018bd4e929411591ba13723e519d",
                "Query: found field value index after 144 us",
                "\tIndex[Id:c39b72df3458fa83,ValueType:0]",
                "[002670.607001] [search 369e] [node e2e2 127.0.0.1:24301] sending Query[SELECT id]",
                "Query: found field value index after 1 ms",
                "\tIndex[Id:1,UserType:text/plain]",
                "Query: completed, took 967 us"));
        assertThat(q.completed()).isTrue();
        assertThat(q.rows())
                .containsExactly(
                        Map.of("Id", "c39b72df3458fa83", "ValueType", "0"),
                        Map.of("Id", "1", "UserType", "text/plain"));
        assertThatThrownBy(() -> DhtnodeConsole.parseQuery(List.of("\tIndex[Id:1]")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
