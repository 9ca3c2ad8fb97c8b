package org.carillon.dht;

import java.util.List;

/** Receives the values a listen finds: each value once when it appears, once when it expires. */
@FunctionalInterface
public interface ValueListener {
    /**
     * @param values values that appeared ({@code expired} false) or that no storage node holds
     *     any longer ({@code expired} true)
     */
    void onValues(List<Value> values, boolean expired);
}
