package org.carillon.dht.crypto;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.carillon.dht.Value;

/**
 * Certificate announcements (§10.6, §11.5): value id 1, type 8, data = a msgpack bin holding
 * the PEM chain, leaf first.
 */
public final class CertificateValues {
    public static final long VALUE_ID = 1;
    public static final int TYPE = 8;

    private CertificateValues() {}

    public static Value of(List<X509Certificate> chain) {
        return Value.of(VALUE_ID, TYPE, bin(pem(chain)));
    }

    /** The chain a certificate value carries; throws when the data is not one. */
    public static List<X509Certificate> chain(Value value) throws GeneralSecurityException {
        byte[] pem = unbin(value.data());
        List<X509Certificate> out = new ArrayList<>();
        CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem))
                .forEach(c -> out.add((X509Certificate) c));
        if (out.isEmpty()) {
            throw new GeneralSecurityException("no certificate in the value");
        }
        return out;
    }

    static byte[] pem(List<X509Certificate> chain) {
        StringBuilder s = new StringBuilder();
        Base64.Encoder b64 = Base64.getMimeEncoder(64, new byte[] {'\n'});
        for (X509Certificate c : chain) {
            try {
                s.append("-----BEGIN CERTIFICATE-----\n")
                        .append(b64.encodeToString(c.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("certificate cannot be encoded: " + e.getMessage(), e);
            }
        }
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** msgpack bin 8/16/32, as msgpack-c packs a blob. */
    static byte[] bin(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 5);
        int n = data.length;
        if (n < 0x100) {
            out.write(0xc4);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0xc5);
            out.write(n >>> 8);
            out.write(n);
        } else {
            out.write(0xc6);
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.write(n >>> shift);
            }
        }
        out.writeBytes(data);
        return out.toByteArray();
    }

    static byte[] unbin(byte[] d) throws GeneralSecurityException {
        if (d.length >= 2 && (d[0] & 0xff) == 0xc4) {
            return slice(d, 2, d[1] & 0xff);
        }
        if (d.length >= 3 && (d[0] & 0xff) == 0xc5) {
            return slice(d, 3, ((d[1] & 0xff) << 8) | (d[2] & 0xff));
        }
        if (d.length >= 5 && (d[0] & 0xff) == 0xc6) {
            long n = ((d[1] & 0xffL) << 24) | ((d[2] & 0xff) << 16) | ((d[3] & 0xff) << 8) | (d[4] & 0xff);
            return slice(d, 5, n);
        }
        throw new GeneralSecurityException("certificate data is not a msgpack bin");
    }

    private static byte[] slice(byte[] d, int offset, long length) throws GeneralSecurityException {
        if (offset + length != d.length) {
            throw new GeneralSecurityException("msgpack bin length " + length + " does not match the data");
        }
        return java.util.Arrays.copyOfRange(d, offset, d.length);
    }
}
