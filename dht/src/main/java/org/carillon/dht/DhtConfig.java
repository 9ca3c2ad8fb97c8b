package org.carillon.dht;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How a node runs.
 *
 * @param bindAddresses one socket per address, all on {@code port}; the default binds the
 *     IPv4 and IPv6 wildcards, as dhtnode does
 * @param port UDP port, 0 for any free port (the IPv6 socket then takes the IPv4 one's)
 * @param network network id; nodes of different networks ignore each other
 * @param bootstrap addresses pinged to join the network
 * @param rateLimited whether OpenDHT's request rate limits apply ({@code dhtnode -U} turns them off)
 * @param storageLimit bytes of values this node stores for others
 * @param stateFile where the node saves its good nodes (on close and every 10 minutes) and
 *     rejoins through them at start; {@code null} for none
 * @param peerDiscovery whether the node announces itself on the LAN and joins the nodes it
 *     hears of there (OpenDHT's {@code dhtnode -D}); off by default
 * @param discoveryChannel where LAN announcements go when {@code peerDiscovery} is on
 */
public record DhtConfig(
        List<InetAddress> bindAddresses,
        int port,
        long network,
        List<InetSocketAddress> bootstrap,
        boolean rateLimited,
        long storageLimit,
        Path stateFile,
        boolean peerDiscovery,
        DiscoveryChannel discoveryChannel) {

    public static final int DEFAULT_PORT = 4222;
    public static final long DEFAULT_STORAGE_LIMIT = 64L * 1024 * 1024;

    public DhtConfig {
        bindAddresses = List.copyOf(bindAddresses);
        bootstrap = List.copyOf(bootstrap);
        Objects.requireNonNull(discoveryChannel, "discoveryChannel");
        if (bindAddresses.isEmpty()) {
            throw new IllegalArgumentException("a node needs at least one bind address");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not in 0..65535");
        }
        if (network < 0 || network > 0xffff_ffffL) {
            throw new IllegalArgumentException("network id " + network + " is not a 32-bit unsigned number");
        }
    }

    public static DhtConfig defaults() {
        return new DhtConfig(
                List.of(wildcard("0.0.0.0"), wildcard("::")),
                DEFAULT_PORT,
                0,
                List.of(),
                true,
                DEFAULT_STORAGE_LIMIT,
                null,
                false,
                DiscoveryChannel.OPENDHT);
    }

    public DhtConfig withBindAddresses(List<InetAddress> addresses) {
        return new DhtConfig(
                addresses,
                port,
                network,
                bootstrap,
                rateLimited,
                storageLimit,
                stateFile,
                peerDiscovery,
                discoveryChannel);
    }

    public DhtConfig withPort(int newPort) {
        return new DhtConfig(
                bindAddresses,
                newPort,
                network,
                bootstrap,
                rateLimited,
                storageLimit,
                stateFile,
                peerDiscovery,
                discoveryChannel);
    }

    public DhtConfig withNetwork(long newNetwork) {
        return new DhtConfig(
                bindAddresses,
                port,
                newNetwork,
                bootstrap,
                rateLimited,
                storageLimit,
                stateFile,
                peerDiscovery,
                discoveryChannel);
    }

    public DhtConfig withBootstrap(List<InetSocketAddress> nodes) {
        return new DhtConfig(
                bindAddresses,
                port,
                network,
                nodes,
                rateLimited,
                storageLimit,
                stateFile,
                peerDiscovery,
                discoveryChannel);
    }

    public DhtConfig withRateLimited(boolean limited) {
        return new DhtConfig(
                bindAddresses,
                port,
                network,
                bootstrap,
                limited,
                storageLimit,
                stateFile,
                peerDiscovery,
                discoveryChannel);
    }

    public DhtConfig withStorageLimit(long bytes) {
        return new DhtConfig(
                bindAddresses,
                port,
                network,
                bootstrap,
                rateLimited,
                bytes,
                stateFile,
                peerDiscovery,
                discoveryChannel);
    }

    /** Saves the good nodes to {@code file} and rejoins through them at the next start; null for none. */
    public DhtConfig withStateFile(Path file) {
        return new DhtConfig(
                bindAddresses,
                port,
                network,
                bootstrap,
                rateLimited,
                storageLimit,
                file,
                peerDiscovery,
                discoveryChannel);
    }

    /** Turns LAN peer discovery on or off (on sends multicast to the whole LAN). */
    public DhtConfig withPeerDiscovery(boolean enabled) {
        return new DhtConfig(
                bindAddresses,
                port,
                network,
                bootstrap,
                rateLimited,
                storageLimit,
                stateFile,
                enabled,
                discoveryChannel);
    }

    public DhtConfig withDiscoveryChannel(DiscoveryChannel channel) {
        return new DhtConfig(
                bindAddresses, port, network, bootstrap, rateLimited, storageLimit, stateFile, peerDiscovery, channel);
    }

    private static InetAddress wildcard(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
