package org.carillon.core.contact;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.carillon.core.account.AccountId;

/** An {@link AccountState} in memory, for tests. */
public final class MemoryAccountState implements AccountState {
    private final Map<AccountId, Contact> contacts = new LinkedHashMap<>();
    private final Map<AccountId, TrustRequest> requests = new LinkedHashMap<>();
    private final Set<Long> handled = new HashSet<>();

    @Override
    public synchronized List<Contact> contacts() {
        return new ArrayList<>(contacts.values());
    }

    @Override
    public synchronized Optional<Contact> contact(AccountId id) {
        return Optional.ofNullable(contacts.get(id));
    }

    @Override
    public synchronized void saveContact(Contact contact) {
        contacts.put(contact.id(), contact);
    }

    @Override
    public synchronized List<TrustRequest> requests() {
        return new ArrayList<>(requests.values());
    }

    @Override
    public synchronized Optional<TrustRequest> request(AccountId from) {
        return Optional.ofNullable(requests.get(from));
    }

    @Override
    public synchronized void saveRequest(TrustRequest request) {
        requests.put(request.from(), request);
    }

    @Override
    public synchronized void removeRequest(AccountId from) {
        requests.remove(from);
    }

    @Override
    public synchronized boolean markHandled(long valueId) {
        return handled.add(valueId);
    }
}
