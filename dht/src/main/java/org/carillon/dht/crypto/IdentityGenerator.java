package org.carillon.dht.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
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
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Creates identities shaped like {@code dhtnode -i}'s: a self-signed P-384 CA ({@code CN=<name>
 * CA}) and an RSA node key certified by it ({@code CN=<name>}), each with {@code UID} = its
 * public-key id, valid ten years. RSA-4096 takes seconds: never call this on the event loop.
 */
public final class IdentityGenerator {
    public static final int DEFAULT_RSA_BITS = 4096;
    static final Duration VALIDITY = Duration.ofDays(3650);

    private final SecureRandom random;

    public IdentityGenerator(SecureRandom random) {
        this.random = random;
    }

    /** A self-signed certificate authority with an EC P-384 key, as dhtnode's. */
    public Identity certificateAuthority(String name) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"), random);
        KeyPair key = g.generateKeyPair();
        X500Name subject = name(name, key);
        X509Certificate cert = certify(subject, key, subject, key, true);
        return new Identity(key, List.of(cert));
    }

    /** An RSA identity certified by {@code issuer}; its chain is the new certificate then the issuer's chain. */
    public Identity identity(String name, Identity issuer, int rsaBits) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(rsaBits, random);
        KeyPair key = g.generateKeyPair();
        X509Certificate cert = certify(name(name, key), key, subjectOf(issuer), issuer.key(), false);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(cert);
        chain.addAll(issuer.chain());
        return new Identity(key, chain);
    }

    private static X500Name subjectOf(Identity identity) {
        return X500Name.getInstance(
                identity.certificate().getSubjectX500Principal().getEncoded());
    }

    private static X500Name name(String commonName, KeyPair key) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, commonName)
                .addRDN(BCStyle.UID, HexFormat.of().formatHex(keyId(key)))
                .build();
    }

    /** GnuTLS's key id: SHA-1 of the DER SubjectPublicKeyInfo, for any key type. */
    private static byte[] keyId(KeyPair key) {
        return org.carillon.dht.InfoHash.sha1(key.getPublic().getEncoded()).toBytes();
    }

    private X509Certificate certify(X500Name subject, KeyPair key, X500Name issuer, KeyPair issuerKey, boolean ca)
            throws GeneralSecurityException {
        Instant now = Instant.now();
        BigInteger serial = new BigInteger(63, random);
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                issuer, serial, Date.from(now), Date.from(now.plus(VALIDITY)), subject, key.getPublic());
        try {
            b.addExtension(Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId(key)));
            if (ca) {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                b.addExtension(
                        Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.dataEncipherment));
            }
            String algorithm = "EC".equals(issuerKey.getPrivate().getAlgorithm()) ? "SHA384withECDSA" : "SHA512withRSA";
            ContentSigner signer = new JcaContentSignerBuilder(algorithm).build(issuerKey.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (java.io.IOException | OperatorCreationException e) {
            throw new GeneralSecurityException("cannot build the certificate: " + e.getMessage(), e);
        }
    }
}
