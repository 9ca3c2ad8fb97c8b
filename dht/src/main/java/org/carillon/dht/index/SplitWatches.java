package org.carillon.dht.index;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Predicate;
import org.carillon.dht.InfoHash;
import org.carillon.dht.ListenHandle;
import org.carillon.dht.Value;

/**
 * Listens for the splits that concern entries just put (OpenDHT's {@code checkPhtUpdate}): when a
 * canary appears at the child node an entry would move to, the entry is inserted again there.
 * OpenDHT never ends these listens unless the canary comes; here each ends with the entry's
 * lifetime, and at most {@link #CAPACITY} are open (the oldest is dropped first). Thread-safe.
 */
final class SplitWatches implements AutoCloseable {
    static final int CAPACITY = 1024;

    private final IndexStorage storage;
    private final InstantSource clock;
    private final Predicate<Value> isCanary;
    private final IndexCounters counters;
    private final LinkedHashSet<Watch> open = new LinkedHashSet<>();
    private boolean closed;

    SplitWatches(IndexStorage storage, InstantSource clock, Predicate<Value> isCanary, IndexCounters counters) {
        this.storage = storage;
        this.clock = clock;
        this.isCanary = isCanary;
        this.counters = counters;
    }

    /** Runs {@code onSplit} once, when a canary shows up at {@code child} before {@code until}. */
    void watch(InfoHash child, Instant until, Runnable onSplit) {
        List<Watch> toClose = new ArrayList<>();
        Watch w = new Watch(until, onSplit);
        synchronized (this) {
            if (closed) {
                return;
            }
            dropFinished(clock.instant(), toClose);
        }
        closeAll(toClose);
        ListenHandle handle;
        try {
            handle = storage.listen(child, w::onValues);
        } catch (RuntimeException e) {
            counters.increment(IndexCounters.LISTEN_FAILED);
            return;
        }
        w.attach(handle);
        synchronized (this) {
            if (closed) {
                toClose.add(w);
            } else if (!w.isFired()) {
                open.add(w);
                while (open.size() > CAPACITY) {
                    Iterator<Watch> oldest = open.iterator();
                    toClose.add(oldest.next());
                    oldest.remove();
                    counters.increment(IndexCounters.WATCH_EVICTED);
                }
            }
        }
        closeAll(toClose);
    }

    synchronized int openCount() {
        return open.size();
    }

    private void dropFinished(Instant now, List<Watch> toClose) {
        Iterator<Watch> it = open.iterator();
        while (it.hasNext()) {
            Watch w = it.next();
            if (w.isFired() || w.until.isBefore(now)) {
                it.remove();
                toClose.add(w);
            }
        }
    }

    private static void closeAll(List<Watch> watches) {
        watches.forEach(Watch::close);
    }

    @Override
    public void close() {
        List<Watch> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayList<>(open);
            open.clear();
        }
        closeAll(toClose);
    }

    private final class Watch {
        private final Instant until;
        private final Runnable onSplit;
        private ListenHandle handle;
        private boolean fired;
        private boolean closed;

        Watch(Instant until, Runnable onSplit) {
            this.until = until;
            this.onSplit = onSplit;
        }

        void onValues(List<Value> values) {
            synchronized (this) {
                if (fired || closed || values.stream().noneMatch(isCanary)) {
                    return;
                }
                fired = true;
            }
            close();
            onSplit.run();
        }

        /** The listen may report before it returns its handle: a fired watch closes it at once. */
        void attach(ListenHandle h) {
            boolean closeNow;
            synchronized (this) {
                handle = h;
                closeNow = fired || closed;
            }
            if (closeNow) {
                h.close();
            }
        }

        synchronized boolean isFired() {
            return fired;
        }

        void close() {
            ListenHandle h;
            synchronized (this) {
                closed = true;
                h = handle;
                handle = null;
            }
            if (h != null) {
                h.close();
            }
        }
    }
}
