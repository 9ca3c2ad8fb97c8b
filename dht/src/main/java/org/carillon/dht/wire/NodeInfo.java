package org.carillon.dht.wire;

import java.net.InetSocketAddress;
import org.carillon.dht.InfoHash;

/** A node as it travels in {@code n4}/{@code n6}: its id and its UDP address. */
public record NodeInfo(InfoHash id, InetSocketAddress address) {}
