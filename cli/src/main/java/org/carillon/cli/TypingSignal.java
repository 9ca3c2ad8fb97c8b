package org.carillon.cli;

import java.util.Optional;

/**
 * When to tell the peer that we type: "active" at the first key of a message, "idle" once the
 * line is empty again, sent, or left alone for {@link #IDLE_AFTER_MILLIS}; an active state is
 * told again every {@link #REPEAT_MILLIS} while typing goes on (the peer's indicator times out,
 * as Jami's clients do). Each method returns the state to send, if any.
 */
final class TypingSignal {
    static final long IDLE_AFTER_MILLIS = 5_000;
    static final long REPEAT_MILLIS = 20_000;

    private boolean active;
    private long lastKeyMillis;
    private long lastToldMillis;

    /** A key changed the line; {@code empty} when nothing is left in it. */
    synchronized Optional<Boolean> onEdit(long nowMillis, boolean empty) {
        if (empty) {
            return becomeIdle();
        }
        lastKeyMillis = nowMillis;
        if (!active || nowMillis - lastToldMillis >= REPEAT_MILLIS) {
            active = true;
            lastToldMillis = nowMillis;
            return Optional.of(true);
        }
        return Optional.empty();
    }

    /** The line was sent (or thrown away). */
    synchronized Optional<Boolean> onLineDone() {
        return becomeIdle();
    }

    /** Called every second or so. */
    synchronized Optional<Boolean> onTick(long nowMillis) {
        return active && nowMillis - lastKeyMillis >= IDLE_AFTER_MILLIS ? becomeIdle() : Optional.empty();
    }

    private Optional<Boolean> becomeIdle() {
        if (!active) {
            return Optional.empty();
        }
        active = false;
        return Optional.of(false);
    }
}
