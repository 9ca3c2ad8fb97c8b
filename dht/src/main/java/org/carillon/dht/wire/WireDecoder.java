package org.carillon.dht.wire;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.carillon.dht.Field;
import org.carillon.dht.InfoHash;
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

/** Turns datagrams into {@link Packet}s following 2.4.12's parser ({@code src/parsed_message.h}). */
final class WireDecoder {
    /** Largest packed value accepted in a fragmented message (2.4.12: 64 KiB + 32). */
    static final int MAX_PACKED_VALUE = Value.MAX_SIZE + 32;

    private WireDecoder() {}

    /** Thrown inside the decoder only; always turned into {@link DecodeResult.Rejected}. */
    private static final class Bad extends Exception {
        final DecodeError error;

        Bad(DecodeError error, String message) {
            super(message, null, false, false);
            this.error = error;
        }
    }

    static DecodeResult decode(byte[] datagram) {
        Object root;
        try {
            root = MsgpackReader.parse(datagram);
        } catch (MsgpackReader.Malformed e) {
            return new DecodeResult.Rejected(DecodeError.MALFORMED, e.getMessage());
        }
        if (!(root instanceof Map<?, ?> map)) {
            return new DecodeResult.Rejected(DecodeError.NOT_A_MAP, "top level is not a map");
        }
        try {
            return decodeMap(map);
        } catch (Bad e) {
            return new DecodeResult.Rejected(e.error, e.getMessage());
        }
    }

    /** Builds the complete message from a header and its reassembled packed values. */
    static DecodeResult assemble(Packet header, List<byte[]> packedValues) {
        try {
            List<Value> values = new ArrayList<>(packedValues.size());
            for (byte[] packed : packedValues) {
                if (packed.length > MAX_PACKED_VALUE) {
                    throw new Bad(DecodeError.TOO_LARGE, "packed value of " + packed.length + " bytes");
                }
                Object o;
                try {
                    o = MsgpackReader.parse(packed);
                } catch (MsgpackReader.Malformed e) {
                    throw new Bad(DecodeError.MALFORMED, "value part: " + e.getMessage());
                }
                values.add(value(o));
            }
            Message m;
            if (header.message() instanceof Put p) {
                m = new Put(p.sender(), p.key(), values, p.created(), p.token());
            } else if (header.message() instanceof Update u) {
                m = new Update(u.sender(), u.version(), u.key(), u.socketId(), values, u.created(), u.token());
            } else if (header.message() instanceof Reply r) {
                m = new Reply(
                        r.sender(),
                        r.valueId(),
                        r.reportedAddress(),
                        r.nodes4(),
                        r.nodes6(),
                        r.token(),
                        values,
                        r.projection());
            } else {
                throw new Bad(DecodeError.UNKNOWN_KIND, "message carries no values");
            }
            return new DecodeResult.Complete(
                    new Packet(header.tid(), header.network(), header.agent(), header.client(), m));
        } catch (Bad e) {
            return new DecodeResult.Rejected(e.error, e.getMessage());
        }
    }

    private static DecodeResult decodeMap(Map<?, ?> m) throws Bad {
        long tid = tid(m.get("t"));
        long network = m.containsKey("n") ? uint32(m.get("n"), "n") : 0;
        String agent = m.get("v") instanceof String s ? s : null;
        boolean client = Boolean.TRUE.equals(m.get("s"));
        List<Integer> sizes = new ArrayList<>();
        Message message;
        if (m.containsKey("e")) {
            message = error(m);
        } else if (m.containsKey("r")) {
            message = reply(map(m.get("r"), "r"), sizes);
        } else if (m.containsKey("p")) {
            message = parts(map(m.get("p"), "p"));
        } else if (m.containsKey("u")) {
            throw new Bad(DecodeError.UNSUPPORTED, "legacy listen push (u)");
        } else {
            Object y = m.get("y");
            if (y != null && !"q".equals(y)) {
                throw new Bad(DecodeError.UNKNOWN_KIND, "y=" + y);
            }
            message = request(str(m.get("q"), "q"), map(m.get("a"), "a"), sizes);
        }
        Packet packet = new Packet(tid, network, agent, client, message);
        return sizes.isEmpty() ? new DecodeResult.Complete(packet) : new DecodeResult.AwaitingParts(packet, sizes);
    }

