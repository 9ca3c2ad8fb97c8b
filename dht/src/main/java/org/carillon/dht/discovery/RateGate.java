package org.carillon.dht.discovery;

import java.util.function.LongSupplier;

/** A token bucket: at most {@code burst} at once, refilled at {@code perSecond}. */
final class RateGate {
    private final double burst;
    private final double perNano;
    private final LongSupplier nanoTime;
    private double tokens;
    private long last;

    RateGate(int burst, int perSecond, LongSupplier nanoTime) {
        this.burst = burst;
        this.perNano = perSecond / 1e9;
        this.nanoTime = nanoTime;
        this.tokens = burst;
        this.last = nanoTime.getAsLong();
    }

    boolean allow() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) * perNano);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
