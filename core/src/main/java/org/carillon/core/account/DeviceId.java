package org.carillon.core.account;

import java.security.PublicKey;
import java.util.HexFormat;
import org.carillon.dht.InfoHash;
import org.carillon.dht.crypto.PublicKeys;

/**
 * A device's two ids (§1): the SHA-1 "short id" of its public key, used for DHT keys ({@code
 * inbox:}, {@code peer:}) and in announcements, and the SHA-256 "long id" (64 hex) that Jami's
 * API, known-device lists and swarm repositories use.
 */
public record DeviceId(InfoHash shortId, String longId) {
    public DeviceId {
        if (shortId == null || longId == null || !longId.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a device id needs its SHA-1 and its SHA-256 (64 hex) ids");
        }
    }

    public static DeviceId of(PublicKey deviceKey) {
        return new DeviceId(PublicKeys.id(deviceKey), HexFormat.of().formatHex(PublicKeys.longId(deviceKey)));
    }

    @Override
    public String toString() {
        return shortId.toString();
    }
}
