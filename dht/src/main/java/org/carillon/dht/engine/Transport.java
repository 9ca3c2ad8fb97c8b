package org.carillon.dht.engine;

import java.net.InetSocketAddress;
import org.carillon.dht.wire.Family;

/** The node's only way out: datagrams to addresses. Inbound datagrams are pushed to the node. */
public interface Transport {
    /** Sends one datagram; failures are the transport's to log, the protocol retries. */
    void send(byte[] datagram, InetSocketAddress to);

    /** Whether this transport has a socket of that family. */
    boolean supports(Family family);
}
