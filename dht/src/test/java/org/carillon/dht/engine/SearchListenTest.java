package org.carillon.dht.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.sim.SimulationSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a listener hears, and when, in virtual time. */
class SearchListenTest {
    @RegisterExtension
    static final SimulationSeed SEED = new SimulationSeed(515);

    static final int ICE_CANDIDATES = 5;
    static final long LIFETIME = 60_000; // type 5 lives one minute
    static final long MAX_LATENCY = 60;

    private record Heard(long at, List<Value> values, boolean expired) {}

    /**
     * The bounds come from how OpenDHT listens. A storage node pushes a value to its listeners
     * when it stores or edits it, and only the ids when a refresh extends its life; so the
     * listener hears a new value or an edit one network hop after a storage node took it,
     * never later than the put's own acknowledgement plus one hop, and hears nothing on a
     * refresh. The listener keeps each value in a cache that expires it one type lifetime after
     * the last push or refresh it received (OpenDHT's {@code ValueCache}); a storage node drops
     * the value when its lifetime since the last refresh ends and pushes "expired" then (in
     * 2.4.12 also on a periodic pass every 2 to 6 minutes, which only comes later). So
     * "expired" is heard no earlier than a lifetime after the last refresh, and no later than a
     * lifetime after it plus one hop and one pass of the listener's cache check (every {@link
     * Searches#TICK}).
     *
     * <p>The refresh here is a permanent put's: it refreshes the value 10 s before the lifetime
     * ends, until cancelled. (A plain put of a value the storage nodes hold is no refresh in
     * Carillon: puts probe first and skip nodes that hold the value.)
     */
    @Test
    void aListenerHearsANewValueItsEditNothingOnARefreshAndTheExpiryALifetimeAfterTheRefresh() {
        SimulatedDht dht = new SimulatedDht(SEED.get(), 10, MAX_LATENCY, 0.0).grow(40);
        InfoHash key = InfoHash.fromUserKey("ice candidates of alice");
        List<NodeCore> byDistance = dht.closestTo(key);
        // The two farthest nodes: they store nothing under the key, so every event comes over the network.
        NodeCore listener = byDistance.get(byDistance.size() - 1);
        NodeCore putter = byDistance.get(byDistance.size() - 2);
        List<Heard> heard = new ArrayList<>();
        listener.listen(key, Query.ALL, (values, expired) -> heard.add(new Heard(dht.clock.now(), values, expired)));
        dht.clock.runFor(30_000);
        assertThat(heard).as("nothing under the key yet").isEmpty();

        SignedValues alice = new SignedValues();
        Value first = alice.sign(42, 1, ICE_CANDIDATES, bytes("candidate 1"));
        long putAt = dht.clock.now();
        long ackedAt = put(dht, putter, key, first, false);
        dht.clock.runFor(MAX_LATENCY);
        assertThat(heard).singleElement().satisfies(h -> {
            assertThat(h.values).containsExactly(first);
            assertThat(h.expired).isFalse();
            assertThat(h.at).isBetween(putAt, ackedAt + MAX_LATENCY);
        });

        // An edit (higher seq, same owner), put permanently: refreshed while the put lasts.
        dht.clock.runFor(20_000);
        Value edited = alice.sign(42, 2, ICE_CANDIDATES, bytes("candidate 2"));
        long editAt = dht.clock.now();
        long editAckedAt = put(dht, putter, key, edited, true);
        dht.clock.runFor(MAX_LATENCY);
        assertThat(heard).hasSize(2);
        assertThat(heard.get(1).values).containsExactly(edited);
        assertThat(heard.get(1).expired).isFalse();
        assertThat(heard.get(1).at).isBetween(editAt, editAckedAt + MAX_LATENCY);

        // The refresh comes 10 s before the lifetime ends (on a step, every TICK at most):
        // no news for the listener. Then the put is cancelled, so it is the last refresh.
        long firstRefresh = editAckedAt + LIFETIME - Search.REANNOUNCE_MARGIN;
        long cancelAt = firstRefresh + Searches.TICK + 2_000;
        dht.clock.runFor(cancelAt - dht.clock.now());
        assertThat(heard).as("nothing heard on the refresh").hasSize(2);
        putter.cancelPut(key, 42);

        long expiredBy = cancelAt + LIFETIME + Searches.TICK + MAX_LATENCY;
        assertThat(dht.clock.runUntil(() -> heard.size() > 2, expiredBy + 1 - dht.clock.now()))
                .as("expired heard by %d ms after the edit", expiredBy - editAt)
                .isTrue();
        assertThat(heard.get(2).values).containsExactly(edited);
        assertThat(heard.get(2).expired).isTrue();
        assertThat(heard.get(2).at)
                .as("expiry heard a lifetime after the refresh (not after the put or the edit)")
                .isBetween(firstRefresh + LIFETIME, expiredBy);
        System.out.printf(
                "listener heard: new %d ms after the put, the edit %d ms after it, expired %d ms after the"
                        + " refresh was due%n",
                heard.get(0).at - putAt, heard.get(1).at - editAt, heard.get(2).at - firstRefresh);

        // Nothing more: no second "expired", and nothing left to get.
        dht.clock.runFor(7 * 60_000);
        assertThat(heard).hasSize(3);
        List<Value> left = new ArrayList<>();
        AtomicLong done = new AtomicLong(-1);
        putter.get(key, Query.ALL, left::addAll, ok -> done.set(dht.clock.now()));
        assertThat(dht.clock.runUntil(() -> done.get() >= 0, 30_000)).isTrue();
        assertThat(left).as("values left under the key").isEmpty();
    }

    /** Puts and waits for the acknowledgement; returns when it came. */
    private static long put(SimulatedDht dht, NodeCore putter, InfoHash key, Value v, boolean permanent) {
        AtomicLong ackedAt = new AtomicLong(-1);
        putter.put(key, v, permanent, ok -> {
            assertThat(ok).as("put of %s acknowledged", v).isTrue();
            ackedAt.set(dht.clock.now());
        });
        assertThat(dht.clock.runUntil(() -> ackedAt.get() >= 0, 30_000)).isTrue();
        return ackedAt.get();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
