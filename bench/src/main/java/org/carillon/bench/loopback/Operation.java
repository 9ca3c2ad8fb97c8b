package org.carillon.bench.loopback;

import java.util.HexFormat;

/** One operation of a workload: its place in the sequence, kind, key (40 hex digits) and value data. */
record Operation(int index, OpKind kind, String key, byte[] data) {
    /** The line the python driver reads: {@code KIND KEY DATA}. */
    String line() {
        return kind.word + " " + key + " " + HexFormat.of().formatHex(data);
    }
}
