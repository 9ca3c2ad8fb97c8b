package org.carillon.core.message;

/** A message that cannot be carried: its text is over Jami's limit, or sealed it would not fit in a DHT value. */
public final class MessageTooLargeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    MessageTooLargeException(String message) {
        super(message);
    }
}
