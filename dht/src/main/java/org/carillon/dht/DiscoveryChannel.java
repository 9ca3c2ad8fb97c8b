package org.carillon.dht;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;

/**
 * Where LAN peer discovery sends and hears its announcements.
 *
 * @param ipv4Group IPv4 multicast group (OpenDHT: 239.192.0.1, organisation-local scope)
 * @param ipv6Group IPv6 multicast group (OpenDHT: ff08::101)
 * @param port UDP port of both groups (OpenDHT: 8888)
 * @param interfaceName the one interface to use, or {@code null} for every interface that is
 *     up, supports multicast and is not loopback
 * @param hops multicast TTL / hop limit: 1 (the default of OpenDHT's sockets) stays on the
 *     local segment; 0 never leaves this host, the kernel only loops it back
 */
public record DiscoveryChannel(InetAddress ipv4Group, InetAddress ipv6Group, int port, String interfaceName, int hops) {

    /** OpenDHT 2.4.12's groups and port, on every multicast interface, one hop. */
    public static final DiscoveryChannel OPENDHT =
            new DiscoveryChannel(literal("239.192.0.1"), literal("ff08::101"), 8888, null, 1);

    public DiscoveryChannel {
        if (!(ipv4Group instanceof Inet4Address) || !ipv4Group.isMulticastAddress()) {
            throw new IllegalArgumentException(ipv4Group + " is not an IPv4 multicast group");
        }
        if (!(ipv6Group instanceof Inet6Address) || !ipv6Group.isMulticastAddress()) {
            throw new IllegalArgumentException(ipv6Group + " is not an IPv6 multicast group");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("discovery port " + port + " is not in 1..65535");
        }
        if (hops < 0 || hops > 255) {
            throw new IllegalArgumentException("multicast hops " + hops + " is not in 0..255");
        }
    }

    /**
     * OpenDHT's groups on {@code port}, sent only through the loopback interface with 0 hops: the
     * announcements reach the nodes of this host and nothing else (tests, several nodes on one machine).
     */
    public static DiscoveryChannel thisHostOnly(int port) {
        return new DiscoveryChannel(OPENDHT.ipv4Group, OPENDHT.ipv6Group, port, loopbackInterfaceName(), 0);
    }

    private static String loopbackInterfaceName() {
        try {
            for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (i.isLoopback()) {
                    return i.getName();
                }
            }
        } catch (SocketException e) {
            throw new IllegalStateException("cannot list the network interfaces: " + e.getMessage(), e);
        }
        throw new IllegalStateException("this host has no loopback interface");
    }

    private static InetAddress literal(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
