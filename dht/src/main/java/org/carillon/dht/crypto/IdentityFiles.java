package org.carillon.dht.crypto;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Identities on disk in the files {@code dhtnode --save-identity PATH} writes: {@code PATH.pem}
 * (PKCS#8 private key, optionally password-encrypted) and {@code PATH.crt} (PEM chain, leaf
 * first), plus {@code PATH_ca.pem} / {@code PATH_ca.crt} for the CA that issued it.
 */
public final class IdentityFiles {
    /** For the password-based ciphers of encrypted PKCS#8; not installed JVM-wide. */
    private static final java.security.Provider BOUNCY_CASTLE =
            new org.bouncycastle.jce.provider.BouncyCastleProvider();

    /** GnuTLS 3.7's count for PBKDF2 in PKCS#8 (seen in dhtnode's files). */
    static final int PBKDF2_ITERATIONS = 600_000;

    private IdentityFiles() {}

    public static Path keyFile(Path prefix) {
        return prefix.resolveSibling(prefix.getFileName() + ".pem");
    }

    public static Path certificateFile(Path prefix) {
        return prefix.resolveSibling(prefix.getFileName() + ".crt");
    }

    public static Path caPrefix(Path prefix) {
        return prefix.resolveSibling(prefix.getFileName() + "_ca");
    }

    public static boolean exists(Path prefix) {
        return Files.exists(keyFile(prefix)) && Files.exists(certificateFile(prefix));
    }

    /** Loads {@code PATH.pem} and {@code PATH.crt}; {@code password} may be null for a clear key. */
    public static Identity load(Path prefix, char[] password) throws IOException {
        Path keyFile = keyFile(prefix);
        Path certFile = certificateFile(prefix);
        List<X509Certificate> chain = readChain(certFile);
        PrivateKey key = readKey(keyFile, password);
        java.security.PublicKey certified = chain.get(0).getPublicKey();
        if (!belongTogether(key, certified)) {
            throw new IOException(
                    keyFile + " and " + certFile + " do not belong together: the certificate is for" + " another key");
        }
        return new Identity(new KeyPair(certified, key), chain);
    }

    /** Whether the private key is the one the certificate's public key pairs with: it signs, the other verifies. */
    private static boolean belongTogether(PrivateKey key, java.security.PublicKey certified) {
        if (!key.getAlgorithm().equals(certified.getAlgorithm())) {
            return false;
        }
        String algorithm = "RSA".equals(key.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
        try {
            byte[] challenge = "carillon identity check".getBytes(StandardCharsets.US_ASCII);
            java.security.Signature s = java.security.Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(challenge);
            byte[] signature = s.sign();
            s.initVerify(certified);
            s.update(challenge);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Writes the identity and its CA; private keys are readable by their owner only. */
    public static void save(Path prefix, Identity identity, Identity ca, char[] password) throws IOException {
        writeKey(keyFile(prefix), identity.key().getPrivate(), password);
        write(certificateFile(prefix), chainPem(identity.chain()));
        if (ca != null) {
            writeKey(keyFile(caPrefix(prefix)), ca.key().getPrivate(), password);
            write(certificateFile(caPrefix(prefix)), chainPem(ca.chain()));
        }
    }

    /**
     * Reads a PEM certificate chain, leaf first; a missing, empty or unreadable file is an
     * {@link IOException} whose message starts with the file's path and says what is wrong.
     */
    public static List<X509Certificate> readChain(Path file) throws IOException {
        byte[] bytes = read(file);
        try {
            List<X509Certificate> chain = new ArrayList<>();
            CertificateFactory.getInstance("X.509")
                    .generateCertificates(new java.io.ByteArrayInputStream(bytes))
                    .forEach(c -> chain.add((X509Certificate) c));
            if (chain.isEmpty()) {
                throw new IOException(file + " holds no certificate");
            }
            return chain;
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " is not a PEM certificate chain: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a PEM private key (PKCS#8, clear or encrypted, or a traditional key pair); errors are
     * {@link IOException}s whose message starts with the file's path.
     */
    public static PrivateKey readKey(Path file, char[] password) throws IOException {
        byte[] bytes = read(file);
        try (Reader r = new java.io.InputStreamReader(
                        new java.io.ByteArrayInputStream(bytes), StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(r)) {
            Object o = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                if (password == null) {
                    throw new IOException(file + " is password-protected: give its password");
                }
                try {
                    o = encrypted.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder()
                            .setProvider(BOUNCY_CASTLE)
                            .build(password));
                } catch (PKCSException | OperatorCreationException e) {
                    throw new IOException(file + ": wrong password, or a cipher this build does not know", e);
                }
            }
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (o instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            throw new IOException(file + " holds no private key");
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) {
                throw e;
            }
            throw new IOException(file + " is not a PEM private key: " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + " does not exist", e);
        }
    }

    private static void writeKey(Path file, PrivateKey key, char[] password) throws IOException {
        write(file, keyPem(key, password));
    }

    /**
     * The PEM text of a PKCS#8 private key: clear when {@code password} is null, else encrypted as
     * GnuTLS does for dhtnode (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC).
     */
    public static byte[] keyPem(PrivateKey key, char[] password) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            if (password == null) {
                w.writeObject(new PemObject("PRIVATE KEY", key.getEncoded()));
            } else {
                var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC)
                        .setProvider(BOUNCY_CASTLE)
                        // what GnuTLS writes for dhtnode: PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC
                        .setPRF(org.bouncycastle.asn1.x509.AlgorithmIdentifier.getInstance(
                                new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                                        org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_hmacWithSHA256,
                                        org.bouncycastle.asn1.DERNull.INSTANCE)))
                        .setIterationCount(PBKDF2_ITERATIONS)
                        .setPassword(password)
                        .build();
                w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, encryptor));
            }
        } catch (OperatorCreationException e) {
            throw new IOException("cannot encrypt the key: " + e.getMessage(), e);
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The PEM text of a certificate chain, leaf first, as in {@code PATH.crt}. */
    public static byte[] chainPem(List<X509Certificate> chain) {
        return CertificateValues.pem(chain);
    }

    /** Writes through a private temporary file and a move, so no reader ever sees half a key. */
    private static void write(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: its defaults apply
            }
            Files.write(tmp, content);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
