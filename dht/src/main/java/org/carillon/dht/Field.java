package org.carillon.dht;

/** Value fields a {@link Query} can select or filter on; the codes are OpenDHT's {@code Value::Field}. */
public enum Field {
    ID(1),
    VALUE_TYPE(2),
    OWNER_PK(3),
    SEQ_NUM(4),
    USER_TYPE(5);

    private final int code;

    Field(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The field with this wire code, or null when the code is unknown. */
    public static Field ofCode(long code) {
        for (Field f : values()) {
            if (f.code == code) {
                return f;
            }
        }
        return null;
    }
}
