package org.carillon.dht.engine;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.carillon.dht.Field;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.carillon.dht.sim.SimulatedNetwork;
import org.carillon.dht.wire.DecodeResult;
import org.carillon.dht.wire.Message;
import org.carillon.dht.wire.Message.Find;
import org.carillon.dht.wire.Message.Get;
import org.carillon.dht.wire.Message.Projection;
import org.carillon.dht.wire.Message.Reply;
import org.carillon.dht.wire.NodeInfo;
import org.carillon.dht.wire.Packet;
import org.carillon.dht.wire.WireCodec;

/**
 * A scripted node on the simulated network, for tests of what a search does with peers that
 * misbehave: it answers each request as its {@link Script} says (by default like an honest
 * storage node that knows a fixed list of neighbours) and counts every request it receives.
 */
final class FakeNode {
    /** The answers to one request, sent back in order with the request's transaction id; empty stays silent. */
    @FunctionalInterface
    interface Script {
        List<Message> answer(FakeNode self, Message.Request request, InetSocketAddress from);
    }

    /** A fixed token: honest nodes hand out tokens, and a find/get reply without one gets a peer blacklisted. */
    static final byte[] TOKEN = {1, 2, 3, 4, 5, 6, 7, 8};

    final InfoHash id;
    final InetSocketAddress address;
    /** What this node answers to find and get requests as its neighbours. */
    final List<NodeInfo> neighbours = new ArrayList<>();
    /** Values this node holds, by key: served to gets, added to by puts. */
    final Map<InfoHash, List<Value>> stored = new HashMap<>();

    private final SimulatedNetwork network;
    private final Map<String, Integer> received = new TreeMap<>();
    private Script script = FakeNode::honest;
    private long nextTid = 1;

    FakeNode(SimulatedNetwork network, InfoHash id, InetSocketAddress address) {
        this.network = network;
        this.id = id;
        this.address = address;
        network.attach(address, this::receive);
    }

    FakeNode script(Script script) {
        this.script = script;
        return this;
    }

    NodeInfo info() {
        return new NodeInfo(id, address);
    }

    /** Requests of one kind ({@code ping}, {@code find}, {@code get}, {@code put}, …) received so far. */
    int received(String kind) {
        return received.getOrDefault(kind, 0);
    }

    int receivedTotal() {
        return received.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Sends a request nobody asked for, with a fresh transaction id. */
    void send(Message.Request request, InetSocketAddress to) {
        send(nextTid++, request, to);
    }

    /** Sends any message with the given transaction id, as a reply or a forgery. */
    void send(long tid, Message message, InetSocketAddress to) {
        for (byte[] d : WireCodec.encode(new Packet(tid, 0, Packet.DEFAULT_AGENT, false, message))) {
            network.inject(d, address, to);
        }
    }

    private void receive(byte[] data, InetSocketAddress from) {
        DecodeResult r = WireCodec.decode(data);
        if (!(r instanceof DecodeResult.Complete c) || !(c.packet().message() instanceof Message.Request q)) {
            received.merge("other", 1, Integer::sum);
            return;
        }
        received.merge(q.name(), 1, Integer::sum);
        for (Message m : script.answer(this, q, from)) {
            send(c.packet().tid(), m, from);
        }
    }

    // ---------------------------------------------------------------- building blocks for scripts

    /** What an honest node answers: pings, finds and gets with its neighbours and values, puts stored. */
    List<Message> honest(Message.Request q, InetSocketAddress from) {
        if (q instanceof Find f) {
            return List.of(nodesReply(from, closestNeighbours(f.target()), List.of(), null));
        }
        if (q instanceof Get g) {
            List<Value> values = new ArrayList<>();
            for (Value v : stored.getOrDefault(g.key(), List.of())) {
                if (g.query() == null || g.query().matches(v)) {
                    values.add(v);
                }
            }
            boolean select = g.query() != null && !g.query().select().isEmpty();
            return List.of(nodesReply(
                    from,
                    closestNeighbours(g.key()),
                    select ? List.of() : values,
                    select ? project(values, g.query().select()) : null));
        }
        if (q instanceof Message.Put p) {
            List<Value> values = stored.computeIfAbsent(p.key(), k -> new ArrayList<>());
            List<Message> acks = new ArrayList<>();
            for (Value v : p.values()) {
                values.removeIf(old -> old.id() == v.id());
                values.add(v);
                acks.add(new Reply(id, v.id(), from.getAddress(), List.of(), List.of(), null, List.of(), null));
            }
            return acks;
        }
        if (q instanceof Message.Refresh r) {
            return List.of(new Reply(id, r.valueId(), from.getAddress(), List.of(), List.of(), null, List.of(), null));
        }
        return List.of(Reply.simple(id, from.getAddress()));
    }

    /** A find/get reply carrying a token, these nodes, and values or a projection. */
    Reply nodesReply(InetSocketAddress to, List<NodeInfo> nodes, List<Value> values, Projection projection) {
        return new Reply(id, null, to.getAddress(), nodes, List.of(), TOKEN, values, projection);
    }

    private List<NodeInfo> closestNeighbours(InfoHash target) {
        return neighbours.stream()
                .sorted(Comparator.comparing(NodeInfo::id, target::xorCompare))
                .limit(NodeCore.SEND_NODES)
                .toList();
    }

    private static Projection project(List<Value> values, List<Field> select) {
        List<Field> fields = select.stream()
                .distinct()
                .sorted(Comparator.comparingInt(Field::code))
                .toList();
        List<List<Object>> rows = new ArrayList<>();
        for (Value v : values) {
            List<Object> row = new ArrayList<>();
            for (Field f : fields) {
                row.add(
                        switch (f) {
                            case ID -> v.id();
                            case VALUE_TYPE -> (long) v.type();
                            case SEQ_NUM -> (long) v.seq();
                            case USER_TYPE -> v.userType();
                            case OWNER_PK -> new byte[InfoHash.SIZE];
                        });
            }
            rows.add(row);
        }
        return new Projection(fields, rows);
    }

    /** Whether a get asks for one value by id: the second step of a paginated get. */
    static boolean isPageRequest(Message.Request q) {
        return q instanceof Get g
                && g.query() != null
                && g.query().select().isEmpty()
                && g.query().where().stream().anyMatch(c -> c.field() == Field.ID);
    }

    /** An id sharing its first {@code bits} bits with {@code target}, the rest random. */
    static InfoHash near(InfoHash target, int bits, RandomGenerator random) {
        byte[] b = target.toBytes();
        byte[] noise = InfoHash.random(random).toBytes();
        for (int i = bits; i < InfoHash.SIZE * 8; i++) {
            int mask = 1 << (7 - i % 8);
            b[i / 8] = (byte) ((b[i / 8] & ~mask) | (noise[i / 8] & mask));
        }
        return InfoHash.of(b);
    }
}
