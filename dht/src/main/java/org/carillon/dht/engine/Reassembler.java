package org.carillon.dht.engine;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.carillon.dht.wire.DecodeResult;
import org.carillon.dht.wire.Message.ValueParts;
import org.carillon.dht.wire.Packet;
import org.carillon.dht.wire.WireCodec;

/**
 * Puts fragmented values back together (§7): parts must come from the header's address, in
 * order, within 3 s of each other and 10 s of the header.
 */
final class Reassembler {
    static final long PART_TIMEOUT = 3_000;
    static final long TOTAL_TIMEOUT = 10_000;
    /** Bound on messages being reassembled at once. */
    static final int MAX_PENDING = 512;

    private record Key(InetSocketAddress from, long tid) {}

    private static final class Partial {
        final Packet header;
        final List<Integer> sizes;
        final List<ByteArrayOutputStream> buffers = new ArrayList<>();
        final long started;
        long last;

        Partial(Packet header, List<Integer> sizes, long now) {
            this.header = header;
            this.sizes = sizes;
            for (int i = 0; i < sizes.size(); i++) {
                buffers.add(new ByteArrayOutputStream()); // grows with parts actually received, never from claims
            }
            started = now;
            last = now;
        }

        boolean complete() {
            for (int i = 0; i < sizes.size(); i++) {
                if (buffers.get(i).size() != sizes.get(i)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** What a part led to. */
    sealed interface Outcome {}

    record Incomplete() implements Outcome {}

    record Done(DecodeResult result) implements Outcome {}

    record Unexpected(String why) implements Outcome {}

    private final Map<Key, Partial> pending = new LinkedHashMap<>();

    /** Starts waiting for the parts of a header; false when too many messages are pending. */
    boolean expect(DecodeResult.AwaitingParts header, InetSocketAddress from, long now) {
        purge(now);
        if (pending.size() >= MAX_PENDING) {
            return false;
        }
        pending.put(new Key(from, header.header().tid()), new Partial(header.header(), header.sizes(), now));
        return true;
    }

    Outcome accept(Packet packet, InetSocketAddress from, long now) {
        purge(now);
        Key key = new Key(from, packet.tid());
        Partial p = pending.get(key);
        if (p == null) {
            return new Unexpected("no message awaits parts with this tid from this address");
        }
        for (Map.Entry<Integer, ValueParts.Part> e :
                ((ValueParts) packet.message()).parts().entrySet()) {
            int index = e.getKey();
            if (index >= p.sizes.size()) {
                return new Unexpected("part for value " + index + " of " + p.sizes.size());
            }
            ByteArrayOutputStream buf = p.buffers.get(index);
            byte[] data = e.getValue().data();
            if (e.getValue().offset() != buf.size() || buf.size() + data.length > p.sizes.get(index)) {
                return new Unexpected("part out of order or too long");
            }
            buf.writeBytes(data);
        }
        p.last = now;
        if (!p.complete()) {
            return new Incomplete();
        }
        pending.remove(key);
        List<byte[]> values = new ArrayList<>(p.buffers.size());
        p.buffers.forEach(b -> values.add(b.toByteArray()));
        return new Done(WireCodec.assemble(p.header, values));
    }

    void purge(long now) {
        for (Iterator<Partial> it = pending.values().iterator(); it.hasNext(); ) {
            Partial p = it.next();
            if (now - p.last > PART_TIMEOUT || now - p.started > TOTAL_TIMEOUT) {
                it.remove();
            }
        }
    }

    int size() {
        return pending.size();
    }
}