    private static Message request(String q, Map<?, ?> a, List<Integer> sizes) throws Bad {
        InfoHash id = hash(a.get("id"), "id");
        return switch (q) {
            case "ping" -> new Ping(id);
            case "find" -> new Find(id, hash(a.get("target"), "target"), want(a));
            case "get" -> new Get(id, optHash(a), query(a.get("q")), want(a));
            case "put" ->
                new Put(id, optHash(a), values(a.get("values"), sizes), optUint(a, "c"), blob(a.get("token")));
            case "refresh" -> new Refresh(id, hash(a.get("h"), "h"), uint(a.get("vid"), "vid"), blob(a.get("token")));
            case "listen" ->
                new Listen(
                        id,
                        (int) optUintOr(a, "ve", 0),
                        optHash(a),
                        blob(a.get("token")),
                        uint32(a.get("sid"), "sid"),
                        query(a.get("q")));
            case "update" -> update(id, a, sizes);
            default -> throw new Bad(DecodeError.UNKNOWN_KIND, "query " + q);
        };
    }

    private static Message update(InfoHash id, Map<?, ?> a, List<Integer> sizes) throws Bad {
        long sid = uint32(a.get("sid"), "sid");
        byte[] token = blob(a.get("token"));
        if (a.containsKey("exp")) {
            return new UpdateIds(id, sid, token, UpdateIds.Kind.EXPIRED, ids(a.get("exp"), "exp"));
        }
        if (a.containsKey("re")) {
            return new UpdateIds(id, sid, token, UpdateIds.Kind.REFRESHED, ids(a.get("re"), "re"));
        }
        return new Update(
                id,
                (int) optUintOr(a, "ve", 0),
                hash(a.get("h"), "h"),
                sid,
                values(a.get("values"), sizes),
                optUint(a, "c"),
                token);
    }

    private static Reply reply(Map<?, ?> r, List<Integer> sizes) throws Bad {
        InfoHash id = hash(r.get("id"), "id");
        Long vid = optUint(r, "vid");
        InetAddress sa = r.containsKey("sa") ? address(blob(r.get("sa"))) : null;
        List<NodeInfo> n4 = r.containsKey("n4") ? nodes(blob(r.get("n4")), Family.IPV4) : List.of();
        List<NodeInfo> n6 = r.containsKey("n6") ? nodes(blob(r.get("n6")), Family.IPV6) : List.of();
        byte[] token = r.containsKey("token") ? blob(r.get("token")) : null;
        List<Value> values = r.containsKey("values") ? values(r.get("values"), sizes) : List.of();
        Projection projection = r.containsKey("fileds") ? projection(map(r.get("fileds"), "fileds")) : null;
        return new Reply(id, vid, sa, n4, n6, token, values, projection);
    }

    private static ErrorReply error(Map<?, ?> m) throws Bad {
        if (!(m.get("e") instanceof List<?> e) || e.size() < 2) {
            throw new Bad(DecodeError.BAD_FIELD, "e is not [code, text]");
        }
        InfoHash id = hash(map(m.get("r"), "r").get("id"), "id");
        return new ErrorReply(id, (int) uint32(e.get(0), "error code"), str(e.get(1), "error text"));
    }

    private static ValueParts parts(Map<?, ?> p) throws Bad {
        Map<Integer, ValueParts.Part> parts = new HashMap<>();
        for (Map.Entry<?, ?> e : p.entrySet()) {
            long index = uint(e.getKey(), "part index");
            if (index < 0 || index > 0xffff) { // negative: a uint64 >= 2^63, which (int) would alias
                throw new Bad(DecodeError.TOO_LARGE, "part index " + index);
            }
            Map<?, ?> part = map(e.getValue(), "part");
            long offset = uint(part.get("o"), "o");
            if (offset < 0 || offset > MAX_PACKED_VALUE) {
                throw new Bad(DecodeError.TOO_LARGE, "part offset " + offset);
            }
            parts.put((int) index, new ValueParts.Part((int) offset, blob(part.get("d"))));
        }
        return new ValueParts(parts);
    }

    private static List<Value> values(Object o, List<Integer> sizes) throws Bad {
        if (!(o instanceof List<?> list)) {
            throw new Bad(o == null ? DecodeError.MISSING_FIELD : DecodeError.BAD_FIELD, "values");
        }
        List<Value> values = new ArrayList<>(list.size());
        for (Object e : list) {
            if (e instanceof Long size) {
                if (size > MAX_PACKED_VALUE || size <= 0) {
                    throw new Bad(DecodeError.TOO_LARGE, "value size " + size);
                }
                sizes.add(size.intValue());
            } else {
                values.add(value(e));
            }
        }
        if (!sizes.isEmpty() && !values.isEmpty()) {
            throw new Bad(DecodeError.BAD_FIELD, "values mixes inline values and sizes");
        }
        return values;
    }

