package org.carillon.dht.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/** The 38 datagrams captured between real OpenDHT 2.4.12 nodes, from test resources. */
public final class GoldenVectors {
    public static final List<String> NAMES = List.of(
            "01-ping-request",
            "02-ping-reply",
            "03-find-request-want46",
            "04-find-reply-n4-token",
            "05-get-request-select-id",
            "06-get-reply-fileds",
            "07-get-request-where-id",
            "08-get-reply-values",
            "09-put-request-with-created",
            "10-put-reply-vid",
            "11-listen-request",
            "12-listen-reply",
            "13-update-request-new-value",
            "14-update-request-expired",
            "15-update-request-refreshed",
            "16-refresh-request",
            "17-refresh-reply",
            "18-put-request-fragmented-header",
            "19-value-part-0",
            "20-value-part-1",
            "21-value-part-2",
            "22-error-401-put-wrong-token",
            "23-error-203-get-no-infohash",
            "24-error-404-unknown-storage",
            "25-ping-reply-ipv6",
            "26-find-reply-n6",
            "27-ping-request-netid42",
            "28-ping-reply-netid42",
            "29-get-request-select-id-seq-where-type",
            "30-listen-request-where-usertype",
            "31-put-signed-value-header",
            "32-put-signed-value-part",
            "33-put-encrypted-value-header",
            "34-put-encrypted-value-part-0",
            "35-put-encrypted-value-part-1",
            "36-put-certificate-header",
            "37-put-certificate-part-0",
            "38-put-certificate-part-1");

    private GoldenVectors() {}

    public static byte[] load(String name) {
        try (InputStream in = GoldenVectors.class.getResourceAsStream("/opendht-vectors/" + name + ".hex")) {
            if (in == null) {
                throw new IllegalArgumentException("no vector " + name);
            }
            return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<byte[]> all() {
        return NAMES.stream().map(GoldenVectors::load).toList();
    }
}
