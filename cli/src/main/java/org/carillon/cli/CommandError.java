package org.carillon.cli;

/** A console command that cannot run as typed: its message says why, for the user to fix it. */
final class CommandError extends RuntimeException {
    CommandError(String message) {
        super(message, null, false, false);
    }
}
