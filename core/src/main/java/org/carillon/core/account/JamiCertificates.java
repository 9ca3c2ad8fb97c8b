package org.carillon.core.account;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.carillon.dht.crypto.PublicKeys;

/**
 * Issues certificates the way OpenDHT 2.4.12 does for Jami (crypto.cpp), so GnuTLS in jamid
 * accepts them byte-compatible in shape:
 *
 * <ul>
 *   <li>{@code Certificate::generate(key, name, ca, isCA)} (CA and account): subject {@code
 *       CN=name, UID=key id} as PrintableStrings, subject key id = key id, critical
 *       basicConstraints CA:TRUE only for CAs, critical keyUsage (certSign|cRLSign for CAs,
 *       digitalSignature|dataEncipherment otherwise), no authority key id; the digest is the
 *       <em>subject</em> key's preferred one.
 *   <li>{@code Certificate::generate(request, ca)} (device): GnuTLS copies only the CSR's name
 *       and key, and Jami's CSR has no extensions, so the device certificate has none; the
 *       digest is the <em>issuer</em> key's preferred one.
 * </ul>
 *
 * Validity is 10 × 365 days from now; serials are random positive 63-bit numbers.
 */
final class JamiCertificates {
    static final Duration VALIDITY = Duration.ofDays(10 * 365);

    private final SecureRandom random;

    JamiCertificates(SecureRandom random) {
        this.random = random;
    }

    X509Certificate selfSignedCa(KeyPair key, String commonName) throws GeneralSecurityException {
        X500Name subject = name(commonName, key.getPublic());
        return build(subject, key.getPublic(), subject, key.getPrivate(), digestFor(key.getPublic()), true, true);
    }

    /** OpenDHT's {@code Certificate::generate(key, name, ca, isCA)} with a CA identity. */
    X509Certificate issued(KeyPair key, String commonName, X509Certificate issuer, PrivateKey issuerKey, boolean ca)
            throws GeneralSecurityException {
        return build(
                name(commonName, key.getPublic()),
                key.getPublic(),
                subjectOf(issuer),
                issuerKey,
                digestFor(key.getPublic()),
                true,
                ca);
    }

    /** OpenDHT's {@code Certificate::generate(request, ca)} as Jami signs a device's request. */
    X509Certificate fromRequest(PublicKey subjectKey, String commonName, X509Certificate issuer, PrivateKey issuerKey)
            throws GeneralSecurityException {
        return build(
                name(commonName, subjectKey),
                subjectKey,
                subjectOf(issuer),
                issuerKey,
                digestFor(issuer.getPublicKey()),
                false,
                false);
    }

    /**
     * GnuTLS's preferred hash for an RSA key ({@code gnutls_pubkey_get_preferred_hash_algorithm}):
     * SHA-256 up to 3072 bits, SHA-384 up to 7680, SHA-512 above. Seen: 2048 and 3072 → SHA-256,
     * 4096 → SHA-384 (jamid's certificates are sha384WithRSAEncryption).
     */
    static String digestFor(PublicKey key) {
        int bits = ((RSAKey) key).getModulus().bitLength();
        if (bits <= 3072) {
            return "SHA256withRSA";
        }
        return bits <= 7680 ? "SHA384withRSA" : "SHA512withRSA";
    }

    private X509Certificate build(
            X500Name subject,
            PublicKey subjectKey,
            X500Name issuer,
            PrivateKey issuerKey,
            String algorithm,
            boolean extensions,
            boolean ca)
            throws GeneralSecurityException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        BigInteger serial = new BigInteger(63, random).max(BigInteger.ONE);
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                issuer, serial, Date.from(now), Date.from(now.plus(VALIDITY)), subject, subjectKey);
        try {
            if (extensions) {
                b.addExtension(
                        Extension.subjectKeyIdentifier,
                        false,
                        new SubjectKeyIdentifier(PublicKeys.id(subjectKey).toBytes()));
                if (ca) {
                    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                } else {
                    b.addExtension(
                            Extension.keyUsage,
                            true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.dataEncipherment));
                }
            }
            return new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
        } catch (IOException | OperatorCreationException e) {
            throw new GeneralSecurityException("cannot build the certificate: " + e.getMessage(), e);
        }
    }

    /** {@code CN=<name>, UID=<key id hex>}, both PrintableString as GnuTLS writes them. */
    static X500Name name(String commonName, PublicKey key) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, new DERPrintableString(commonName))
                .addRDN(BCStyle.UID, new DERPrintableString(PublicKeys.id(key).toString()))
                .build();
    }

    /** The issuer's subject exactly as encoded, so name chaining compares equal bytes. */
    private static X500Name subjectOf(X509Certificate issuer) {
        return X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
    }
}
