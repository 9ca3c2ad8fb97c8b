package org.carillon.core.contact;

import org.carillon.core.account.AccountId;

/**
 * A contact as Jami keeps it ({@code ringAccountContacts} in the archive, §3): times in Unix
 * seconds, 0 when never. A contact is <em>active</em> when added after its last removal;
 * <em>confirmed</em> once the peer accepted (or we accepted theirs); <em>banned</em> when
 * blocked.
 */
public record Contact(
        AccountId id,
        long addedSeconds,
        long removedSeconds,
        boolean confirmed,
        boolean banned,
        String conversationId) {
    public Contact {
        if (id == null || conversationId == null) {
            throw new IllegalArgumentException("a contact needs its id and a conversation id (may be empty)");
        }
    }

    public boolean isActive() {
        return addedSeconds > removedSeconds;
    }
}
