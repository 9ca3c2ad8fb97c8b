package org.carillon.core.message;

import java.time.Duration;

/**
 * How long and how often a sender keeps an unacknowledged message alive on the DHT, and how much
 * one sending device may deliver to us.
 *
 * <p>A type-3 value lives 5 minutes. For its first {@code keepAlive} a message is published
 * again every {@code republishEvery} (shorter than that lifetime, so it is never absent); after
 * that the pause grows with the message's age (a quarter of it), up to {@code maxPause}, until
 * {@code maxAge}. A device of the peer coming online gets every message it owes at once, so the
 * pauses cost no delay to a recipient that returns.
 *
 * @param maxAge when an unacknowledged message is given up (FAILED); Jami keeps nothing, we keep 30 days
 * @param republishEvery the interval while the message is young
 * @param keepAlive how long the message stays published without a pause
 * @param maxPause the longest pause between two publications
 * @param senderBurst how many messages one sending device may deliver at once
 * @param senderPerSecond how many more it may deliver per second; the rest are dropped unacknowledged (so they come again)
 */
public record MessagePolicy(
        Duration maxAge,
        Duration republishEvery,
        Duration keepAlive,
        Duration maxPause,
        int senderBurst,
        double senderPerSecond) {
    public static final MessagePolicy DEFAULT = new MessagePolicy(
            Duration.ofDays(30), Duration.ofMinutes(4), Duration.ofHours(1), Duration.ofHours(6), 500, 50.0);

    public MessagePolicy {
        if (maxAge.isNegative()
                || republishEvery.isNegative()
                || republishEvery.isZero()
                || keepAlive.isNegative()
                || maxPause.compareTo(republishEvery) < 0
                || senderBurst < 1
                || !(senderPerSecond > 0)) {
            throw new IllegalArgumentException("bad message policy: " + this);
        }
    }

    public MessagePolicy withMaxAge(Duration age) {
        return new MessagePolicy(age, republishEvery, keepAlive, maxPause, senderBurst, senderPerSecond);
    }

    /** When a delivery created at {@code createdMillis} and published at {@code nowMillis} is published next. */
    public long nextAttempt(long createdMillis, long nowMillis) {
        long age = Math.max(0, nowMillis - createdMillis);
        long pause = age < keepAlive.toMillis()
                ? republishEvery.toMillis()
                : Math.min(maxPause.toMillis(), Math.max(republishEvery.toMillis(), age / 4));
        return nowMillis + pause;
    }
}
