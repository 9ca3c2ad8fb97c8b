package org.carillon.dht.wire;

import java.util.ArrayList;
import java.util.List;
import org.carillon.dht.Field;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.wire.Message.ErrorReply;
import org.carillon.dht.wire.Message.Find;
import org.carillon.dht.wire.Message.Get;
import org.carillon.dht.wire.Message.Listen;
import org.carillon.dht.wire.Message.Ping;
import org.carillon.dht.wire.Message.Projection;
import org.carillon.dht.wire.Message.Put;
import org.carillon.dht.wire.Message.Refresh;
import org.carillon.dht.wire.Message.Reply;
import org.carillon.dht.wire.Message.Update;
import org.carillon.dht.wire.Message.UpdateIds;
import org.carillon.dht.wire.Message.ValueParts;

/** Writes packets with 2.4.12's key order and integer widths ({@code src/network_engine.cpp}). */
final class WireEncoder {
    /** Values ride inline only below these limits ({@code MAX_PACKET_VALUE_SIZE}, 50 values). */
    static final int MAX_INLINE_BYTES = 600;

    static final int MAX_INLINE_VALUES = 50;

    /** Bytes of packed value per fragment ({@code MTU}). */
    static final int FRAGMENT_SIZE = 1280;

    private WireEncoder() {}

    static List<byte[]> encode(Packet packet) {
        List<byte[]> packedValues = packedValues(packet.message());
        boolean fragmented = packedValues.size() >= MAX_INLINE_VALUES
                || packedValues.stream().mapToInt(b -> b.length).sum() >= MAX_INLINE_BYTES;
        MsgpackWriter w = new MsgpackWriter(256);
        Message message = packet.message();
        if (message instanceof ErrorReply e) {
            w.mapHeader(4 + envelopeExtras(packet));
            w.str("e").arrayHeader(2).uint32(e.code()).str(e.text());
            w.str("r").mapHeader(1).str("id").bin(e.sender().toBytes());
            tidKindAgent(w, packet, "e");
            networkAndClient(w, packet);
        } else if (message instanceof Reply r) {
            w.mapHeader(3 + envelopeExtras(packet));
            w.str("r");
            reply(w, r, packedValues, fragmented);
            tidKindAgent(w, packet, "r");
            networkAndClient(w, packet);
        } else if (message instanceof ValueParts p) {
            w.mapHeader(3 + (packet.network() != 0 ? 1 : 0));
            if (packet.network() != 0) {
                w.str("n").uint(packet.network());
            }
            w.str("y").str("p").str("t").uint(packet.tid());
            w.str("p").mapHeader(p.parts().size());
            for (var e : new java.util.TreeMap<>(p.parts()).entrySet()) {
                w.uint(e.getKey()).mapHeader(2);
                w.str("o").uint(e.getValue().offset()).str("d").bin(e.getValue().data());
            }
        } else if (message instanceof UpdateIds u) {
            // 2.4.12 builds these pushes in a different order: a, y, v, [n], q, t.
            w.mapHeader(4 + envelopeExtras(packet));
            w.str("a").mapHeader(4);
            w.str("id").bin(u.sender().toBytes()).str("sid").uint(u.socketId());
            w.str("token").bin(u.token());
            w.str(u.kind() == UpdateIds.Kind.EXPIRED ? "exp" : "re")
                    .arrayHeader(u.valueIds().size());
            for (long id : u.valueIds()) {
                w.uint(id);
            }
            w.str("y").str("q");
            if (packet.agent() != null) {
                w.str("v").str(packet.agent());
            }
            networkAndClient(w, packet);
            w.str("q").str("update").str("t").uint(packet.tid());
        } else {
            Message.Request q = (Message.Request) message;
            w.mapHeader(4 + envelopeExtras(packet));
            w.str("a");
            arguments(w, q, packedValues, fragmented);
            w.str("q").str(q.name());
            tidKindAgent(w, packet, "q");
            networkAndClient(w, packet);
        }
        List<byte[]> out = new ArrayList<>();
        out.add(w.toByteArray());
        if (fragmented) {
            for (int i = 0; i < packedValues.size(); i++) {
                byte[] v = packedValues.get(i);
                for (int off = 0; off < v.length; off += FRAGMENT_SIZE) {
                    int n = Math.min(FRAGMENT_SIZE, v.length - off);
                    MsgpackWriter f = new MsgpackWriter(n + 32);
                    f.mapHeader(3 + (packet.network() != 0 ? 1 : 0));
                    if (packet.network() != 0) {
                        f.str("n").uint(packet.network());
                    }
                    f.str("y").str("p").str("t").uint(packet.tid());
                    f.str("p").mapHeader(1).uint(i).mapHeader(2);
                    f.str("o").uint(off).str("d").bin(v, off, n);
                    out.add(f.toByteArray());
                }
            }
        }
        return out;
    }

