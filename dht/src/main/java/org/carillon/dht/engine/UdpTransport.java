package org.carillon.dht.engine;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import org.carillon.dht.wire.Family;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production transport: an IPv4 socket, an IPv6 socket, or one dual-stack IPv6 socket
 * that serves both families (how the wildcard bind works without IPV6_V6ONLY in Java).
 */
public final class UdpTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(UdpTransport.class);

    private final DatagramChannel v4;
    private final DatagramChannel v6;
    private final boolean dualStack;

    public UdpTransport(DatagramChannel v4, DatagramChannel v6, boolean dualStack) {
        this.v4 = v4;
        this.v6 = v6;
        this.dualStack = dualStack;
    }

    @Override
    public void send(byte[] datagram, InetSocketAddress to) {
        DatagramChannel c = to.getAddress() instanceof Inet4Address ? (dualStack ? v6 : v4) : v6;
        if (c == null) {
            return;
        }
        try {
            c.send(ByteBuffer.wrap(datagram), to);
        } catch (IOException e) {
            LOG.debug("send to {} failed: {}", to, e.toString());
        }
    }

    @Override
    public boolean supports(Family family) {
        return family == Family.IPV4 ? v4 != null || dualStack : v6 != null;
    }
}
