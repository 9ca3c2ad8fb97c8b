package org.carillon.dht.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.carillon.dht.InfoHash;

/**
 * The datagrams of OpenDHT's LAN peer discovery ({@code src/peer_discovery.cpp}, {@code
 * src/dhtrunner.cpp} in 2.4.12): a query is the msgpack string {@code "q"}; an announcement is
 * a map from service name to payload, the DHT's being {@code "dht" → [node id (bin 20), DHT
 * port, network id]} (msgpack-c's {@code NodeInsertionPack}). Other applications announce other
 * services in the same map.
 */
public final class DiscoveryCodec {
    public static final String DHT_SERVICE = "dht";
    private static final String QUERY = "q";

    private DiscoveryCodec() {}

    /** A decoded discovery datagram. */
    public sealed interface DiscoveryMessage {}

    /** "Who is there?": publishers answer with their announcement, to the sender only. */
    public record Query() implements DiscoveryMessage {}

    /** A DHT node at {@code port} of the sender's address. */
    public record DhtAnnouncement(InfoHash nodeId, int port, long network) implements DiscoveryMessage {}

    /** An announcement of services other than the DHT's (none for us). */
    public record OtherServices(List<String> services) implements DiscoveryMessage {
        public OtherServices {
            services = List.copyOf(services);
        }
    }

    /** Anything else; {@code reason} says what was wrong with it. */
    public record Garbage(String reason) implements DiscoveryMessage {}

    public static byte[] query() {
        return new MsgpackWriter(2).str(QUERY).toByteArray();
    }

    /** The announcement of a DHT node, byte for byte as msgpack-c packs it. */
    public static byte[] announcement(InfoHash nodeId, int port, long network) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not in 1..65535");
        }
        if (network < 0 || network > 0xffff_ffffL) {
            throw new IllegalArgumentException("network id " + network + " is not a 32-bit unsigned number");
        }
        return new MsgpackWriter(48)
                .mapHeader(1)
                .str(DHT_SERVICE)
                .arrayHeader(3)
                .bin(nodeId.toBytes())
                .uint(port)
                .uint(network)
                .toByteArray();
    }

    /** Decodes any datagram; never throws. */
    public static DiscoveryMessage decode(byte[] datagram) {
        Object o;
        try {
            o = MsgpackReader.parse(datagram);
        } catch (MsgpackReader.Malformed e) {
            return new Garbage("malformed msgpack: " + e.getMessage());
        }
        if (o instanceof String s) {
            return s.equals(QUERY) ? new Query() : new Garbage("the string \"" + shorten(s) + "\", not the query");
        }
        if (o instanceof Map<?, ?> services) {
            Object payload = services.get(DHT_SERVICE);
            if (payload == null) {
                List<String> names = new ArrayList<>();
                for (Object k : services.keySet()) {
                    if (k instanceof String name) {
                        names.add(shorten(name));
                    }
                }
                return names.isEmpty() ? new Garbage("a map without service names") : new OtherServices(names);
            }
            return dhtAnnouncement(payload);
        }
        return new Garbage("a " + typeOf(o) + ", neither a query nor an announcement");
    }

    private static DiscoveryMessage dhtAnnouncement(Object payload) {
        if (!(payload instanceof List<?> fields) || fields.size() < 3) {
            return new Garbage("the dht payload is not an array of node id, port and network");
        }
        // msgpack-c also takes longer arrays; extra fields would be from a newer version.
        if (!(fields.get(0) instanceof byte[] id) || id.length != InfoHash.SIZE) {
            return new Garbage("the node id is not 20 bytes of bin");
        }
        if (!(fields.get(1) instanceof Long port) || port < 1 || port > 65535) {
            return new Garbage("the port " + fields.get(1) + " is not in 1..65535");
        }
        if (!(fields.get(2) instanceof Long network) || network < 0 || network > 0xffff_ffffL) {
            return new Garbage("the network id " + fields.get(2) + " is not a 32-bit unsigned number");
        }
        return new DhtAnnouncement(InfoHash.of(id), port.intValue(), network);
    }

    private static String typeOf(Object o) {
        if (o instanceof List) {
            return "array";
        }
        if (o instanceof byte[]) {
            return "bin";
        }
        if (o instanceof Long || o instanceof MsgpackReader.Negative) {
            return "number";
        }
        return o == MsgpackReader.NIL ? "nil" : o.getClass().getSimpleName().toLowerCase();
    }

    private static String shorten(String s) {
        return s.length() <= 24 ? s : s.substring(0, 24) + "…";
    }
}
