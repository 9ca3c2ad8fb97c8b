package org.carillon.dht.engine;

/**
 * The node's only source of time and deferred work. Production runs it on the event-loop
 * thread with the wall clock; simulations run it in virtual time.
 */
public interface Scheduler {
    /** Current time in milliseconds since the Unix epoch (virtual in simulations). */
    long now();

    /** Runs {@code task} on the node's thread after {@code delayMillis}. */
    Cancellable schedule(long delayMillis, Runnable task);

    interface Cancellable {
        void cancel();
    }
}
