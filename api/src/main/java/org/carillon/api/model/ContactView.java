package org.carillon.api.model;

import org.carillon.core.contact.Contact;

/** A contact (times in Unix seconds). */
public record ContactView(String id, boolean confirmed, boolean banned, long added, long removed, String conversation) {
    public static ContactView of(Contact c) {
        return new ContactView(
                c.id().hex(), c.confirmed(), c.banned(), c.addedSeconds(), c.removedSeconds(), c.conversationId());
    }
}
