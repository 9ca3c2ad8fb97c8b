package org.carillon.dht.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.DiscoveryChannel;
import org.carillon.dht.InfoHash;
import org.carillon.dht.interop.FreePorts;
import org.carillon.dht.wire.DiscoveryCodec;
import org.carillon.dht.wire.Family;
import org.carillon.dht.wire.NodeInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Peer discovery on this host only: {@link DiscoveryChannel#thisHostOnly} sends through the
 * loopback interface with a multicast TTL of 0, which the kernel loops back to local sockets and
 * then drops, so nothing reaches a network; the port is a free one, not 8888, so no other
 * discovery on the host is disturbed. A "LAN peer" here is a plain socket sending to the group.
 */
@Timeout(60)
class PeerDiscoveryTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long NETWORK = 5;

    private final SplittableRandom random = new SplittableRandom(21);
    private final InfoHash self = InfoHash.random(random);
    private final List<NodeInfo> peersHeard = new CopyOnWriteArrayList<>();
    private DiscoveryChannel channel;
    private DatagramChannel lanPeer;

    @BeforeEach
    void openTheLanPeer() throws IOException {
        channel = DiscoveryChannel.thisHostOnly(FreePorts.udpPort());
        NetworkInterface lo = NetworkInterface.getByName(channel.interfaceName());
        assertThat(lo.isLoopback()).as("discovery in tests stays on loopback").isTrue();
        assertThat(channel.hops()).as("and never crosses a router").isZero();
        lanPeer = DatagramChannel.open(StandardProtocolFamily.INET);
        lanPeer.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        lanPeer.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo);
        lanPeer.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 0);
        lanPeer.configureBlocking(false);
    }

    @AfterEach
    void closeTheLanPeer() throws IOException {
        lanPeer.close();
    }

    private PeerDiscovery startDiscovery() throws IOException {
        return PeerDiscovery.start(
                channel, self, 4222, NETWORK, (id, address) -> peersHeard.add(new NodeInfo(id, address)));
    }

    private void multicast(byte[] datagram) throws IOException {
        lanPeer.send(ByteBuffer.wrap(datagram), new InetSocketAddress(channel.ipv4Group(), channel.port()));
    }

    private byte[] receiveAtLanPeer() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(2048);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (lanPeer.receive(b) == null) {
            if (System.nanoTime() > deadline) {
                return null;
            }
            Thread.sleep(10);
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    @Test
    void anAnnouncedNodeOfTheSameNetworkIsHandedOnAtItsSendersAddress() throws Exception {
        InfoHash peer = InfoHash.random(random);
        try (PeerDiscovery discovery = startDiscovery()) {
            multicast(DiscoveryCodec.announcement(peer, 4301, NETWORK));

            await("the peer handed on", () -> !peersHeard.isEmpty());
            assertThat(peersHeard)
                    .containsExactly(
                            new NodeInfo(peer, new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 4301)));
            assertThat(discovery.stats().peersFound()).isEqualTo(1);
        }
    }

    @Test
    void ownAnnouncementsOtherNetworksOtherServicesAndGarbageAreCountedNotHandedOn() throws Exception {
        try (PeerDiscovery discovery = startDiscovery()) {
            // its own query and announcement, looped back by the kernel
            await("own query and announcement heard", () -> discovery.stats().ownMessages() >= 2);

            multicast(DiscoveryCodec.announcement(self, 4999, NETWORK)); // someone replaying our id
            multicast(DiscoveryCodec.announcement(InfoHash.random(random), 4301, NETWORK + 1));
            multicast(java.util.HexFormat.of().parseHex("81a46a616d6901")); // {"jami": 1}
            multicast(new byte[] {(byte) 0xc1, 1, 2, 3});
            multicast(new byte[0]);
            multicast(java.util.HexFormat.of()
                    .parseHex("81a364687493c413000102030405060708090a0b0c0d0e0f101112cd115c07"));

            await(
                    "all heard",
                    () -> discovery.stats().garbage() == 3
                            && discovery.stats().otherNetwork() == 1
                            && discovery.stats().otherServices() == 1
                            && discovery.stats().ownMessages() == 3);
            assertThat(peersHeard).isEmpty();
            assertThat(discovery.stats().peersFound()).isZero();
        }
    }

    @Test
    void aQueryIsAnsweredToTheAskerWithOurAnnouncement() throws Exception {
        try (PeerDiscovery discovery = startDiscovery()) {
            receiveAnnouncementsSentOnStart();

            multicast(DiscoveryCodec.query());

            assertThat(receiveAtLanPeer()).isEqualTo(DiscoveryCodec.announcement(self, 4222, NETWORK));
            await("answer counted", () -> discovery.stats().queriesAnswered() == 1);
        }
    }

    /** Our LAN peer is not in the group, so it hears nothing until it asks. */
    private void receiveAnnouncementsSentOnStart() throws Exception {
        Thread.sleep(100);
        assertThat(lanPeer.receive(ByteBuffer.allocate(2048))).isNull();
    }

    @Test
    void aFloodOfQueriesGetsFewAnswers() throws Exception {
        try (PeerDiscovery discovery = startDiscovery()) {
            long start = System.nanoTime();
            for (int i = 0; i < 300; i++) {
                multicast(DiscoveryCodec.query());
            }
            awaitQuiet(discovery);
            double seconds = (System.nanoTime() - start) / 1e9;

            long allowed =
                    PeerDiscovery.ANSWERS_PER_SECOND + (long) Math.ceil(seconds * PeerDiscovery.ANSWERS_PER_SECOND);
            assertThat(discovery.stats().queriesAnswered()).isBetween(1L, allowed);
            assertThat(discovery.stats().rateLimited()).isPositive();
            int answers = 0;
            while (lanPeer.receive(ByteBuffer.allocate(2048)) != null) {
                answers++;
            }
            assertThat((long) answers).isLessThanOrEqualTo(allowed);
        }
    }

    @Test
    void aFloodOfAnnouncementsHandsOnABoundedNumberOfPeers() throws Exception {
        try (PeerDiscovery discovery = startDiscovery()) {
            long start = System.nanoTime();
            for (int i = 0; i < 500; i++) {
                multicast(DiscoveryCodec.announcement(InfoHash.random(random), 1000 + i, NETWORK));
            }
            awaitQuiet(discovery);
            double seconds = (System.nanoTime() - start) / 1e9;

            long allowed =
                    2L * PeerDiscovery.PEERS_PER_SECOND + (long) Math.ceil(seconds * PeerDiscovery.PEERS_PER_SECOND);
            assertThat((long) peersHeard.size()).isBetween(1L, allowed);
            assertThat(discovery.stats().rateLimited()).isPositive();
        }
    }

    @Test
    void anUnknownInterfaceIsAClearError() {
        DiscoveryChannel nowhere =
                new DiscoveryChannel(channel.ipv4Group(), channel.ipv6Group(), channel.port(), "no-such-interface0", 0);

        assertThatThrownBy(() -> PeerDiscovery.start(nowhere, self, 4222, NETWORK, (id, a) -> {}))
                .isInstanceOf(IOException.class)
                .hasMessage("no network interface named no-such-interface0");
    }

    @Test
    void twoNodesWithDiscoveryAndNoBootstrapFindEachOther() throws Exception {
        DhtConfig config = DhtConfig.defaults()
                .withPort(0)
                .withBindAddresses(List.of(InetAddress.getByName("127.0.0.1")))
                .withPeerDiscovery(true)
                .withDiscoveryChannel(channel);
        List<DhtRunner> nodes = new ArrayList<>();
        try (DhtRunner a = DhtRunner.start(config);
                DhtRunner b = DhtRunner.start(config)) {
            nodes.add(a);
            nodes.add(b);
            await("both connected", () -> a.isConnected(Family.IPV4) && b.isConnected(Family.IPV4));
            assertThat(a.routingTable(Family.IPV4)).extracting(NodeInfo::id).contains(b.nodeId());
            assertThat(b.routingTable(Family.IPV4)).extracting(NodeInfo::id).contains(a.nodeId());
        }
    }

    @Test
    void nodesWithoutDiscoveryStayAlone() throws Exception {
        DhtConfig config = DhtConfig.defaults()
                .withPort(0)
                .withBindAddresses(List.of(InetAddress.getByName("127.0.0.1")))
                .withDiscoveryChannel(channel);
        try (DhtRunner a = DhtRunner.start(config)) {
            multicast(DiscoveryCodec.query());
            assertThat(receiveAtLanPeerWithin(Duration.ofMillis(500))).isNull();
            assertThat(a.routingTable(Family.IPV4)).isEmpty();
        }
    }

    private byte[] receiveAtLanPeerWithin(Duration d) throws Exception {
        Thread.sleep(d.toMillis());
        ByteBuffer b = ByteBuffer.allocate(2048);
        return lanPeer.receive(b) == null ? null : Arrays.copyOf(b.array(), b.position());
    }

    /**
     * Waits until the counters stop moving for 300 ms: under a flood the kernel may drop some
     * datagrams, so the test cannot wait for an exact count.
     */
    private static void awaitQuiet(PeerDiscovery discovery) throws InterruptedException {
        PeerDiscovery.Stats last = null;
        for (int i = 0; i < 100; i++) {
            Thread.sleep(300);
            PeerDiscovery.Stats now = discovery.stats();
            if (now.equals(last)) {
                return;
            }
            last = now;
        }
        throw new AssertionError("discovery still busy after 30 s: " + last);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + WAIT.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }
}
