package org.carillon.cli;

import java.util.Optional;

/**
 * Turns the node's logs on and off from the console ({@code log}, {@code log <key>}), as
 * dhtnode's {@code log} does. Warnings and errors are always shown.
 */
interface LogSwitch extends AutoCloseable {
    boolean isOn();

    /** Shows the logs; with a filter, only lines that mention it (a key in hex). */
    void on(Optional<String> filter);

    void off();

    /**
     * Prints the log lines to {@code sink} instead of where they were configured to go (a
     * terminal's prompt would be broken by lines written to stderr), until the returned handle
     * is closed.
     */
    default Redirect redirect(ConsoleSink sink) {
        return () -> {};
    }

    /** Ends a {@link #redirect}. */
    @FunctionalInterface
    interface Redirect extends AutoCloseable {
        @Override
        void close();
    }

    /** Gives the logs back as they were before the console took them over. */
    @Override
    default void close() {}

    /** For tests and embedders that have no log to switch. */
    static LogSwitch inMemory() {
        return new LogSwitch() {
            private volatile boolean on;

            @Override
            public boolean isOn() {
                return on;
            }

            @Override
            public void on(Optional<String> filter) {
                on = true;
            }

            @Override
            public void off() {
                on = false;
            }
        };
    }
}
