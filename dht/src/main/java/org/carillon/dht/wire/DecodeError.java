package org.carillon.dht.wire;

/** Why a datagram was not understood; nodes count drops by these reasons. */
public enum DecodeError {
    /** Not one well-formed MessagePack object (truncated, reserved bytes, trailing garbage). */
    MALFORMED,
    /** Well-formed, but not a map at the top level. */
    NOT_A_MAP,
    /** A field the message needs is absent. */
    MISSING_FIELD,
    /** A field has the wrong type, size or value. */
    BAD_FIELD,
    /** No known message kind or query name. */
    UNKNOWN_KIND,
    /** The legacy (version 0) listen push, which no peer since 1.x sends. */
    UNSUPPORTED,
    /** A declared size beyond the protocol's limits. */
    TOO_LARGE
}
