package org.carillon.dht.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.carillon.dht.InfoHash;
import org.carillon.dht.interop.DhtnodeConsole.ConsoleValue;
import org.carillon.dht.interop.DhtnodeConsole.GetResult;
import org.carillon.dht.interop.DhtnodeConsole.NodeStats;
import org.carillon.dht.interop.DhtnodeConsole.PutResult;
import org.carillon.dht.interop.DhtnodeConsole.RoutingTables;
import org.carillon.dht.interop.PythonOpendhtNode.PeerValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Proves the interop fixture against real peers only: two dhtnode 2.4.12 processes (B bootstraps
 * from A) and one python3-opendht node, all on loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(60)
class HarnessIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private DhtnodeProcess a;
    private DhtnodeProcess b;
    private PythonOpendhtNode py;

    @BeforeAll
    void startTwoDhtnodes() {
        InteropPeers.requireDhtnode();
        // no -v: dhtnode's log thread writes into the middle of console lines on the same stdout
        // ("Listening, token: [2028056"), and this test reads nothing but console lines
        a = DhtnodeProcess.start(DhtnodeProcess.options().name("A").verbose(false));
        b = DhtnodeProcess.start(DhtnodeProcess.options().name("B").bootstrap(a).verbose(false));
        b.awaitRoutingTableContains(a.nodeId(), WAIT);
        a.awaitRoutingTableContains(b.nodeId(), WAIT);
    }

    @AfterAll
    void stopAll() {
        // newest first: a node whose peers are already gone can take long to shut down
        for (AutoCloseable c : new AutoCloseable[] {py, b, a}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("[interop] close failed: " + e);
                }
            }
        }
    }

    @Test
    @Order(1)
    void routingTableOfBShowsA() {
        RoutingTables tables = b.routingTables();
        assertThat(tables.nodeIds()).contains(a.nodeId());
        assertThat(tables.ipv4()).anySatisfy(e -> assertThat(e.address()).isEqualTo("127.0.0.1:" + a.port()));
        NodeStats stats = b.nodeStats();
        assertThat(stats.nodeId()).isEqualTo(b.nodeId());
        assertThat(stats.goodIpv4() + stats.dubiousIpv4()).isPositive();
        assertThat(a.nodeId()).isNotEqualTo(b.nodeId());
    }

    @Test
    @Order(2)
    void valuePutOnAIsFoundByB() {
        PutResult put = a.put("harness-get", "hello_from_A");
        assertThat(put.success()).as(put.line()).isTrue();

        GetResult got = b.get("harness-get");
        assertThat(got.completed()).isTrue();
        assertThat(got.values()).hasSize(1);
        ConsoleValue v = got.values().get(0);
        assertThat(v.text()).isEqualTo("hello_from_A");
        assertThat(v.userType()).isEqualTo("text/plain");
        assertThat(v.id()).isEqualTo(put.valueId());
        assertThat(a.storage()).containsEntry(InfoHash.fromUserKey("harness-get"), 1);
    }

    @Test
    @Order(3)
    void listenOnBSeesALaterPutFromA() {
        int mark = b.mark();
        int token = b.listen("harness-listen");
        assertThat(token).isPositive();
        assertThat(a.put("harness-listen", "pushed_by_A").success()).isTrue();

        var event = b.awaitListenValue(mark, "pushed_by_A", WAIT);
        assertThat(event.expired()).isFalse();
        assertThat(event.values())
                .singleElement()
                .extracting(ConsoleValue::text)
                .isEqualTo("pushed_by_A");
        b.cancelListen("harness-listen", token);
    }

    @Test
    @Order(4)
    void aBusyPortIsReportedNotIgnored() throws Exception {
        // IPv4 only taken: dhtnode would run on with "IPv4 port 0"; both taken: it exits
        try (DatagramChannel v4 = DatagramChannel.open(StandardProtocolFamily.INET)) {
            v4.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
            assertBindFailureReported(((InetSocketAddress) v4.getLocalAddress()).getPort());
        }
        try (DatagramSocket dualStack = new DatagramSocket(0)) {
            assertBindFailureReported(dualStack.getLocalPort());
        }
    }

    private static void assertBindFailureReported(int port) {
        assertThatThrownBy(() -> DhtnodeProcess.start(
                                DhtnodeProcess.options().name("busy").port(port))
                        .close())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("could not bind UDP 0.0.0.0:" + port);
    }

    @Test
    @Order(5)
    void pythonNodeGetsPutsAndListens() {
        InteropPeers.requirePythonOpendht();
        py = PythonOpendhtNode.start(PythonOpendhtNode.options().bootstrap(a));
        py.awaitRoutingTableContains(a.nodeId(), WAIT);

        // dhtnode -> python (get)
        InfoHash fromA = InfoHash.fromUserKey("harness-py-get");
        assertThat(a.put(fromA, "for_python").success()).isTrue();
        List<PeerValue> values = py.get(fromA);
        assertThat(values).singleElement().satisfies(v -> {
            assertThat(v.text()).isEqualTo("for_python");
            assertThat(v.userType()).isEqualTo("text/plain");
        });

        // python -> dhtnode (put; binary data without user type is printed as hex)
        InfoHash fromPy = InfoHash.fromUserKey("harness-py-put");
        byte[] data = {0, 1, 2, (byte) 0xfe};
        var put = py.putValue(fromPy.toString(), data, 0, "", WAIT);
        assertThat(put.ok()).isTrue();
        GetResult onB = b.get(fromPy);
        assertThat(onB.values()).singleElement().satisfies(v -> {
            assertThat(v.hexData()).isEqualTo(data);
            assertThat(v.userType()).isEmpty();
            assertThat(v.id()).isEqualTo(put.valueId());
        });

        // dhtnode -> python (listen)
        InfoHash listened = InfoHash.fromUserKey("harness-py-listen");
        try (PythonOpendhtNode.Listen listen = py.listen(listened)) {
            assertThat(b.put(listened, "pushed_to_python").success()).isTrue();
            var event = listen.awaitValue("pushed_to_python".getBytes(StandardCharsets.UTF_8), WAIT);
            assertThat(event.expired()).isFalse();
            assertThat(listen.poll(Duration.ZERO)).isEqualTo(event);
        }

        // python -> dhtnode (listen)
        InfoHash toB = InfoHash.fromUserKey("harness-py-to-listener");
        int mark = b.mark();
        b.listen(toB);
        assertThat(py.putValue(toB.toString(), "from_python".getBytes(StandardCharsets.UTF_8), 0, "text/plain", WAIT)
                        .ok())
                .isTrue();
        b.awaitListenValue(mark, "from_python", WAIT);
    }
}