    /** Number of optional top-level keys besides the fixed ones: {@code v}, {@code n}, {@code s}. */
    private static int envelopeExtras(Packet p) {
        return (p.agent() != null ? 1 : 0) + (p.network() != 0 ? 1 : 0) + (p.client() ? 1 : 0);
    }

    private static void tidKindAgent(MsgpackWriter w, Packet p, String kind) {
        w.str("t").uint(p.tid()).str("y").str(kind);
        if (p.agent() != null) {
            w.str("v").str(p.agent());
        }
    }

    private static void networkAndClient(MsgpackWriter w, Packet p) {
        if (p.network() != 0) {
            w.str("n").uint(p.network());
        }
        if (p.client()) {
            w.str("s").bool(true);
        }
    }

    private static List<byte[]> packedValues(Message m) {
        List<Value> values = m instanceof Put p
                ? p.values()
                : m instanceof Update u ? u.values() : m instanceof Reply r ? r.values() : List.of();
        List<byte[]> packed = new ArrayList<>(values.size());
        for (Value v : values) {
            packed.add(packValue(v));
        }
        return packed;
    }

    private static void arguments(MsgpackWriter w, Message.Request q, List<byte[]> values, boolean fragmented) {
        if (q instanceof Ping p) {
            w.mapHeader(1).str("id").bin(p.sender().toBytes());
        } else if (q instanceof Find f) {
            w.mapHeader(2 + (f.want().isEmpty() ? 0 : 1));
            w.str("id").bin(f.sender().toBytes()).str("target").bin(f.target().toBytes());
            want(w, f.want());
        } else if (q instanceof Get g) {
            boolean q1 = g.query() != null;
            w.mapHeader(1 + (g.key() != null ? 1 : 0) + (q1 ? 1 : 0) + (g.want().isEmpty() ? 0 : 1));
            w.str("id").bin(g.sender().toBytes());
            key(w, g.key());
            if (q1) {
                w.str("q");
                query(w, g.query());
            }
            want(w, g.want());
        } else if (q instanceof Put p) {
            w.mapHeader(3 + (p.key() != null ? 1 : 0) + (p.created() != null ? 1 : 0));
            w.str("id").bin(p.sender().toBytes());
            key(w, p.key());
            w.str("values");
            values(w, values, fragmented);
            if (p.created() != null) {
                w.str("c").uint(p.created());
            }
            w.str("token").bin(p.token());
        } else if (q instanceof Refresh r) {
            w.mapHeader(4);
            w.str("id").bin(r.sender().toBytes()).str("h").bin(r.key().toBytes());
            w.str("vid").uint(r.valueId()).str("token").bin(r.token());
        } else if (q instanceof Listen l) {
            w.mapHeader(4 + (l.key() != null ? 1 : 0) + (l.query() != null ? 1 : 0));
            w.str("id").bin(l.sender().toBytes()).str("ve").uint32(l.version());
            key(w, l.key());
            w.str("token").bin(l.token());
            w.str("sid").uint(l.socketId());
            if (l.query() != null) {
                w.str("q");
                query(w, l.query());
            }
        } else if (q instanceof Update u) {
            w.mapHeader(6 + (u.created() != null ? 1 : 0));
            w.str("id").bin(u.sender().toBytes()).str("ve").uint32(u.version());
            w.str("h").bin(u.key().toBytes()).str("sid").uint(u.socketId());
            w.str("values");
            values(w, values, fragmented);
            if (u.created() != null) {
                w.str("c").uint(u.created());
            }
            w.str("token").bin(u.token());
        } else {
            throw new IllegalStateException(q.name() + " has its own layout");
        }
    }

    private static void reply(MsgpackWriter w, Reply r, List<byte[]> values, boolean fragmented) {
        int n = 1
                + (r.valueId() != null ? 1 : 0)
                + (r.reportedAddress() != null ? 1 : 0)
                + (r.nodes4().isEmpty() ? 0 : 1)
                + (r.nodes6().isEmpty() ? 0 : 1)
                + (r.token() != null ? 1 : 0)
                + (values.isEmpty() ? 0 : 1)
                + (r.projection() != null ? 1 : 0);
        w.mapHeader(n);
        w.str("id").bin(r.sender().toBytes());
        if (r.valueId() != null) {
            w.str("vid").uint(r.valueId());
        }
        if (r.reportedAddress() != null) {
            w.str("sa").bin(r.reportedAddress().getAddress());
        }
        if (!r.nodes4().isEmpty()) {
            w.str("n4").bin(compactNodes(r.nodes4(), Family.IPV4));
        }
        if (!r.nodes6().isEmpty()) {
            w.str("n6").bin(compactNodes(r.nodes6(), Family.IPV6));
        }
        if (r.token() != null) {
            w.str("token").bin(r.token());
        }
        if (!values.isEmpty()) {
            w.str("values");
            values(w, values, fragmented);
        }
        if (r.projection() != null) {
            w.str("fileds");
            projection(w, r.projection());
        }
    }

