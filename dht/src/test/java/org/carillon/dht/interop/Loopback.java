package org.carillon.dht.interop;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** The only addresses interop peers may be pointed at: 127.0.0.1 and [::1]. */
public final class Loopback {
    public static final InetAddress IPV4 = address(new byte[] {127, 0, 0, 1});
    public static final InetAddress IPV6 = address(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});

    private Loopback() {}

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public static InetSocketAddress ipv4(int port) {
        return new InetSocketAddress(IPV4, port);
    }

    public static InetSocketAddress ipv6(int port) {
        return new InetSocketAddress(IPV6, port);
    }

    /**
     * Checks that {@code address} is exactly 127.0.0.1 or ::1 with a port, and returns it in the
     * {@code 127.0.0.1:P} / {@code [::1]:P} form dhtnode's {@code -b} and the console's {@code b}
     * accept. Anything else (a host name, another address, an unresolved address) is refused, so
     * no test can ever make a peer contact a host outside this machine.
     */
    public static String requireLoopback(InetSocketAddress address) {
        if (address == null || address.isUnresolved()) {
            throw new IllegalArgumentException("interop peers only take literal loopback addresses, not " + address);
        }
        InetAddress ip = address.getAddress();
        int port = address.getPort();
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("no port in " + address);
        }
        if (ip instanceof Inet4Address && ip.equals(IPV4)) {
            return "127.0.0.1:" + port;
        }
        if (ip instanceof Inet6Address && ip.equals(IPV6)) {
            return "[::1]:" + port;
        }
        throw new IllegalArgumentException(
                "refusing non-loopback interop address " + address + ": only 127.0.0.1 and [::1] are allowed");
    }
}
