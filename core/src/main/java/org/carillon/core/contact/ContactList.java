package org.carillon.core.contact;

import java.util.List;
import java.util.Optional;
import org.carillon.core.account.AccountId;
import org.carillon.dht.InfoHash;

/**
 * Jami's contact rules (13.7 contact_list.cpp) over an {@link AccountState}: adding, removing
 * and banning contacts, what a received request or confirm does, and how a device sync merges
 * in. Reports every change to the events listener. Not thread-safe: {@link OnlineAccount} calls
 * it under its lock.
 */
final class ContactList {
    /** What a received request or confirm led to. */
    enum Outcome {
        /** A new pending request was stored. */
        NEW_REQUEST,
        /** The sender is already an active contact and asked again: confirm back, as Jami does. */
        CONFIRM_BACK,
        /** A confirm (or a mutual request) made an active contact confirmed. */
        CONFIRMED,
        /** A confirm from an already confirmed contact: nothing to do. */
        NOTHING,
        /** The sender is blocked. */
        BLOCKED,
        /** The pending request, known from a sync without its vCard, got it from the sender. */
        COMPLETED,
        /** A request from this sender is already pending. */
        DUPLICATE,
        /** A confirm from someone we never asked (13.7 would store it as a request). */
        UNSOLICITED_CONFIRM
    }

    private final AccountState state;
    private final AccountEvents events;

    ContactList(AccountState state, AccountEvents events) {
        this.state = state;
        this.events = events;
    }

    /** Jami's addContact: the contact, active now, when something changed. */
    Optional<Contact> addContact(AccountId id, boolean confirmed, String conversationId, long nowSeconds) {
        Optional<Contact> old = state.contact(id);
        if (old.isPresent()
                && old.get().isActive()
                && old.get().confirmed() == confirmed
                && old.get().conversationId().equals(conversationId)) {
            return Optional.empty();
        }
        boolean wasConfirmed = old.map(c -> c.isActive() && c.confirmed()).orElse(false);
        boolean nowConfirmed = confirmed || old.map(Contact::confirmed).orElse(false);
        // removed goes back to 0 so the contact is active even when re-added in the second it was removed
        Contact c = new Contact(id, nowSeconds, 0, nowConfirmed, false, conversationId);
        state.saveContact(c);
        if (old.isEmpty() || !old.get().isActive()) {
            events.onContactAdded(c);
        }
        if (nowConfirmed && !wasConfirmed) {
            events.onContactConfirmed(c);
        }
        return Optional.of(c);
    }

    /** Jami's removeContact: removed (and banned when {@code ban}); false when nothing changed. */
    boolean removeContact(AccountId id, boolean ban, long nowSeconds) {
        Optional<Contact> old = state.contact(id);
        if (old.isPresent() && !old.get().isActive() && old.get().banned() == ban) {
            return false;
        }
        long added = old.map(Contact::addedSeconds).orElse(0L);
        String conversation = old.map(Contact::conversationId).orElse("");
        // removed must be later than added for the contact to be inactive
        long removed = Math.max(nowSeconds, added);
        if (removed == added && added > 0) {
            removed = added + 1;
        }
        state.saveContact(new Contact(id, added, removed, false, ban, conversation));
        if (state.request(id).isPresent()) {
            state.removeRequest(id);
        }
        events.onContactRemoved(id);
        return true;
    }

    /** Lifts a block; the account is then neither a contact nor blocked. False when it was not blocked. */
    boolean unblock(AccountId id, long nowSeconds) {
        Optional<Contact> old = state.contact(id);
        if (old.isEmpty() || !isBanned(old.get())) {
            return false;
        }
        Contact c = old.get();
        // a later "removed" carries banned=false to the other devices (Jami's merge takes banned with the newer
        // removal)
        long removed = Math.max(nowSeconds, c.removedSeconds() + 1);
        state.saveContact(new Contact(id, c.addedSeconds(), removed, false, false, c.conversationId()));
        return true;
    }

    static boolean isBanned(Contact c) {
        return !c.isActive() && c.banned();
    }

    boolean isBlocked(AccountId id) {
        return state.contact(id).map(ContactList::isBanned).orElse(false);
    }

