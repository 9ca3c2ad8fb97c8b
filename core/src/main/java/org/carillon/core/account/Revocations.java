package org.carillon.core.account;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CRLException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Date;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.carillon.dht.Value;
import org.carillon.dht.crypto.PublicKeys;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * Device revocation (§1): the account key signs an X.509 CRL listing revoked device
 * certificates, as jamid's {@code revokeDevice} does with OpenDHT's {@code RevocationList}:
 * version 2, issuer = the account certificate's subject, thisUpdate = now, nextUpdate = the
 * account certificate's expiry, a CRL number (random at first, then +1), entries = serial and
 * revocation time, signed with SHA-512. It is put unsigned at the account id as a type-0 value
 * whose data is a msgpack bin of the DER CRL ({@code Value(shared_ptr<RevocationList>)}); only
 * the CRL's own signature vouches for it.
 */
public final class Revocations {
    /** USER_DATA: jamid puts the CRL as a plain value. */
    public static final int TYPE = 0;

    static final String ALGORITHM = "SHA512withRSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Revocations() {}

    /**
     * A CRL of {@code account} listing {@code devices} revoked now, plus every entry of {@code
     * earlier} (null when the account had none). Revoking a device twice keeps its first entry.
     */
    public static X509CRL revoke(AccountKeys account, X509CRL earlier, Collection<X509Certificate> devices) {
        if (account == null || account.account().key().getPrivate() == null) {
            throw new IllegalArgumentException("revoking a device needs the account's private key");
        }
        X509Certificate issuer = account.account().certificate();
        PrivateKey key = account.account().key().getPrivate();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        X509v2CRLBuilder b = new X509v2CRLBuilder(
                X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()), Date.from(now));
        b.setNextUpdate(issuer.getNotAfter());
        Set<BigInteger> listed = new java.util.HashSet<>();
        if (earlier != null && earlier.getRevokedCertificates() != null) {
            for (X509CRLEntry e : earlier.getRevokedCertificates()) {
                if (listed.add(e.getSerialNumber())) {
                    b.addCRLEntry(e.getSerialNumber(), e.getRevocationDate(), null);
                }
            }
        }
        for (X509Certificate device : devices) {
            if (!device.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
                throw new IllegalArgumentException(
                        "certificate " + PublicKeys.id(device.getPublicKey()) + " is not a device of this account");
            }
            if (listed.add(device.getSerialNumber())) {
                b.addCRLEntry(device.getSerialNumber(), Date.from(now), null);
            }
        }
        try {
            b.addExtension(Extension.cRLNumber, false, new ASN1Integer(nextNumber(earlier)));
            X509CRL crl = new JcaX509CRLConverter().getCRL(b.build(new JcaContentSignerBuilder(ALGORITHM).build(key)));
            return crl;
        } catch (IOException | OperatorCreationException | CRLException e) {
            throw new IllegalStateException("cannot build the revocation list: " + e.getMessage(), e);
        }
    }

    /** OpenDHT starts from a random number and adds one on each signature. */
    private static BigInteger nextNumber(X509CRL earlier) throws IOException {
        byte[] ext = earlier == null ? null : earlier.getExtensionValue(Extension.cRLNumber.getId());
        if (ext == null) {
            return new BigInteger(63, RANDOM).max(BigInteger.ONE);
        }
        ASN1Primitive inner =
                ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(ext).getOctets());
        return ASN1Integer.getInstance(inner).getValue().add(BigInteger.ONE);
    }

    /** True when {@code crl} lists {@code device}: same issuer and a listed serial (GnuTLS's check). */
    public static boolean isRevoked(X509CRL crl, X509Certificate device) {
        if (crl == null || device == null) {
            return false;
        }
        if (!crl.getIssuerX500Principal().equals(device.getIssuerX500Principal())) {
            return false;
        }
        return crl.getRevokedCertificate(device.getSerialNumber()) != null;
    }

    /** The value jamid puts at the account id: type 0, unsigned, data = msgpack bin(DER CRL). */
    public static Value toValue(X509CRL crl) {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            byte[] der = crl.getEncoded();
            p.packBinaryHeader(der.length);
            p.writePayload(der);
            p.close();
            return Value.of(Value.randomId(RANDOM), TYPE, p.toByteArray());
        } catch (CRLException e) {
            throw new IllegalArgumentException("the CRL cannot be encoded: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException("packing in memory cannot fail", e);
        }
    }

    /**
     * The CRL a value at the account id carries, when {@code accountCertificate} signed it (as
     * OpenDHT's {@code isSignedBy}: issuer name and signature). An account id alone cannot verify
     * a signature; the account certificate comes with every device chain.
     */
    public static Optional<X509CRL> from(Value value, X509Certificate accountCertificate) {
        if (value == null || accountCertificate == null || value.isEncrypted()) {
            return Optional.empty();
        }
        Optional<X509CRL> crl = parse(value.data());
        return crl.filter(c -> isSignedBy(c, accountCertificate));
    }

    /** Whether {@code issuer} issued and signed {@code crl}. */
    public static boolean isSignedBy(X509CRL crl, X509Certificate issuer) {
        if (!crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        try {
            crl.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** Parses a DER (or, as OpenDHT accepts, PEM) CRL. */
    public static Optional<X509CRL> decode(byte[] encoded) {
        try {
            return Optional.of(
                    (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(encoded)));
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** OpenDHT's RevocationList unpacks a msgpack bin, or any blob it can unpack. */
    private static Optional<X509CRL> parse(byte[] data) {
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(data)) {
            if (!u.hasNext() || u.getNextFormat().getValueType() != ValueType.BINARY) {
                return Optional.empty();
            }
            byte[] der = u.readPayload(u.unpackBinaryHeader());
            return decode(der);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
