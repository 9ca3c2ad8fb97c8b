package org.carillon.dht.wire;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.carillon.dht.Field;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;
import org.carillon.dht.Value;

/**
 * The body of a datagram, one record per message of the OpenDHT protocol (§3–§7 of the
 * protocol notes). Optional fields are null when absent; lists are never null.
 */
public sealed interface Message {

    /** Every message but value parts names its sender. */
    sealed interface FromNode extends Message {
        InfoHash sender();
    }

    /** A query: something the receiver answers with a {@link Reply} or an {@link ErrorReply}. */
    sealed interface Request extends FromNode {
        String name();
    }

    record Ping(InfoHash sender) implements Request {
        public String name() {
            return "ping";
        }
    }

    /** @param want wanted families as raw {@code w} codes; empty when absent */
    record Find(InfoHash sender, InfoHash target, List<Long> want) implements Request {
        public Find {
            want = List.copyOf(want);
        }

        public String name() {
            return "find";
        }
    }

    /**
     * @param key null when absent (answered with error 203)
     * @param query null when absent (whole values, no filter)
     */
    record Get(InfoHash sender, InfoHash key, Query query, List<Long> want) implements Request {
        public Get {
            want = List.copyOf(want);
        }

        public String name() {
            return "get";
        }
    }

    /**
     * @param key null when absent (answered with error 203)
     * @param created creation time in Unix seconds, null when absent
     */
    record Put(InfoHash sender, InfoHash key, List<Value> values, Long created, byte[] token) implements Request {
        public Put {
            values = List.copyOf(values);
        }

        public String name() {
            return "put";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Put p
                    && sender.equals(p.sender)
                    && java.util.Objects.equals(key, p.key)
                    && values.equals(p.values)
                    && java.util.Objects.equals(created, p.created)
                    && Arrays.equals(token, p.token);
        }

        @Override
        public int hashCode() {
            return values.hashCode();
        }
    }

    record Refresh(InfoHash sender, InfoHash key, long valueId, byte[] token) implements Request {
        public String name() {
            return "refresh";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Refresh r
                    && sender.equals(r.sender)
                    && key.equals(r.key)
                    && valueId == r.valueId
                    && Arrays.equals(token, r.token);
        }

        @Override
        public int hashCode() {
            return key.hashCode() * 31 + Long.hashCode(valueId);
        }
    }

    /** @param version listen protocol version ({@code ve}), 1 for every peer since 1.x */
    record Listen(InfoHash sender, int version, InfoHash key, byte[] token, long socketId, Query query)
            implements Request {
        public String name() {
            return "listen";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Listen l
                    && sender.equals(l.sender)
                    && version == l.version
                    && java.util.Objects.equals(key, l.key)
                    && Arrays.equals(token, l.token)
                    && socketId == l.socketId
                    && java.util.Objects.equals(query, l.query);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(socketId);
        }
    }

    /** A storage node pushing new or edited values to a listener. */
    record Update(
            InfoHash sender, int version, InfoHash key, long socketId, List<Value> values, Long created, byte[] token)
            implements Request {
        public Update {
            values = List.copyOf(values);
        }

        public String name() {
            return "update";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Update u
                    && sender.equals(u.sender)
                    && version == u.version
                    && key.equals(u.key)
                    && socketId == u.socketId
                    && values.equals(u.values)
                    && java.util.Objects.equals(created, u.created)
                    && Arrays.equals(token, u.token);
        }

        @Override
        public int hashCode() {
            return key.hashCode() * 31 + values.hashCode();
        }
    }

    /** A storage node telling a listener that values were refreshed ({@code re}) or expired ({@code exp}). */
    record UpdateIds(InfoHash sender, long socketId, byte[] token, Kind kind, List<Long> valueIds) implements Request {
        public enum Kind {
            REFRESHED,
            EXPIRED
        }

        public UpdateIds {
            valueIds = List.copyOf(valueIds);
        }

        public String name() {
            return "update";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof UpdateIds u
                    && sender.equals(u.sender)
                    && socketId == u.socketId
                    && Arrays.equals(token, u.token)
                    && kind == u.kind
                    && valueIds.equals(u.valueIds);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(socketId) * 31 + valueIds.hashCode();
        }
    }

    /**
     * A reply; which fields are present depends on the request it answers.
     *
     * @param valueId the acknowledged value id of a put/refresh, or null
     * @param reportedAddress the requester's IP as the replier sees it ({@code sa}), or null
     * @param token write token for the requester, or null
     * @param values whole values (get replies), empty when absent
     * @param projection {@code fileds} of a get with a select, or null
     */
    record Reply(
            InfoHash sender,
            Long valueId,
            InetAddress reportedAddress,
            List<NodeInfo> nodes4,
            List<NodeInfo> nodes6,
            byte[] token,
            List<Value> values,
            Projection projection)
            implements FromNode {
        public Reply {
            nodes4 = List.copyOf(nodes4);
            nodes6 = List.copyOf(nodes6);
            values = List.copyOf(values);
        }

        public static Reply simple(InfoHash sender, InetAddress reportedAddress) {
            return new Reply(sender, null, reportedAddress, List.of(), List.of(), null, List.of(), null);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Reply r
                    && sender.equals(r.sender)
                    && java.util.Objects.equals(valueId, r.valueId)
                    && java.util.Objects.equals(reportedAddress, r.reportedAddress)
                    && nodes4.equals(r.nodes4)
                    && nodes6.equals(r.nodes6)
                    && Arrays.equals(token, r.token)
                    && values.equals(r.values)
                    && java.util.Objects.equals(projection, r.projection);
        }

        @Override
        public int hashCode() {
            return sender.hashCode() * 31 + values.hashCode();
        }
    }

    /**
     * The {@code fileds} projection: for each value, one entry per field. Entries are {@code
     * Long} for ID, VALUE_TYPE and SEQ_NUM, {@code String} for USER_TYPE and {@code byte[]}
     * for OWNER_PK.
     */
    record Projection(List<Field> fields, List<List<Object>> rows) {
        public Projection {
            fields = List.copyOf(fields);
            rows = rows.stream().map(List::copyOf).toList();
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Projection p) || !fields.equals(p.fields) || rows.size() != p.rows.size()) {
                return false;
            }
            for (int i = 0; i < rows.size(); i++) {
                if (!Arrays.deepEquals(rows.get(i).toArray(), p.rows.get(i).toArray())) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            return fields.hashCode() * 31 + rows.size();
        }
    }

    record ErrorReply(InfoHash sender, int code, String text) implements FromNode {
        public static final int NON_AUTHORITATIVE = 203;
        public static final int UNAUTHORIZED = 401;
        public static final int NOT_FOUND = 404;
    }

    /** Fragments of values too large for one datagram, keyed by value index ({@code y:"p"}). */
    record ValueParts(Map<Integer, Part> parts) implements Message {
        public ValueParts {
            parts = Map.copyOf(parts);
        }

        public record Part(int offset, byte[] data) {
            @Override
            public boolean equals(Object o) {
                return o instanceof Part p && offset == p.offset && Arrays.equals(data, p.data);
            }

            @Override
            public int hashCode() {
                return offset * 31 + Arrays.hashCode(data);
            }
        }
    }
}
