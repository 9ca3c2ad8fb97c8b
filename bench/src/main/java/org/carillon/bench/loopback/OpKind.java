package org.carillon.bench.loopback;

/** What one operation of a loopback workload does (the word is how the drivers spell it). */
enum OpKind {
    /** A fresh value put by the driver's writer node. */
    PUT("put"),
    /** A get, by the reader node, of a key put earlier: ok when the value put is found. */
    GET("get"),
    /** A get of a key nobody put: ok when the search completes and finds nothing. */
    MISS("miss"),
    /** A listen by the reader, then a put by the writer: latency is the delivery delay. */
    LISTEN("listen");

    final String word;

    OpKind(String word) {
        this.word = word;
    }

    static OpKind of(String word) {
        for (OpKind k : values()) {
            if (k.word.equals(word)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown operation kind " + word);
    }
}