    /** The clear value inside an encrypted one; throws on anything that is not a {@code {body, sig}} map. */
    static Value decryptedValue(long id, int priority, byte[] plaintext) {
        try {
            Object dat = MsgpackReader.parse(plaintext);
            Map<Object, Object> wrapper = new java.util.HashMap<>();
            wrapper.put("id", id);
            wrapper.put("dat", dat);
            if (priority != 0) {
                wrapper.put("p", (long) priority);
            }
            if (!(dat instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("the plaintext is no map");
            }
            return value(wrapper);
        } catch (MsgpackReader.Malformed | Bad e) {
            throw new IllegalArgumentException("malformed encrypted body: " + e.getMessage(), e);
        }
    }

    static Value value(Object o) throws Bad {
        Map<?, ?> v = map(o, "value");
        long id = uint(v.get("id"), "value id");
        int priority = (int) optUintOr(v, "p", 0);
        Object dat = v.get("dat");
        if (dat instanceof byte[] cypher) {
            return new Value(id, 0, 0, new byte[0], "", null, null, null, cypher, priority);
        }
        Map<?, ?> d = map(dat, "dat");
        Map<?, ?> body = map(d.get("body"), "body");
        int type = (int) uint16(body.get("type"), "type");
        byte[] data = blob(body.get("data"));
        String utype = body.containsKey("utype") ? str(body.get("utype"), "utype") : "";
        byte[] owner = null;
        byte[] sig = null;
        InfoHash to = null;
        int seq = 0;
        if (body.containsKey("owner")) {
            owner = blob(body.get("owner"));
            seq = (int) uint16(body.get("seq"), "seq");
            sig = blob(d.get("sig"));
        }
        if (body.containsKey("to")) {
            to = hash(body.get("to"), "to");
        }
        return new Value(id, seq, type, data, utype, owner, to, sig, null, priority);
    }

    private static Query query(Object o) throws Bad {
        if (o == null) {
            return null;
        }
        Map<?, ?> q = map(o, "q");
        if (!(q.get("s") instanceof List<?> s) || !(q.get("w") instanceof List<?> w)) {
            throw new Bad(DecodeError.BAD_FIELD, "q needs both s and w");
        }
        List<Field> select = new ArrayList<>(s.size());
        for (Object f : s) {
            select.add(field(f));
        }
        List<Query.Condition> where = new ArrayList<>(w.size());
        for (Object c : w) {
            Map<?, ?> cond = map(c, "where");
            Field f = field(cond.get("f"));
            Object v = cond.get("v");
            Object operand = switch (f) {
                case ID -> uint(v, "where id");
                case VALUE_TYPE -> uint(v, "where type");
                case OWNER_PK -> hash(v, "where owner");
                case USER_TYPE -> blob(v);
                case SEQ_NUM -> throw new Bad(DecodeError.BAD_FIELD, "seq cannot be a where field");
            };
            where.add(new Query.Condition(f, operand));
        }
        return new Query(select, where);
    }

    private static Field field(Object o) throws Bad {
        Field f = Field.ofCode(uint(o, "field code"));
        if (f == null) {
            throw new Bad(DecodeError.BAD_FIELD, "unknown field code " + o);
        }
        return f;
    }

    private static Projection projection(Map<?, ?> m) throws Bad {
        if (!(m.get("f") instanceof List<?> f) || !(m.get("v") instanceof List<?> v)) {
            throw new Bad(DecodeError.BAD_FIELD, "fileds needs f and v");
        }
        List<Field> fields = new ArrayList<>(f.size());
        for (Object code : f) {
            fields.add(field(code));
        }
        if (fields.isEmpty() ? !v.isEmpty() : v.size() % fields.size() != 0) {
            throw new Bad(DecodeError.BAD_FIELD, "fileds v is not a whole number of rows");
        }
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < v.size(); i += fields.size()) {
            List<Object> row = new ArrayList<>(fields.size());
            for (int j = 0; j < fields.size(); j++) {
                Object e = v.get(i + j);
                row.add(
                        switch (fields.get(j)) {
                            case ID, VALUE_TYPE, SEQ_NUM -> uint(e, "fileds entry");
                            case USER_TYPE -> str(e, "fileds utype");
                            case OWNER_PK -> blob(e);
                        });
            }
            rows.add(row);
        }
        return new Projection(fields, rows);
    }

    private static List<Long> want(Map<?, ?> a) throws Bad {
        return a.containsKey("w") ? ids(a.get("w"), "w") : List.of();
    }

    private static List<Long> ids(Object o, String name) throws Bad {
        if (!(o instanceof List<?> list)) {
            throw new Bad(DecodeError.BAD_FIELD, name + " is not an array");
        }
        List<Long> ids = new ArrayList<>(list.size());
        for (Object e : list) {
            ids.add(uint(e, name));
        }
        return ids;
    }

