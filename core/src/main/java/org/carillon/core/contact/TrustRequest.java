package org.carillon.core.contact;

import org.carillon.core.account.AccountId;
import org.carillon.dht.InfoHash;

/**
 * A trust request we received and the user has not answered yet (§5).
 *
 * @param from the sender's account id (from the sender device's certificate chain)
 * @param fromDevice the SHA-1 id of the device that sent it
 * @param conversationId the one-to-one conversation the sender created (40 hex), may be empty
 * @param vcard the sender's vCard (the payload), at most {@link #MAX_VCARD} bytes
 * @param receivedSeconds when it arrived, Unix seconds
 */
public record TrustRequest(
        AccountId from, InfoHash fromDevice, String conversationId, byte[] vcard, long receivedSeconds) {
    /** Jami drops payloads over this size (jamiaccount.cpp). */
    public static final int MAX_VCARD = 64_000;

    public TrustRequest {
        if (from == null || fromDevice == null || conversationId == null || vcard == null) {
            throw new IllegalArgumentException("a trust request needs its sender, device, conversation id and vCard");
        }
        if (vcard.length > MAX_VCARD) {
            throw new IllegalArgumentException("vCard of " + vcard.length + " bytes is over " + MAX_VCARD);
        }
    }
}
