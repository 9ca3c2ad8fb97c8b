package org.carillon.dht.interop;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * UDP ports that are free on both {@code 0.0.0.0} and {@code [::]} — dhtnode's {@code -p P}
 * binds both. Ports are drawn at random from 20000–32767 (below Linux's default ephemeral range,
 * so the kernel rarely hands them out by itself) and never returned twice by one JVM. There is
 * an unavoidable window between the check and the peer binding the port, so callers that start a
 * peer on an automatically chosen port should retry on a bind failure.
 */
public final class FreePorts {
    private static final int LOW = 20000;
    private static final int HIGH = 32768;
    private static final int ATTEMPTS = 200;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {}

    /** A UDP port free on 0.0.0.0 and [::]. */
    public static int udpPort() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = random.nextInt(LOW, HIGH);
            if (!HANDED_OUT.contains(port) && isUdpPortFree(port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free UDP port found in " + LOW + "-" + (HIGH - 1));
    }

    /** {@code count} distinct UDP ports, each free on 0.0.0.0 and [::]. */
    public static int[] udpPorts(int count) {
        int[] ports = new int[count];
        for (int i = 0; i < count; i++) {
            ports[i] = udpPort();
        }
        return ports;
    }

    /**
     * Whether {@code port} can be bound on 0.0.0.0 and on [::]. The IPv6 check binds a dual-stack
     * socket, which Linux also refuses when any IPv4 socket holds the port; a host without IPv6
     * only gets the IPv4 check.
     */
    public static boolean isUdpPortFree(int port) {
        if (!canBind(StandardProtocolFamily.INET, "0.0.0.0", port)) {
            return false;
        }
        return canBind(StandardProtocolFamily.INET6, "::", port) || !ipv6Available();
    }

    private static boolean canBind(ProtocolFamily family, String wildcard, int port) {
        try (DatagramChannel ch = DatagramChannel.open(family)) {
            ch.bind(new InetSocketAddress(InetAddress.getByName(wildcard), port));
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static boolean ipv6Available() {
        try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6)) {
            ch.bind(new InetSocketAddress(InetAddress.getByName("::"), 0));
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
