package org.carillon.core.contact;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.carillon.dht.InfoHash;

/**
 * At most {@code max} messages per sender in a sliding window; the senders remembered are
 * bounded (the least recently heard is forgotten first), so a flood of fresh keys cannot grow
 * it without limit.
 */
public final class SenderRateLimit {
    private static final int MAX_SENDERS = 4096;

    private final int max;
    private final long windowMillis;
    private final Map<InfoHash, ArrayDeque<Long>> recent = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InfoHash, ArrayDeque<Long>> eldest) {
            return size() > MAX_SENDERS;
        }
    };

    public SenderRateLimit(int max, long windowMillis) {
        this.max = max;
        this.windowMillis = windowMillis;
    }

    /** Counts one message from {@code sender} at {@code nowMillis}; false when over the limit. */
    public synchronized boolean allow(InfoHash sender, long nowMillis) {
        ArrayDeque<Long> times = recent.computeIfAbsent(sender, k -> new ArrayDeque<>());
        while (!times.isEmpty() && nowMillis - times.peekFirst() >= windowMillis) {
            times.pollFirst();
        }
        if (times.size() >= max) {
            return false;
        }
        times.addLast(nowMillis);
        return true;
    }
}
