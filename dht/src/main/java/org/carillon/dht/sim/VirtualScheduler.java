package org.carillon.dht.sim;

import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;
import org.carillon.dht.engine.Scheduler;

/**
 * A scheduler in virtual time: tasks run in time order (ties in submission order) on the
 * caller's thread, and time jumps from one task to the next. Same inputs, same run.
 */
public final class VirtualScheduler implements Scheduler {
    private record Task(long at, long seq, Runnable run, boolean[] cancelled) implements Comparable<Task> {
        @Override
        public int compareTo(Task o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long now;
    private long seq;

    /** @param start virtual epoch milliseconds at which the simulation begins */
    public VirtualScheduler(long start) {
        this.now = start;
    }

    @Override
    public long now() {
        return now;
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
        boolean[] cancelled = new boolean[1];
        queue.add(new Task(now + Math.max(0, delayMillis), seq++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Runs every task due within {@code millis} of now, then sets the clock to that time. */
    public void runFor(long millis) {
        long end = now + millis;
        while (!queue.isEmpty() && queue.peek().at <= end) {
            step();
        }
        now = end;
    }

    /** Runs tasks until {@code done} holds or {@code maxMillis} of virtual time passed. */
    public boolean runUntil(BooleanSupplier done, long maxMillis) {
        long end = now + maxMillis;
        while (!done.getAsBoolean()) {
            if (queue.isEmpty() || queue.peek().at > end) {
                now = end;
                return done.getAsBoolean();
            }
            step();
        }
        return true;
    }

    public int pending() {
        return queue.size();
    }

    private void step() {
        Task t = queue.poll();
        now = Math.max(now, t.at);
        if (!t.cancelled[0]) {
            t.run.run();
        }
    }
}
