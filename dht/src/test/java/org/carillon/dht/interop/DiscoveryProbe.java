package org.carillon.dht.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.DiscoveryChannel;
import org.carillon.dht.InfoHash;
import org.carillon.dht.discovery.PeerDiscovery;
import org.carillon.dht.wire.Family;
import org.carillon.dht.wire.NodeInfo;

/**
 * Carillon's side of {@link PeerDiscoveryWithDhtnodeIT}, run as a child JVM inside dhtnode's
 * private network namespace (discovery cannot be tested across namespaces, and a JVM cannot
 * enter one itself). It reports on stdout, one {@code PROBE ...} line per fact, and runs until
 * {@code x} or the end of stdin, at most {@value #MAX_SECONDS} s.
 *
 * <p>Modes, all on OpenDHT's group and port (239.192.0.1:8888) through {@code lo}:
 *
 * <ul>
 *   <li>{@code listen NETWORK}: discovery alone (no DHT node), printing every node it hears of;
 *   <li>{@code announce NETWORK}: a DHT node without discovery plus a discovery that announces it
 *       but joins nobody, printing the nodes that enter the routing table (so only nodes that
 *       decoded the announcement and contacted us);
 *   <li>{@code join NETWORK}: a DHT node with discovery on, as {@code carillon dht
 *       --peer-discovery}, printing its table and when it is connected.
 * </ul>
 */
public final class DiscoveryProbe {
    static final int MAX_SECONDS = 60;

    private DiscoveryProbe() {}

    public static void main(String[] args) throws Exception {
        refuseOutsideAPrivateNetwork();
        String mode = args[0];
        long network = Long.parseLong(args[1]);
        DiscoveryChannel channel = DiscoveryChannel.thisHostOnly(DiscoveryChannel.OPENDHT.port());
        DhtConfig config =
                DhtConfig.defaults().withPort(0).withNetwork(network).withBindAddresses(List.of(Loopback.IPV4));
        CountDownLatch quit = quitOnStdin();
        if (mode.equals("listen")) {
            try (PeerDiscovery discovery = PeerDiscovery.start(
                    channel, InfoHash.random(new SecureRandom()), 4222, network, DiscoveryProbe::heard)) {
                say("started");
                quit.await(MAX_SECONDS, TimeUnit.SECONDS);
                say("stats " + discovery.stats());
            }
            return;
        }
        boolean join = mode.equals("join");
        try (DhtRunner node =
                        DhtRunner.start(join ? config.withPeerDiscovery(true).withDiscoveryChannel(channel) : config);
                PeerDiscovery announcer = join
                        ? null
                        : PeerDiscovery.start(channel, node.nodeId(), node.port(), network, (id, a) -> heard(id, a))) {
            say("node " + node.nodeId() + " port " + node.port());
            Set<InfoHash> shown = new HashSet<>();
            boolean connected = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MAX_SECONDS);
            while (!quit.await(200, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
                for (NodeInfo n : node.routingTable(Family.IPV4)) {
                    if (shown.add(n.id())) {
                        say("table " + n.id() + " " + n.address().getAddress().getHostAddress() + ":"
                                + n.address().getPort());
                    }
                }
                if (!connected && node.isConnected(Family.IPV4)) {
                    connected = true;
                    say("connected");
                }
            }
        }
    }

    private static void heard(InfoHash id, InetSocketAddress address) {
        say("heard " + id + " " + address.getAddress().getHostAddress() + ":" + address.getPort());
    }

    private static synchronized void say(String fact) {
        System.out.println("PROBE " + fact);
        System.out.flush();
    }

    private static CountDownLatch quitOnStdin() {
        CountDownLatch quit = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null && !line.strip().equals("x")) {
                    // only "x" means quit
                }
            } catch (IOException e) {
                // stdin gone: quit
            }
            quit.countDown();
        });
        t.setDaemon(true);
        t.start();
        return quit;
    }

    /** Multicast goes on only where nothing but loopback exists. */
    private static void refuseOutsideAPrivateNetwork() throws SocketException {
        for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!i.isLoopback()) {
                System.err.println(
                        "PROBE refusing: interface " + i.getName() + " exists; run me in a private namespace");
                System.exit(97);
            }
        }
    }
}
