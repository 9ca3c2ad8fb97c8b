package org.carillon.bench.throughput;

/** The storage requests the load generator sends. */
enum Operation {
    /** {@code get} of a key holding one value: the reply carries the value and a write token. */
    GET,
    /** {@code put} of a new value with the client's write token: the reply acknowledges its id. */
    PUT;

    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
