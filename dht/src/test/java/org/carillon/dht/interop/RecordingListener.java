package org.carillon.dht.interop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.carillon.dht.Value;
import org.carillon.dht.ValueListener;

/** A {@link ValueListener} that records every callback, with the time it came, for tests to wait on. */
final class RecordingListener implements ValueListener {
    /** One callback: the values, whether they expired, and when ({@link System#nanoTime()}). */
    record Event(List<Value> values, boolean expired, long atNanos) {
        boolean has(long valueId) {
            return values.stream().anyMatch(v -> v.id() == valueId);
        }
    }

    private final List<Event> events = new ArrayList<>();

    @Override
    public synchronized void onValues(List<Value> values, boolean expired) {
        events.add(new Event(List.copyOf(values), expired, System.nanoTime()));
        notifyAll();
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** The first event satisfying {@code condition}; fails listing every event after {@code timeout}. */
    synchronized Event await(String what, Predicate<Event> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int next = 0;
        while (true) {
            for (; next < events.size(); next++) {
                if (condition.test(events.get(next))) {
                    return events.get(next);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(
                        "no listen event " + what + " within " + timeout.toMillis() + " ms; got " + events);
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    /** Waits until the value {@code valueId} was reported new. */
    Event awaitNew(long valueId, Duration timeout) {
        return await("new " + Long.toUnsignedString(valueId, 16), e -> !e.expired() && e.has(valueId), timeout);
    }

    /** Waits until the value {@code valueId} was reported expired. */
    Event awaitExpired(long valueId, Duration timeout) {
        return await("expired " + Long.toUnsignedString(valueId, 16), e -> e.expired() && e.has(valueId), timeout);
    }

    /** Every value reported new so far (a value appears once per report). */
    synchronized List<Value> newValues() {
        List<Value> out = new ArrayList<>();
        events.stream().filter(e -> !e.expired()).forEach(e -> out.addAll(e.values()));
        return out;
    }

    synchronized boolean reportedExpired(long valueId) {
        return events.stream().anyMatch(e -> e.expired() && e.has(valueId));
    }
}