    static byte[] compactNodes(List<NodeInfo> nodes, Family family) {
        int len = family.compactNodeLength();
        byte[] buf = new byte[nodes.size() * len];
        int off = 0;
        for (NodeInfo n : nodes) {
            n.id().copyTo(buf, off);
            byte[] ip = n.address().getAddress().getAddress();
            if (ip.length != family.addressLength()) {
                throw new IllegalArgumentException(n + " is not " + family);
            }
            System.arraycopy(ip, 0, buf, off + 20, ip.length);
            buf[off + len - 2] = (byte) (n.address().getPort() >>> 8);
            buf[off + len - 1] = (byte) n.address().getPort();
            off += len;
        }
        return buf;
    }

    private static void values(MsgpackWriter w, List<byte[]> values, boolean fragmented) {
        w.arrayHeader(values.size());
        for (byte[] v : values) {
            if (fragmented) {
                w.uint(v.length);
            } else {
                w.raw(v, 0, v.length);
            }
        }
    }

    private static void key(MsgpackWriter w, org.carillon.dht.InfoHash key) {
        if (key != null) {
            w.str("h").bin(key.toBytes());
        }
    }

    private static void want(MsgpackWriter w, List<Long> want) {
        if (!want.isEmpty()) {
            w.str("w").arrayHeader(want.size());
            for (long f : want) {
                w.uint(f);
            }
        }
    }

    private static void query(MsgpackWriter w, Query q) {
        w.mapHeader(2).str("s").arrayHeader(q.select().size());
        for (Field f : q.select()) {
            w.uint(f.code());
        }
        w.str("w").arrayHeader(q.where().size());
        for (Query.Condition c : q.where()) {
            w.mapHeader(2).str("f").uint(c.field().code()).str("v");
            Object o = c.operand();
            if (o instanceof Long l) {
                w.uint(l);
            } else if (o instanceof org.carillon.dht.InfoHash h) {
                w.bin(h.toBytes());
            } else {
                w.bin((byte[]) o);
            }
        }
    }

    private static void projection(MsgpackWriter w, Projection p) {
        w.mapHeader(2).str("f").arrayHeader(p.fields().size());
        for (Field f : p.fields()) {
            w.uint(f.code());
        }
        w.str("v").arrayHeader(p.rows().size() * p.fields().size());
        for (List<Object> row : p.rows()) {
            for (Object e : row) {
                if (e instanceof Long l) {
                    w.uint(l);
                } else if (e instanceof String s) {
                    w.str(s);
                } else {
                    w.bin((byte[]) e);
                }
            }
        }
    }

    /** The packed {@code {id, dat, [p]}} map of a value. */
    static byte[] packValue(Value v) {
        MsgpackWriter w = new MsgpackWriter(64 + v.storageSize() + (v.owner() == null ? 0 : v.owner().length));
        w.mapHeader(2 + (v.priority() != 0 ? 1 : 0));
        w.str("id").uint(v.id()).str("dat");
        if (v.isEncrypted()) {
            w.bin(v.cypher());
        } else {
            w.mapHeader(v.isSigned() ? 2 : 1).str("body");
            toSign(w, v);
            if (v.isSigned()) {
                w.str("sig").bin(v.signature());
            }
        }
        if (v.priority() != 0) {
            w.str("p").uint32(v.priority());
        }
        return w.toByteArray();
    }

    /** The canonical body that signatures cover (§10.1). */
    static void toSign(MsgpackWriter w, Value v) {
        boolean signed = v.owner() != null;
        boolean addressed = v.recipient() != null;
        int n = 2 + (signed ? 2 : 0) + (addressed ? 1 : 0) + (v.userType().isEmpty() ? 0 : 1);
        w.mapHeader(n);
        if (signed) {
            w.str("seq").uint(v.seq()).str("owner").bin(v.owner());
        }
        if (addressed) {
            w.str("to").bin(v.recipient().toBytes());
        }
        w.str("type").uint(v.type()).str("data").bin(v.data());
        if (!v.userType().isEmpty()) {
            w.str("utype").str(v.userType());
        }
    }
}
