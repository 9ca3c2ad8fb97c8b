package org.carillon.dht.engine;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.carillon.dht.InfoHash;
import org.carillon.dht.sim.SimulatedNetwork;
import org.carillon.dht.wire.DecodeResult;
import org.carillon.dht.wire.Message;
import org.carillon.dht.wire.Message.ValueParts;
import org.carillon.dht.wire.Packet;
import org.carillon.dht.wire.WireCodec;

/** A hand-driven protocol peer on the simulated network: sends what a test says, records what arrives. */
final class RawPeer {
    final InfoHash id;
    final InetSocketAddress address;
    final List<Packet> received = new ArrayList<>();
    private final SimulatedNetwork network;
    private final Map<Long, DecodeResult.AwaitingParts> partial = new HashMap<>();
    private final Map<Long, ByteArrayOutputStream> parts = new HashMap<>();
    private long network_id;
    private long nextTid = 100;

    RawPeer(SimulatedNetwork network, InetSocketAddress address, RandomGenerator random) {
        this.network = network;
        this.address = address;
        this.id = InfoHash.random(random);
        network.attach(address, this::receive);
    }

    RawPeer onNetwork(long networkId) {
        this.network_id = networkId;
        return this;
    }

    /** Sends a message to {@code to}; returns its transaction id. */
    long send(Message m, InetSocketAddress to) {
        long tid = nextTid++;
        for (byte[] d : WireCodec.encode(new Packet(tid, network_id, Packet.DEFAULT_AGENT, false, m))) {
            network.inject(d, address, to);
        }
        return tid;
    }

    /** Messages received as replies to {@code tid} (or any message, for tid -1), in order. */
    <T extends Message> List<T> messages(Class<T> type, long tid) {
        List<T> out = new ArrayList<>();
        for (Packet p : received) {
            if ((tid < 0 || p.tid() == tid) && type.isInstance(p.message())) {
                out.add(type.cast(p.message()));
            }
        }
        return out;
    }

    private void receive(byte[] data, InetSocketAddress from) {
        DecodeResult r = WireCodec.decode(data);
        if (r instanceof DecodeResult.Complete c) {
            Packet p = c.packet();
            if (p.message() instanceof ValueParts vp) {
                ByteArrayOutputStream buf = parts.computeIfAbsent(p.tid(), t -> new ByteArrayOutputStream());
                buf.writeBytes(vp.parts().get(0).data());
                DecodeResult.AwaitingParts header = partial.get(p.tid());
                if (header != null && buf.size() == header.sizes().get(0)) {
                    partial.remove(p.tid());
                    DecodeResult whole = WireCodec.assemble(
                            header.header(), List.of(parts.remove(p.tid()).toByteArray()));
                    received.add(((DecodeResult.Complete) whole).packet());
                }
            } else {
                received.add(p);
                if (p.message() instanceof Message.Update || p.message() instanceof Message.UpdateIds) {
                    // A listener answers every push, or the storage node retries it.
                    for (byte[] d : WireCodec.encode(new Packet(
                            p.tid(), network_id, null, false, Message.Reply.simple(id, from.getAddress())))) {
                        network.inject(d, address, from);
                    }
                }
            }
        } else if (r instanceof DecodeResult.AwaitingParts a) {
            partial.put(a.header().tid(), a);
        }
    }
}
