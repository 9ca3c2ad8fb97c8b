package org.carillon.core.contact;

import java.util.List;
import java.util.Optional;
import org.carillon.core.account.AccountId;

/**
 * What an account remembers about its peers, as the contact and request logic needs it. The
 * daemon's implementation is SQLite ({@code org.carillon.core.store}); tests may keep it in
 * memory. Every method is one atomic change: a crash leaves either the old or the new state.
 */
public interface AccountState {
    List<Contact> contacts();

    Optional<Contact> contact(AccountId id);

    /** Adds or replaces the contact with this id. */
    void saveContact(Contact contact);

    List<TrustRequest> requests();

    Optional<TrustRequest> request(AccountId from);

    /** Adds or replaces the pending request from {@code request.from()}. */
    void saveRequest(TrustRequest request);

    void removeRequest(AccountId from);

    /**
     * Records that the value with this id was handled, so a replay or a duplicate is recognised;
     * returns false when it had been recorded before.
     */
    boolean markHandled(long valueId);
}
