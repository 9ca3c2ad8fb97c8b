package org.carillon.bench.messages;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Two Carillon accounts that are contacts, the sender A and the recipient B, on some network
 * with some clock: real UDP and the wall clock, or a simulated network in virtual time. The
 * workload runs on either through this.
 */
interface MessagingPair extends AutoCloseable {
    /** The clock of both arrival logs, in nanoseconds. */
    long nanos();

    /** A sends {@code text} to B; returns the message id. */
    long send(String text);

    /** Lets time pass until {@code done} holds or {@code timeout} passed; returns {@code done}'s value. */
    boolean await(BooleanSupplier done, Duration timeout);

    default void pass(Duration duration) {
        await(() -> false, duration);
    }

    /**
     * What the network's nodes report (remote listeners registered, datagrams dropped by reason),
     * for the notes; empty where there is nothing to say (the simulation).
     */
    default java.util.Optional<String> networkState() {
        return java.util.Optional.empty();
    }

    ArrivalLog sender();

    ArrivalLog recipient();

    /** B goes offline: its session ends (its store stays, as files do). */
    void stopRecipient();

    /** B comes back with what its store kept. */
    void startRecipient();

    @Override
    void close();
}
