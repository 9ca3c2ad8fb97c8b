package org.carillon.dht;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A get/listen query: the fields to return ({@code select}, empty = whole values) and the
 * conditions values must meet ({@code where}, all ANDed), as OpenDHT's {@code Query}.
 */
public record Query(List<Field> select, List<Condition> where) {
    public static final Query ALL = new Query(List.of(), List.of());

    public Query {
        select = List.copyOf(select);
        where = List.copyOf(where);
    }

    /**
     * Reads the text form dhtnode's console takes, e.g. {@code SELECT id,seq WHERE
     * value_type=0,user_type=text/plain}; blank text is {@link #ALL}.
     *
     * @throws IllegalArgumentException naming the column and the token that is wrong
     */
    public static Query parse(String text) {
        return QueryText.parse(text);
    }

    /** The text form of this query, which {@link #parse} reads back into an equal query. */
    public String toText() {
        return QueryText.format(this);
    }

    public boolean isEmpty() {
        return select.isEmpty() && where.isEmpty();
    }

    /** True when the value meets every condition of {@code where}. */
    public boolean matches(Value value) {
        for (Condition c : where) {
            if (!c.matches(value)) {
                return false;
            }
        }
        return true;
    }

    /**
     * One {@code where} condition. The operand's type follows the field: {@code Long} for
     * ID and VALUE_TYPE, {@code InfoHash} for OWNER_PK (the owner's key id), {@code byte[]}
     * for USER_TYPE.
     */
    public record Condition(Field field, Object operand) {
        public Condition {
            Objects.requireNonNull(field);
            Objects.requireNonNull(operand);
            boolean ok = switch (field) {
                case ID, VALUE_TYPE -> operand instanceof Long;
                case OWNER_PK -> operand instanceof InfoHash;
                case USER_TYPE -> operand instanceof byte[];
                case SEQ_NUM -> false; // msgpack-c throws on it: never on the wire
            };
            if (!ok) {
                throw new IllegalArgumentException("bad operand for " + field + ": " + operand);
            }
            if (operand instanceof byte[] b) {
                operand = b.clone();
            }
        }

        public static Condition id(long id) {
            return new Condition(Field.ID, id);
        }

        public static Condition valueType(int type) {
            return new Condition(Field.VALUE_TYPE, (long) type);
        }

        public static Condition userType(String userType) {
            return new Condition(Field.USER_TYPE, userType.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        public boolean matches(Value v) {
            return switch (field) {
                case ID -> v.id() == (Long) operand;
                case VALUE_TYPE -> v.type() == (Long) operand;
                case OWNER_PK -> v.ownerKeyId() != null && v.ownerKeyId().equals(operand);
                case USER_TYPE ->
                    Arrays.equals(v.userType().getBytes(java.nio.charset.StandardCharsets.UTF_8), (byte[]) operand);
                case SEQ_NUM -> false;
            };
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Condition c
                    && field == c.field
                    && (operand instanceof byte[] b
                            ? c.operand instanceof byte[] cb && Arrays.equals(b, cb)
                            : operand.equals(c.operand));
        }

        @Override
        public int hashCode() {
            return field.hashCode() * 31 + (operand instanceof byte[] b ? Arrays.hashCode(b) : operand.hashCode());
        }
    }
}
