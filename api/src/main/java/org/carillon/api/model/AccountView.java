package org.carillon.api.model;

import org.carillon.core.store.LocalAccount;

/** An account of the daemon. */
public record AccountView(String id, String alias, String device, boolean online) {
    public static AccountView of(LocalAccount a, boolean online) {
        return new AccountView(a.id().hex(), a.alias(), a.deviceName(), online);
    }
}