    private static List<NodeInfo> nodes(byte[] buf, Family family) throws Bad {
        int len = family.compactNodeLength();
        if (buf.length % len != 0) {
            throw new Bad(DecodeError.BAD_FIELD, "node info of " + buf.length + " bytes for " + family);
        }
        List<NodeInfo> nodes = new ArrayList<>(buf.length / len);
        for (int off = 0; off < buf.length; off += len) {
            byte[] id = new byte[InfoHash.SIZE];
            System.arraycopy(buf, off, id, 0, InfoHash.SIZE);
            byte[] ip = new byte[family.addressLength()];
            System.arraycopy(buf, off + InfoHash.SIZE, ip, 0, ip.length);
            int port = ((buf[off + len - 2] & 0xff) << 8) | (buf[off + len - 1] & 0xff);
            nodes.add(new NodeInfo(InfoHash.of(id), new InetSocketAddress(address(ip), port)));
        }
        return nodes;
    }

    /**
     * 4 bytes are IPv4, 16 bytes IPv6 — always, even for IPv4-mapped addresses, which {@link
     * InetAddress#getByAddress(byte[])} would turn into IPv4: an {@code n6} entry must stay an
     * IPv6 node (re-encoding it as IPv4 throws) and {@code sa} must keep its length.
     */
    private static InetAddress address(byte[] ip) throws Bad {
        if (ip.length != 4 && ip.length != 16) {
            throw new Bad(DecodeError.BAD_FIELD, "address of " + ip.length + " bytes");
        }
        try {
            return ip.length == 4 ? InetAddress.getByAddress(ip) : Inet6Address.getByAddress(null, ip, -1);
        } catch (UnknownHostException e) {
            throw new Bad(DecodeError.BAD_FIELD, "address");
        }
    }

    private static long tid(Object o) throws Bad {
        if (o instanceof Long t && t >= 0 && t <= 0xffff_ffffL) { // uint64 >= 2^63 arrive negative
            return t;
        }
        if (o instanceof byte[] b && b.length == 4) {
            return ((long) (b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        }
        if (o instanceof String s && s.length() == 4) {
            return tid(s.getBytes(StandardCharsets.ISO_8859_1));
        }
        throw new Bad(o == null ? DecodeError.MISSING_FIELD : DecodeError.BAD_FIELD, "t");
    }

    private static InfoHash hash(Object o, String name) throws Bad {
        if (o instanceof byte[] b && b.length == InfoHash.SIZE) {
            return InfoHash.of(b);
        }
        throw new Bad(o == null ? DecodeError.MISSING_FIELD : DecodeError.BAD_FIELD, name + " is not a 20-byte bin");
    }

    /** The key {@code h}, null when absent: the node answers such requests with error 203. */
    private static InfoHash optHash(Map<?, ?> a) throws Bad {
        return a.containsKey("h") ? hash(a.get("h"), "h") : null;
    }

    /** A blob as {@code unpackBlob} reads it: bin, str, or an array of small integers. */
    private static byte[] blob(Object o) throws Bad {
        if (o instanceof byte[] b) {
            return b;
        }
        if (o instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        if (o instanceof List<?> list) {
            byte[] b = new byte[list.size()];
            for (int i = 0; i < b.length; i++) {
                if (!(list.get(i) instanceof Long x) || x < 0 || x > 0xff) {
                    throw new Bad(DecodeError.BAD_FIELD, "blob array holds a non-byte");
                }
                b[i] = (byte) (long) x;
            }
            return b;
        }
        throw new Bad(o == null ? DecodeError.MISSING_FIELD : DecodeError.BAD_FIELD, "blob");
    }

    private static Map<?, ?> map(Object o, String name) throws Bad {
        if (o instanceof Map<?, ?> m) {
            return m;
        }
        throw new Bad(o == null ? DecodeError.MISSING_FIELD : DecodeError.BAD_FIELD, name + " is not a map");
    }

    private static String str(Object o, String name) throws Bad {
        if (o instanceof String s) {
            return s;
        }
        throw new Bad(o == null ? DecodeError.MISSING_FIELD : DecodeError.BAD_FIELD, name + " is not a str");
    }

    private static long uint(Object o, String name) throws Bad {
        if (o instanceof Long l) {
            return l;
        }
        throw new Bad(o == null ? DecodeError.MISSING_FIELD : DecodeError.BAD_FIELD, name + " is not an unsigned int");
    }

    private static long uint32(Object o, String name) throws Bad {
        long v = uint(o, name);
        if (v < 0 || v > 0xffff_ffffL) {
            throw new Bad(DecodeError.BAD_FIELD, name + " exceeds 32 bits");
        }
        return v;
    }

    private static long uint16(Object o, String name) throws Bad {
        long v = uint(o, name);
        if (v < 0 || v > 0xffff) {
            throw new Bad(DecodeError.BAD_FIELD, name + " exceeds 16 bits");
        }
        return v;
    }

    private static Long optUint(Map<?, ?> m, String key) throws Bad {
        return m.containsKey(key) ? uint(m.get(key), key) : null;
    }

    private static long optUintOr(Map<?, ?> m, String key, long dflt) throws Bad {
        return m.containsKey(key) ? uint32(m.get(key), key) : dflt;
    }
}