    /** Jami's onTrustRequest, except that a confirm from a non-contact is refused rather than stored. */
    Outcome onTrustRequest(
            AccountId peer,
            InfoHash device,
            long receivedSeconds,
            boolean confirm,
            String conversationId,
            byte[] payload) {
        Optional<Contact> contact = state.contact(peer);
        if (contact.isPresent() && isBanned(contact.get())) {
            return Outcome.BLOCKED;
        }
        if (contact.isPresent() && contact.get().isActive()) {
            Contact c = contact.get();
            if (!c.confirmed()) {
                Contact confirmed =
                        new Contact(peer, c.addedSeconds(), c.removedSeconds(), true, false, c.conversationId());
                state.saveContact(confirmed);
                if (state.request(peer).isPresent()) {
                    state.removeRequest(peer);
                }
                events.onContactConfirmed(confirmed);
                return confirm ? Outcome.CONFIRMED : Outcome.CONFIRM_BACK;
            }
            return confirm ? Outcome.NOTHING : Outcome.CONFIRM_BACK;
        }
        if (confirm) {
            return Outcome.UNSOLICITED_CONFIRM;
        }
        Optional<TrustRequest> pending = state.request(peer);
        if (pending.isPresent()) {
            TrustRequest p = pending.get();
            if (p.vcard().length == 0 && payload.length > 0) {
                // a sync from our other device carried the request without its vCard; the sender's own copy has it
                state.saveRequest(new TrustRequest(peer, device, p.conversationId(), payload, p.receivedSeconds()));
                return Outcome.COMPLETED;
            }
            return Outcome.DUPLICATE;
        }
        TrustRequest request = new TrustRequest(peer, device, conversationId, payload, receivedSeconds);
        state.saveRequest(request);
        events.onTrustRequest(request);
        return Outcome.NEW_REQUEST;
    }

    /** Accepts the pending request from {@code from}: the conversation id to confirm with. */
    Optional<String> accept(AccountId from, long nowSeconds) {
        Optional<TrustRequest> request = state.request(from);
        if (request.isEmpty()) {
            return Optional.empty();
        }
        String conversation = request.get().conversationId();
        addContact(from, true, conversation, nowSeconds);
        state.removeRequest(from);
        return Optional.of(conversation);
    }

    boolean discard(AccountId from) {
        if (state.request(from).isEmpty()) {
            return false;
        }
        state.removeRequest(from);
        return true;
    }

    /** Merges a synced contact as Jami's Contact::update and ContactList::updateContact; true when its state changed. */
    boolean updateContact(Contact incoming) {
        Optional<Contact> known = state.contact(incoming.id());
        Contact merged;
        boolean changed;
        if (known.isEmpty()) {
            merged = incoming;
            changed = incoming.isActive() || isBanned(incoming);
            if (!changed) {
                return false;
            }
        } else {
            Contact old = known.get();
            long added = old.addedSeconds();
            long removed = old.removedSeconds();
            boolean banned = old.banned();
            String conversation = old.conversationId();
            if (incoming.addedSeconds() > added) {
                added = incoming.addedSeconds();
                conversation = incoming.conversationId();
            }
            if (incoming.removedSeconds() > removed) {
                removed = incoming.removedSeconds();
                banned = incoming.banned();
            }
            boolean confirmed = old.confirmed() || incoming.confirmed();
            if (incoming.isActive()
                    && conversation.isEmpty()
                    && !incoming.conversationId().isEmpty()) {
                conversation = incoming.conversationId();
            }
            merged = new Contact(incoming.id(), added, removed, confirmed, banned, conversation);
            changed = merged.isActive() != old.isActive()
                    || isBanned(merged) != isBanned(old)
                    || merged.confirmed() != old.confirmed();
            if (merged.equals(old)) {
                return false;
            }
            state.saveContact(merged);
            if (changed) {
                announceChange(old, merged);
            }
            return changed;
        }
        state.saveContact(merged);
        announceChange(null, merged);
        return true;
    }

    private void announceChange(Contact old, Contact merged) {
        if (state.request(merged.id()).isPresent()) {
            state.removeRequest(merged.id());
        }
        boolean wasActive = old != null && old.isActive();
        if (merged.isActive()) {
            if (!wasActive) {
                events.onContactAdded(merged);
            }
            if (merged.confirmed() && (old == null || !old.confirmed() || !wasActive)) {
                events.onContactConfirmed(merged);
            }
        } else if (wasActive || old == null || isBanned(merged)) {
            events.onContactRemoved(merged.id());
        }
    }

    /** Contacts Jami lists: active or banned. */
    List<Contact> listed() {
        return state.contacts().stream()
                .filter(c -> c.isActive() || isBanned(c))
                .toList();
    }
}
