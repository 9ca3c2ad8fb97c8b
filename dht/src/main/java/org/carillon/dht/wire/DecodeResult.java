package org.carillon.dht.wire;

import java.util.List;

/** The outcome of decoding a datagram: it never throws, it answers with one of these. */
public sealed interface DecodeResult {

    /** A message ready to be handled. */
    record Complete(Packet packet) implements DecodeResult {}

    /**
     * The header of a message whose values follow as {@link Message.ValueParts}: {@code
     * header}'s values are empty and {@code sizes} gives the packed size of each value.
     */
    record AwaitingParts(Packet header, List<Integer> sizes) implements DecodeResult {
        public AwaitingParts {
            sizes = List.copyOf(sizes);
        }
    }

    record Rejected(DecodeError error, String detail) implements DecodeResult {}
}
