package org.carillon.dht.discovery;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ProtocolFamily;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.carillon.dht.DiscoveryChannel;
import org.carillon.dht.InfoHash;
import org.carillon.dht.wire.DiscoveryCodec;
import org.carillon.dht.wire.DiscoveryCodec.DhtAnnouncement;
import org.carillon.dht.wire.DiscoveryCodec.DiscoveryMessage;
import org.carillon.dht.wire.DiscoveryCodec.Garbage;
import org.carillon.dht.wire.DiscoveryCodec.OtherServices;
import org.carillon.dht.wire.DiscoveryCodec.Query;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LAN peer discovery, as OpenDHT's {@code dhtnode -D}: on start it asks the multicast group who
 * is there and announces this node; it answers the queries it hears with its announcement; and
 * it hands every node of the same network it hears of to a {@link PeerListener}, which joins it.
 *
 * <p>It runs on a thread and sockets of its own, never on the DHT's event loop. Per family one
 * socket is bound to the group's port and joined to the group (shared with other processes of
 * the host, as OpenDHT's is), and one on a port of its own sends: answers to our queries then
 * come back to us alone, where a reply to the shared port could reach any process bound to it.
 *
 * <p>Whatever is heard is counted ({@link #stats()}); queries are answered at most
 * {@value #ANSWERS_PER_SECOND} times a second (an answer is 17 times a query's size, so anyone
 * could otherwise aim our answers at a spoofed address), and at most {@value #PEERS_PER_SECOND}
 * peers a second are handed on.
 */
public final class PeerDiscovery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerDiscovery.class);

    static final int ANSWERS_PER_SECOND = 10;
    static final int PEERS_PER_SECOND = 32;
    private static final int MAX_DATAGRAM = 64 * 1024;
    /** Datagrams read per socket per wake-up, so one busy socket cannot starve the others. */
    private static final int DRAIN_LIMIT = 64;

    /** Hears of the DHT nodes announced on the LAN; called on the discovery thread. */
    @FunctionalInterface
    public interface PeerListener {
        void onPeer(InfoHash nodeId, InetSocketAddress address);
    }

    /**
     * What discovery sent and heard so far.
     *
     * @param ownMessages our own queries and announcements, looped back by the kernel
     * @param otherNetwork announcements of DHT nodes of another network id
     * @param otherServices announcements of other applications only
     * @param rateLimited queries left unanswered and peers not handed on, over the rate limits
     */
    public record Stats(
            long announcementsSent,
            long queriesAnswered,
            long peersFound,
            long ownMessages,
            long otherNetwork,
            long otherServices,
            long garbage,
            long rateLimited) {}

    /** One address family: the group, its listening and sending sockets, the interfaces used. */
    private record Domain(
            ProtocolFamily family,
            InetAddress group,
            int groupPort,
            DatagramChannel listen,
            DatagramChannel send,
            int sendPort,
            List<NetworkInterface> interfaces,
            byte[] announcement) {}

    private final InfoHash self;
    private final long network;
    private final PeerListener listener;
    private final Selector selector;
    private final List<Domain> domains;
    private final Thread thread;
    private final ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);
    private final RateGate answers = new RateGate(ANSWERS_PER_SECOND, ANSWERS_PER_SECOND, System::nanoTime);
    private final RateGate peers = new RateGate(2 * PEERS_PER_SECOND, PEERS_PER_SECOND, System::nanoTime);
    private volatile boolean running = true;

    private final AtomicLong announcementsSent = new AtomicLong();
    private final AtomicLong queriesAnswered = new AtomicLong();
    private final AtomicLong peersFound = new AtomicLong();
    private final AtomicLong ownMessages = new AtomicLong();
    private final AtomicLong otherNetwork = new AtomicLong();
    private final AtomicLong otherServices = new AtomicLong();
    private final AtomicLong garbage = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();

    private PeerDiscovery(
            InfoHash self, long network, PeerListener listener, Selector selector, List<Domain> domains, int dhtPort) {
        this.self = self;
        this.network = network;
        this.listener = listener;
        this.selector = selector;
        this.domains = domains;
        this.thread = new Thread(this::run, "carillon-discovery-" + dhtPort);
        this.thread.setDaemon(true);
    }

    /**
     * Opens the sockets of every family that can join its group on {@code channel}, announces
     * the node at {@code dhtPort} and starts listening.
     *
     * @throws IOException when no family could be set up at all (the reasons are in the message)
     */
    public static PeerDiscovery start(
            DiscoveryChannel channel, InfoHash self, int dhtPort, long network, PeerListener listener)
            throws IOException {
        List<NetworkInterface> interfaces = interfaces(channel);
        Selector selector = Selector.open();
        List<Domain> domains = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (ProtocolFamily family : List.of(StandardProtocolFamily.INET, StandardProtocolFamily.INET6)) {
            InetAddress group = family == StandardProtocolFamily.INET ? channel.ipv4Group() : channel.ipv6Group();
            try {
                Domain d =
                        open(family, group, channel, interfaces, DiscoveryCodec.announcement(self, dhtPort, network));
                d.listen.register(selector, SelectionKey.OP_READ, d);
                d.send.register(selector, SelectionKey.OP_READ, d);
                domains.add(d);
            } catch (IOException | RuntimeException e) {
                failures.add(group + ": " + e.getMessage());
                LOG.debug("no peer discovery on {}: {}", group, e.toString());
            }
        }
        if (domains.isEmpty()) {
            selector.close();
            throw new IOException("peer discovery cannot use " + String.join(", ", failures));
        }
        PeerDiscovery discovery = new PeerDiscovery(self, network, listener, selector, domains, dhtPort);
        discovery.thread.start();
        LOG.info(
                "peer discovery on {} port {} ({})",
                domains.stream().map(d -> d.group.getHostAddress()).toList(),
                channel.port(),
                channel.interfaceName() == null ? "every multicast interface" : "interface " + channel.interfaceName());
        return discovery;
    }

    private static List<NetworkInterface> interfaces(DiscoveryChannel channel) throws IOException {
        if (channel.interfaceName() != null) {
            NetworkInterface i = NetworkInterface.getByName(channel.interfaceName());
            if (i == null) {
                throw new IOException("no network interface named " + channel.interfaceName());
            }
            return List.of(i);
        }
        List<NetworkInterface> all = new ArrayList<>();
        for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (i.isUp() && i.supportsMulticast() && !i.isLoopback()) {
                all.add(i);
            }
        }
        return all;
    }

    private static Domain open(
            ProtocolFamily family,
            InetAddress group,
            DiscoveryChannel channel,
            List<NetworkInterface> candidates,
            byte[] announcement)
            throws IOException {
        List<NetworkInterface> usable = new ArrayList<>();
        for (NetworkInterface i : candidates) {
            if (hasAddressOf(i, family)) {
                usable.add(i);
            }
        }
        if (usable.isEmpty()) {
            throw new IOException("no interface with an " + family + " address");
        }
        DatagramChannel listen = DatagramChannel.open(family);
        DatagramChannel send = null;
        try {
            listen.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listen.bind(new InetSocketAddress(wildcard(family), channel.port()));
            List<NetworkInterface> joined = new ArrayList<>();
            IOException lastFailure = null;
            for (NetworkInterface i : usable) {
                try {
                    listen.join(group, i);
                    joined.add(i);
                } catch (IOException e) {
                    lastFailure = e;
                    LOG.debug("cannot join {} on {}: {}", group, i.getName(), e.toString());
                }
            }
            if (joined.isEmpty()) {
                throw new IOException("cannot join the group: " + lastFailure.getMessage(), lastFailure);
            }
            listen.configureBlocking(false);
            send = DatagramChannel.open(family);
            send.bind(new InetSocketAddress(wildcard(family), 0));
            send.setOption(StandardSocketOptions.IP_MULTICAST_TTL, channel.hops());
            send.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
            send.configureBlocking(false);
            int sendPort = ((InetSocketAddress) send.getLocalAddress()).getPort();
            return new Domain(family, group, channel.port(), listen, send, sendPort, joined, announcement);
        } catch (IOException | RuntimeException e) {
            closeQuietly(listen);
            closeQuietly(send);
            throw e;
        }
    }

    private static boolean hasAddressOf(NetworkInterface i, ProtocolFamily family) {
        return i.inetAddresses()
                .anyMatch(a ->
                        family == StandardProtocolFamily.INET ? a instanceof Inet4Address : a instanceof Inet6Address);
    }

    private static InetAddress wildcard(ProtocolFamily family) throws IOException {
        return InetAddress.getByName(family == StandardProtocolFamily.INET ? "0.0.0.0" : "::");
    }

    public Stats stats() {
        return new Stats(
                announcementsSent.get(),
                queriesAnswered.get(),
                peersFound.get(),
                ownMessages.get(),
                otherNetwork.get(),
                otherServices.get(),
                garbage.get(),
                rateLimited.get());
    }

    private void run() {
        try {
            // As OpenDHT on start: ask who is there, and tell those already there about us.
            for (Domain d : domains) {
                toGroup(d, DiscoveryCodec.query());
                if (toGroup(d, d.announcement)) {
                    announcementsSent.incrementAndGet();
                }
            }
            while (running) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    drain((Domain) key.attachment(), (DatagramChannel) key.channel());
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | ClosedSelectorException e) {
            if (running) {
                LOG.warn("peer discovery stopped: {}", e.toString());
            }
        } finally {
            for (Domain d : domains) {
                closeQuietly(d.listen);
                closeQuietly(d.send);
            }
            try {
                selector.close();
            } catch (IOException e) {
                LOG.debug("closing the discovery selector: {}", e.toString());
            }
        }
    }

    /** Sends to the group through each interface; whether it left through at least one. */
    private boolean toGroup(Domain d, byte[] datagram) {
        boolean sent = false;
        InetSocketAddress to = new InetSocketAddress(d.group, d.groupPort);
        for (NetworkInterface i : d.interfaces) {
            try {
                d.send.setOption(StandardSocketOptions.IP_MULTICAST_IF, i);
                sent |= d.send.send(ByteBuffer.wrap(datagram), to) > 0;
            } catch (IOException e) {
                LOG.debug("cannot send to {} on {}: {}", d.group, i.getName(), e.toString());
            }
        }
        return sent;
    }

    private void drain(Domain d, DatagramChannel channel) {
        for (int n = 0; n < DRAIN_LIMIT; n++) {
            InetSocketAddress from;
            buffer.clear();
            try {
                from = (InetSocketAddress) channel.receive(buffer);
            } catch (IOException e) {
                LOG.debug("discovery receive failed: {}", e.toString());
                return;
            }
            if (from == null) {
                return;
            }
            buffer.flip();
            byte[] data = new byte[buffer.remaining()];
            buffer.get(data);
            try {
                handle(d, data, from);
            } catch (RuntimeException e) {
                garbage.incrementAndGet();
                LOG.warn("discovery datagram from {} failed: {}", from, e.toString(), e);
            }
        }
    }

    private void handle(Domain d, byte[] data, InetSocketAddress from) {
        if (!hasFamily(from.getAddress(), d.family)) {
            return; // a dual-stack IPv6 socket also hears IPv4: the IPv4 socket handles that
        }
        DiscoveryMessage m = DiscoveryCodec.decode(data);
        if (m instanceof Query) {
            if (from.getPort() == d.sendPort && isLocal(from.getAddress())) {
                ownMessages.incrementAndGet();
            } else if (!answers.allow()) {
                rateLimited.incrementAndGet();
            } else {
                try {
                    d.send.send(ByteBuffer.wrap(d.announcement), from);
                    queriesAnswered.incrementAndGet();
                } catch (IOException e) {
                    LOG.debug("cannot answer the query of {}: {}", from, e.toString());
                }
            }
        } else if (m instanceof DhtAnnouncement a) {
            onAnnouncement(a, from);
        } else if (m instanceof OtherServices o) {
            otherServices.incrementAndGet();
            LOG.debug("{} announces {}, not a DHT node", from, o.services());
        } else {
            garbage.incrementAndGet();
            LOG.debug("ignored a discovery datagram from {}: {}", from, ((Garbage) m).reason());
        }
    }

    private void onAnnouncement(DhtAnnouncement a, InetSocketAddress from) {
        if (a.nodeId().equals(self)) {
            ownMessages.incrementAndGet();
        } else if (a.network() != network) {
            otherNetwork.incrementAndGet();
            LOG.debug("{} announces node {} of network {}, not ours ({})", from, a.nodeId(), a.network(), network);
        } else if (!peers.allow()) {
            rateLimited.incrementAndGet();
        } else {
            peersFound.incrementAndGet();
            InetSocketAddress peer = new InetSocketAddress(from.getAddress(), a.port());
            LOG.debug("found node {} at {} on the LAN", a.nodeId(), peer);
            listener.onPeer(a.nodeId(), peer);
        }
    }

    private static boolean hasFamily(InetAddress a, ProtocolFamily family) {
        return family == StandardProtocolFamily.INET ? a instanceof Inet4Address : a instanceof Inet6Address;
    }

    private static boolean isLocal(InetAddress a) {
        try {
            return a.isLoopbackAddress() || NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    /** Stops the thread and closes the sockets (leaving the groups); waits up to 2 s. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(DatagramChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                LOG.debug("closing {}: {}", c, e.toString());
            }
        }
    }
}
