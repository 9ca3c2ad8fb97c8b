package org.carillon.core.store;

import org.carillon.core.account.AccountId;

/**
 * An account this machine holds (its keys are in {@link DataDirectory#accountDirectory}).
 *
 * @param alias the name the user gave the account, may be empty
 * @param deviceName this device's name within the account, may be empty
 * @param createdAt when the account was created or imported here, Unix seconds
 */
public record LocalAccount(AccountId id, String alias, String deviceName, long createdAt) {
    public LocalAccount {
        if (id == null || alias == null || deviceName == null) {
            throw new IllegalArgumentException("a local account needs its id, alias and device name (may be empty)");
        }
    }
}
