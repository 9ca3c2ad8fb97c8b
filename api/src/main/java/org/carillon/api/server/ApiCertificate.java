package org.carillon.api.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The API's TLS identity when it listens beyond loopback: a self-signed certificate made on first
 * use and kept in {@code api-tls.p12} in the data directory (owner-only). Nobody vouches for it, so
 * a client pins it by its SHA-256 fingerprint, which the daemon prints.
 */
public final class ApiCertificate {
    public static final String FILE = "api-tls.p12";

    static final String ALIAS = "carillon-api";
    /** PKCS#12 wants a password; the file's owner-only permission is what protects the key. */
    static final char[] PASSWORD = "carillon".toCharArray();

    private static final Duration VALIDITY = Duration.ofDays(3650);

    private final KeyStore keyStore;
    private final X509Certificate certificate;

    private ApiCertificate(KeyStore keyStore) throws GeneralSecurityException {
        this.keyStore = keyStore;
        this.certificate = (X509Certificate) keyStore.getCertificate(ALIAS);
        if (certificate == null || !(keyStore.getKey(ALIAS, PASSWORD) instanceof PrivateKey)) {
            throw new GeneralSecurityException("no key and certificate named '" + ALIAS + "'");
        }
    }

    /**
     * The certificate in {@code dir}, or a new one (EC P-256, valid for {@code address}, loopback
     * and localhost) written there, owner-only and atomically, when there is none.
     */
    public static ApiCertificate loadOrCreate(Path dir, InetAddress address) throws IOException {
        Path file = dir.resolve(FILE);
        try {
            if (Files.exists(file)) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(file)) {
                    ks.load(in, PASSWORD);
                }
                return new ApiCertificate(ks);
            }
            KeyStore ks = create(address);
            Path staged = Files.createTempFile(
                    dir,
                    FILE,
                    ".new",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(staged)) {
                ks.store(out, PASSWORD);
            }
            Files.move(staged, file, StandardCopyOption.ATOMIC_MOVE);
            return new ApiCertificate(ks);
        } catch (GeneralSecurityException | IOException e) {
            throw new IOException(
                    file + " is not a usable API certificate (" + e.getMessage()
                            + "): delete it and a new one is made at the next start",
                    e);
        }
    }

    private static KeyStore create(InetAddress address) throws GeneralSecurityException, IOException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair pair = g.generateKeyPair();
        Set<InetAddress> addresses = new LinkedHashSet<>();
        if (!address.isAnyLocalAddress()) {
            addresses.add(address);
        }
        addresses.add(InetAddress.getByName("127.0.0.1"));
        addresses.add(InetAddress.getByName("::1"));
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.dNSName, "localhost"));
        addresses.forEach(a -> names.add(new GeneralName(GeneralName.iPAddress, a.getHostAddress())));
        X500Name subject = new X500Name("CN=Carillon daemon API");
        Instant now = Instant.now();
        byte[] serial = new byte[16];
        new SecureRandom().nextBytes(serial);
        try {
            var builder = new JcaX509v3CertificateBuilder(
                            subject,
                            new BigInteger(1, serial),
                            Date.from(now.minus(Duration.ofDays(1))), // clocks differ a little
                            Date.from(now.plus(VALIDITY)),
                            subject,
                            pair.getPublic())
                    .addExtension(
                            Extension.subjectAlternativeName,
                            false,
                            new GeneralNames(names.toArray(GeneralName[]::new)));
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(
                            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(ALIAS, pair.getPrivate(), PASSWORD, new Certificate[] {cert});
            return ks;
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    KeyStore keyStore() {
        return keyStore;
    }

    /** SHA-256 of the certificate's DER, as colon-separated upper-case hex (how browsers and keytool show it). */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256 and encodes what it parsed
        }
    }
}
