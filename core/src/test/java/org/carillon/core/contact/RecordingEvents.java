package org.carillon.core.contact;

import java.util.ArrayList;
import java.util.List;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.DeviceId;

/** Keeps every event an account raised, for assertions. */
final class RecordingEvents implements AccountEvents {
    record Presence(AccountId contact, DeviceId device, boolean online) {}

    final List<TrustRequest> requests = new ArrayList<>();
    final List<Contact> confirmed = new ArrayList<>();
    final List<Presence> presence = new ArrayList<>();
    final List<String> refusals = new ArrayList<>();

    @Override
    public synchronized void onTrustRequest(TrustRequest request) {
        requests.add(request);
    }

    @Override
    public synchronized void onContactConfirmed(Contact contact) {
        confirmed.add(contact);
    }

    @Override
    public synchronized void onPresence(AccountId contact, DeviceId device, boolean online) {
        presence.add(new Presence(contact, device, online));
    }

    @Override
    public synchronized void onRefused(String reason) {
        refusals.add(reason);
    }

    synchronized boolean online(AccountId contact) {
        boolean on = false;
        for (Presence p : presence) {
            if (p.contact().equals(contact)) {
                on = p.online();
            }
        }
        return on;
    }
}
