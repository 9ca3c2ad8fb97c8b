package org.carillon.core.store;

/**
 * The database failed while the daemon was running (disk full, file removed, a constraint the
 * caller broke). Unchecked because {@link org.carillon.core.contact.AccountState} is a port with
 * no checked exceptions; the transaction it came from was rolled back.
 */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
