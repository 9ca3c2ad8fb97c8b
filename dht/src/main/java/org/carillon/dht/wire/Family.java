package org.carillon.dht.wire;

import java.net.Inet4Address;
import java.net.InetAddress;

/** Address family, with the raw Linux codes used in the {@code w} ("want") list. */
public enum Family {
    IPV4(2, 4),
    IPV6(10, 16);

    private final int wireCode;
    private final int addressLength;

    Family(int wireCode, int addressLength) {
        this.wireCode = wireCode;
        this.addressLength = addressLength;
    }

    public int wireCode() {
        return wireCode;
    }

    public int addressLength() {
        return addressLength;
    }

    /** Bytes of one compact node entry: id, address, port. */
    public int compactNodeLength() {
        return 20 + addressLength + 2;
    }

    public static Family of(InetAddress address) {
        return address instanceof Inet4Address ? IPV4 : IPV6;
    }

    /** The family for a {@code w} code, or null for any code OpenDHT ignores. */
    public static Family ofWireCode(long code) {
        return code == 2 ? IPV4 : code == 10 ? IPV6 : null;
    }
}
