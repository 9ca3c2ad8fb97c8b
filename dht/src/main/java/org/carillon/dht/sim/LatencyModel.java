package org.carillon.dht.sim;

import java.util.random.RandomGenerator;

/**
 * One-way latencies of a simulated network's links, in milliseconds. Each link (pair of
 * addresses) draws its base latency once, as a path through the Internet has a typical delay;
 * each datagram then adds its own jitter.
 */
@FunctionalInterface
public interface LatencyModel {
    /** Draws the base one-way latency of a link. */
    long sample(RandomGenerator random);

    /** Every link takes between {@code min} and {@code max} ms, uniformly. */
    static LatencyModel uniform(long min, long max) {
        if (min < 0 || max < min) {
            throw new IllegalArgumentException("latency range [" + min + ", " + max + "] ms");
        }
        return r -> max == min ? min : min + r.nextLong(max - min + 1);
    }

    /**
     * Log-normal latencies around {@code medianMillis}, the shape measured Internet round trips
     * have (a bulk near the median, a long tail of far-away peers); {@code sigma} ~0.5 gives a
     * p99 about three times the median. Capped at 2 s.
     */
    static LatencyModel logNormal(double medianMillis, double sigma) {
        if (medianMillis <= 0 || sigma < 0) {
            throw new IllegalArgumentException("log-normal median " + medianMillis + " ms, sigma " + sigma);
        }
        double mu = Math.log(medianMillis);
        return r -> Math.min(2_000, Math.max(1, Math.round(Math.exp(mu + sigma * r.nextGaussian()))));
    }
}
