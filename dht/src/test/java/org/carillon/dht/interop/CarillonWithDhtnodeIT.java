package org.carillon.dht.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.carillon.dht.interop.DhtnodeConsole.ConsoleValue;
import org.carillon.dht.interop.DhtnodeConsole.GetResult;
import org.carillon.dht.interop.DhtnodeConsole.PutResult;
import org.carillon.dht.interop.DhtnodeConsole.RoutingEntry;
import org.carillon.dht.interop.PythonOpendhtNode.PeerValue;
import org.carillon.dht.wire.DecodeResult;
import org.carillon.dht.wire.Family;
import org.carillon.dht.wire.Message;
import org.carillon.dht.wire.Message.ErrorReply;
import org.carillon.dht.wire.Message.Reply;
import org.carillon.dht.wire.NodeInfo;
import org.carillon.dht.wire.Packet;
import org.carillon.dht.wire.WireCodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Carillon node among real OpenDHT 2.4.12 peers (dhtnode processes and python3-opendht nodes),
 * all on loopback. Every test starts its own Carillon node so no dead peer of an earlier test
 * slows the searches of a later one.
 */
@Timeout(60)
class CarillonWithDhtnodeIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @BeforeAll
    static void requirePeers() {
        InteropPeers.requireDhtnode();
    }

    private static DhtRunner startCarillon(List<InetSocketAddress> bootstrap) throws IOException {
        return DhtRunner.start(DhtConfig.defaults()
                .withPort(0)
                .withBindAddresses(List.of(Loopback.IPV4, Loopback.IPV6))
                .withBootstrap(bootstrap));
    }

    private static InetSocketAddress addressOf(DhtRunner node) {
        return Loopback.ipv4(node.port());
    }

    @Test
    void dhtnodeBootstrapsFromCarillon() throws Exception {
        try (DhtRunner c = startCarillon(List.of());
                DhtnodeProcess a =
                        DhtnodeProcess.start(DhtnodeProcess.options().name("A").bootstrap(addressOf(c)))) {
            a.awaitRoutingTableContains(c.nodeId(), WAIT);
            await(
                    "Carillon is a good node in A's IPv4 table",
                    () -> a.routingTables().ipv4().stream()
                            .anyMatch(e -> e.id().equals(c.nodeId())
                                    && e.good()
                                    && e.address().equals("127.0.0.1:" + c.port())));
            await(
                    "A in Carillon's IPv4 table",
                    () -> ids(c.routingTable(Family.IPV4)).contains(a.nodeId()));
            assertThat(c.routingTable(Family.IPV4))
                    .filteredOn(n -> n.id().equals(a.nodeId()))
                    .singleElement()
                    .extracting(NodeInfo::address)
                    .isEqualTo(a.address());
            await("Carillon connected over IPv4 (A answered it)", () -> c.isConnected(Family.IPV4));
        }
    }

    @Test
    void carillonBootstrapsFromDhtnode() throws Exception {
        try (DhtnodeProcess d = DhtnodeProcess.start(DhtnodeProcess.options().name("D"));
                DhtRunner c = startCarillon(List.of(d.address()))) {
            await(
                    "D in Carillon's IPv4 table",
                    () -> ids(c.routingTable(Family.IPV4)).contains(d.nodeId()));
            d.awaitRoutingTableContains(c.nodeId(), WAIT);
            RoutingEntry entry = d.routingTables().ipv4().stream()
                    .filter(e -> e.id().equals(c.nodeId()))
                    .findFirst()
                    .orElseThrow();
            assertThat(entry.address()).isEqualTo("127.0.0.1:" + c.port());
            await("Carillon connected over IPv4", () -> c.isConnected(Family.IPV4));
        }
    }

    @Test
    void valueStoredOnCarillonOutlivesItsWriter() throws Exception {
        try (DhtRunner c = startCarillon(List.of())) {
            InfoHash key = InfoHash.fromUserKey("carillon-storage");
            PutResult put;
            try (DhtnodeProcess a =
                    DhtnodeProcess.start(DhtnodeProcess.options().name("A").bootstrap(addressOf(c)))) {
                a.awaitRoutingTableContains(c.nodeId(), WAIT);
                put = a.put(key, "kept_by_carillon");
                assertThat(put.success()).as(put.line()).isTrue();
            }
            assertThat(c.metrics().storedValues()).isGreaterThanOrEqualTo(1);

            try (DhtnodeProcess b =
                    DhtnodeProcess.start(DhtnodeProcess.options().name("B").bootstrap(addressOf(c)))) {
                b.awaitRoutingTableContains(c.nodeId(), WAIT);
                GetResult got = b.get(key);
                assertThat(got.completed()).isTrue();
                assertThat(got.values()).singleElement().satisfies(v -> {
                    assertThat(v.text()).isEqualTo("kept_by_carillon");
                    assertThat(v.userType()).isEqualTo("text/plain");
                    assertThat(v.id()).isEqualTo(put.valueId());
                });
            }
        }
    }

    @Test
    void listenerOnCarillonIsPushedALaterPut() throws Exception {
        try (DhtRunner c = startCarillon(List.of());
                DhtnodeProcess b =
                        DhtnodeProcess.start(DhtnodeProcess.options().name("B").bootstrap(addressOf(c)))) {
            b.awaitRoutingTableContains(c.nodeId(), WAIT);
            InfoHash key = InfoHash.fromUserKey("carillon-listen");
            int mark = b.mark();
            assertThat(b.listen(key)).isPositive();
            await("B's listener registered on Carillon", () -> c.metrics().remoteListeners() >= 1);

            try (DhtnodeProcess a =
                    DhtnodeProcess.start(DhtnodeProcess.options().name("A").bootstrap(addressOf(c)))) {
                a.awaitRoutingTableContains(c.nodeId(), WAIT);
                assertThat(a.put(key, "pushed_via_carillon").success()).isTrue();
                var event = b.awaitListenValue(mark, "pushed_via_carillon", WAIT);
                assertThat(event.expired()).isFalse();
                assertThat(event.values()).extracting(ConsoleValue::text).contains("pushed_via_carillon");
            }
        }
    }

    @Test
    void fragmentedValueComesBackWhole() throws Exception {
        InteropPeers.requirePythonOpendht();
        byte[] data = new byte[3000];
        new Random(42).nextBytes(data);
        InfoHash key = InfoHash.fromUserKey("carillon-fragmented");
        try (DhtRunner c = startCarillon(List.of())) {
            long valueId;
            try (PythonOpendhtNode p1 = PythonOpendhtNode.start(
                    PythonOpendhtNode.options().name("P1").bootstrap(addressOf(c)))) {
                p1.awaitRoutingTableContains(c.nodeId(), WAIT);
                var put = p1.putValue(key.toString(), data, 0, "", WAIT);
                assertThat(put.ok()).isTrue();
                valueId = put.valueId();
            }
            assertThat(c.metrics().storedBytes()).isGreaterThanOrEqualTo(data.length);

            try (PythonOpendhtNode p2 = PythonOpendhtNode.start(
                    PythonOpendhtNode.options().name("P2").bootstrap(addressOf(c)))) {
                p2.awaitRoutingTableContains(c.nodeId(), WAIT);
                List<PeerValue> values = p2.get(key);
                assertThat(values).singleElement().satisfies(v -> {
                    assertThat(v.id()).isEqualTo(valueId);
                    assertThat(Arrays.equals(v.data(), data))
                            .as("3000 bytes equal byte for byte")
                            .isTrue();
                });
            }
        }
    }

    @Test
    void putNeedsTheTokenOfAFindReply() throws Exception {
        try (DhtRunner c = startCarillon(List.of());
                DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
                Selector selector = Selector.open()) {
            ch.bind(new InetSocketAddress(Loopback.IPV4, 0));
            ch.connect(addressOf(c));
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ);

            InfoHash me = InfoHash.random(new Random(7));
            InfoHash key = InfoHash.fromUserKey("carillon-token");
            Value value = Value.of(0x1234_5678_9abcL, 0, "tokened".getBytes(StandardCharsets.UTF_8));

            send(ch, new Message.Put(me, key, List.of(value), null, new byte[32]), 1);
            Message bad = receive(ch, selector, 1);
            assertThat(bad).isInstanceOf(ErrorReply.class);
            assertThat(((ErrorReply) bad).code()).isEqualTo(401);

            send(ch, new Message.Find(me, key, List.of()), 2);
            Message found = receive(ch, selector, 2);
            assertThat(found).isInstanceOf(Reply.class);
            byte[] token = ((Reply) found).token();
            assertThat(token).isNotEmpty();

            send(ch, new Message.Put(me, key, List.of(value), null, token), 3);
            Message ok = receive(ch, selector, 3);
            assertThat(ok).isInstanceOf(Reply.class);
            assertThat(((Reply) ok).valueId()).isEqualTo(value.id());
            assertThat(c.metrics().storedValues()).isEqualTo(1);
        }
    }

    private static void send(DatagramChannel ch, Message m, long tid) throws IOException {
        for (byte[] datagram : WireCodec.encode(new Packet(tid, 0, Packet.DEFAULT_AGENT, false, m))) {
            ch.write(ByteBuffer.wrap(datagram));
        }
    }

    /** The next complete message answering {@code tid}, within {@link #WAIT}. */
    private static Message receive(DatagramChannel ch, Selector selector, long tid) throws IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        ByteBuffer buf = ByteBuffer.allocate(65536);
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new AssertionError("no answer to tid " + tid + " within " + WAIT);
            }
            selector.select(left);
            selector.selectedKeys().clear();
            buf.clear();
            if (ch.read(buf) <= 0) {
                continue;
            }
            byte[] datagram = Arrays.copyOf(buf.array(), buf.position());
            DecodeResult r = WireCodec.decode(datagram);
            if (r instanceof DecodeResult.Complete complete && complete.packet().tid() == tid) {
                return complete.packet().message();
            }
            // pings or finds the node sends on its own, or answers to other tids: not ours
        }
    }

    private static List<InfoHash> ids(List<NodeInfo> nodes) {
        return nodes.stream().map(NodeInfo::id).toList();
    }

    private static void await(String what, BooleanSupplier condition) {
        await(what, condition, () -> "");
    }

    private static void await(String what, BooleanSupplier condition, Supplier<String> detail) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + WAIT.toMillis() + " ms " + detail.get());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
