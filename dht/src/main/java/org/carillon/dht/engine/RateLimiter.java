package org.carillon.dht.engine;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * OpenDHT's request rate limits (§8.7): a sliding one-second window, globally and per source
 * (IPv4 address or IPv6 /64).
 */
final class RateLimiter {
    static final int GLOBAL_PER_SECOND = 8192;
    static final int PER_SOURCE_PER_SECOND = GLOBAL_PER_SECOND / 8;
    /** Bound on tracked sources; idle ones are pruned, new ones beyond it share a slot. */
    static final int MAX_SOURCES = 1 << 14;

    /**
     * Timestamps of the last accepted events (at most {@code quota}) in a ring that starts small
     * and grows with the rate: most sources send a few requests a second, and a node tracks
     * thousands of them (a full-size ring each was 8 KiB per source).
     */
    private static final class Window {
        private final int quota;
        long[] times = new long[4];
        int head;
        int size;

        Window(int quota) {
            this.quota = quota;
        }

        boolean tryAcquire(long now) {
            while (size > 0 && times[head] <= now - 1000) {
                head = (head + 1) % times.length;
                size--;
            }
            if (size == quota) {
                return false;
            }
            if (size == times.length) {
                grow();
            }
            times[(head + size) % times.length] = now;
            size++;
            return true;
        }

        private void grow() {
            long[] bigger = new long[Math.min(quota, times.length * 2)];
            for (int i = 0; i < size; i++) {
                bigger[i] = times[(head + i) % times.length];
            }
            times = bigger;
            head = 0;
        }

        boolean idle(long now) {
            return size == 0 || times[(head + size - 1) % times.length] <= now - 1000;
        }
    }

    private record Source(byte[] prefix) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Source s && Arrays.equals(prefix, s.prefix);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(prefix);
        }
    }

    private static final Source OVERFLOW = new Source(new byte[0]);

    private final Window global = new Window(GLOBAL_PER_SECOND);
    private final Map<Source, Window> perSource = new HashMap<>();

    boolean allow(InetAddress from, long now) {
        byte[] ip = from.getAddress();
        Source s = new Source(from instanceof Inet4Address ? ip : Arrays.copyOf(ip, 8));
        Window w = perSource.get(s);
        if (w == null) {
            if (perSource.size() >= MAX_SOURCES) {
                perSource.values().removeIf(x -> x.idle(now));
            }
            if (perSource.size() >= MAX_SOURCES) {
                s = OVERFLOW;
            }
            w = perSource.computeIfAbsent(s, k -> new Window(PER_SOURCE_PER_SECOND));
        }
        return w.tryAcquire(now) && global.tryAcquire(now);
    }

    int trackedSources() {
        return perSource.size();
    }
}
