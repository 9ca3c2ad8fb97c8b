package org.carillon.dht.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.carillon.dht.Field;
import org.carillon.dht.Query;
import org.carillon.dht.Value;

/**
 * One get or query, run by the searches of every family: the caller sees each value once and
 * hears "done" when every family finished, successful if any was.
 */
final class GetOp {
    private final Query query;
    private final Consumer<List<Value>> onValues;
    private final Consumer<List<Map<Field, Object>>> onRows;
    private final Consumer<Boolean> onDone;
    /** Delivered value ids, with the highest seq delivered for each. */
    private final Map<Long, Integer> delivered = new HashMap<>();
    /**
     * Values delivered: copies are handed on once, but a value of the same id and seq that
     * differs is handed on too, as OpenDHT does; keeping one per id would let whichever node
     * answers first hide the genuine value behind a forgery.
     */
    private final Set<Value> deliveredValues = new HashSet<>();

    private final Set<Map<Field, Object>> rows = new HashSet<>();
    private int familiesLeft;
    private boolean ok;

    private GetOp(
            Query query,
            Consumer<List<Value>> onValues,
            Consumer<List<Map<Field, Object>>> onRows,
            Consumer<Boolean> onDone) {
        this.query = query;
        this.onValues = onValues;
        this.onRows = onRows;
        this.onDone = onDone;
    }

    static GetOp values(Query where, Consumer<List<Value>> onValues, Consumer<Boolean> onDone) {
        return new GetOp(where, onValues, rows -> {}, onDone);
    }

    static GetOp rows(Query query, Consumer<List<Map<Field, Object>>> onRows, Consumer<Boolean> onDone) {
        return new GetOp(query, values -> {}, onRows, onDone);
    }

    Query query() {
        return query;
    }

    /** A query with a select returns rows of fields instead of values, and is sent unpaginated. */
    boolean wantsRows() {
        return !query.select().isEmpty();
    }

    void runOn(int families) {
        familiesLeft = families;
    }

    boolean isFinished() {
        return familiesLeft <= 0;
    }

    /**
     * Hands on the values whose id was not seen before, or other or newer versions (same or
     * higher seq) of seen ones, that meet the where-filter (peers may ignore it).
     */
    void deliver(List<Value> values) {
        List<Value> fresh = new ArrayList<>();
        for (Value v : values) {
            Integer seen = delivered.get(v.id());
            if (query.matches(v) && (seen == null || v.seq() >= seen) && deliveredValues.add(v)) {
                delivered.merge(v.id(), v.seq(), Math::max);
                fresh.add(v);
            }
        }
        if (!fresh.isEmpty() && !isFinished()) {
            onValues.accept(fresh);
        }
    }

    void deliverRows(List<Map<Field, Object>> fresh) {
        List<Map<Field, Object>> unseen = new ArrayList<>();
        for (Map<Field, Object> r : fresh) {
            if (rows.add(r)) {
                unseen.add(r);
            }
        }
        if (!unseen.isEmpty() && !isFinished()) {
            onRows.accept(unseen);
        }
    }

    void familyDone(boolean familyOk) {
        if (isFinished()) {
            return;
        }
        ok |= familyOk;
        if (--familiesLeft == 0) {
            onDone.accept(ok);
        }
    }
}
