package org.carillon.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.carillon.dht.crypto.Identity;
import org.carillon.dht.crypto.IdentityFiles;
import org.carillon.dht.crypto.IdentityGenerator;

/**
 * The node's identity for {@code carillon dht --identity PATH} and {@code -i}: the files dhtnode
 * writes ({@code PATH.pem}, {@code PATH.crt}, and the CA's {@code PATH_ca.pem}, {@code
 * PATH_ca.crt}) loaded when they exist, else a new identity generated as {@code dhtnode -i}
 * does and saved there. Keys are encrypted with the password in {@value #PASSWORD_VARIABLE}
 * when it is set: an environment variable, so that it never shows in the process list.
 */
final class IdentitySetup {
    static final String PASSWORD_VARIABLE = "CARILLON_IDENTITY_PASSWORD";

    /** dhtnode's names for the certificates it generates. */
    static final String CA_NAME = "DHT Node CA";

    static final String NODE_NAME = "DHT Node";

    private static final String ENCRYPTED_KEY_HEADER = "-----BEGIN ENCRYPTED PRIVATE KEY-----";

    /** Why no identity could be had, in words for the user (every message names the file). */
    static final class Failure extends Exception {
        Failure(String message) {
            super(message);
        }

        Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Function<String, String> environment;
    private final int rsaBits;
    private final SecureRandom random;
    private final PrintWriter progress;

    /**
     * @param environment the process's environment variables ({@code System::getenv})
     * @param rsaBits the size of generated node keys (dhtnode: 4096)
     * @param progress where generation reports what it does; it takes seconds
     */
    IdentitySetup(Function<String, String> environment, int rsaBits, SecureRandom random, PrintWriter progress) {
        this.environment = environment;
        this.rsaBits = rsaBits;
        this.random = random;
        this.progress = progress;
    }

    /** The identity at {@code prefix}, generated and saved there first when no file of it exists. */
    Identity loadOrCreate(Path prefix) throws Failure {
        Path key = IdentityFiles.keyFile(prefix);
        Path certificate = IdentityFiles.certificateFile(prefix);
        if (IdentityFiles.exists(prefix)) {
            return load(prefix);
        }
        Path caPrefix = IdentityFiles.caPrefix(prefix);
        for (Path part :
                List.of(key, certificate, IdentityFiles.keyFile(caPrefix), IdentityFiles.certificateFile(caPrefix))) {
            if (Files.exists(part)) {
                // generating would overwrite what is there: a key someone may still need
                throw new Failure("Found " + part + " but not both " + key + " and " + certificate
                        + "; not overwriting part of an identity: restore the missing file or give another PATH");
            }
        }
        Generated made = generate();
        char[] password = password();
        try {
            IdentityFiles.save(prefix, made.node(), made.ca(), password);
        } catch (IOException | RuntimeException e) {
            throw new Failure("Cannot save the identity to " + key + ": " + e.getMessage(), e);
        }
        progress.println("Saved it to " + key + " and " + certificate + ", its CA to "
                + IdentityFiles.keyFile(caPrefix) + " and " + IdentityFiles.certificateFile(caPrefix)
                + (password == null ? "" : " (keys encrypted with " + PASSWORD_VARIABLE + ")"));
        progress.flush();
        return made.node();
    }

    /** A new identity that lives as long as the process ({@code -i}, as dhtnode's). */
    Identity createForThisRun() throws Failure {
        return generate().node();
    }

    private record Generated(Identity node, Identity ca) {}

    private Generated generate() throws Failure {
        progress.println("Generating an RSA-" + rsaBits + " identity (a few seconds)...");
        progress.flush();
        long start = System.nanoTime();
        try {
            IdentityGenerator generator = new IdentityGenerator(random);
            Identity ca = generator.certificateAuthority(CA_NAME);
            Identity node = generator.identity(NODE_NAME, ca, rsaBits);
            progress.println("Generated in " + DhtnodeFormat.duration(Duration.ofNanos(System.nanoTime() - start)));
            progress.flush();
            return new Generated(node, ca);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new Failure("Cannot generate an identity: " + e.getMessage(), e);
        }
    }

    private Identity load(Path prefix) throws Failure {
        Path key = IdentityFiles.keyFile(prefix);
        char[] password = password();
        Identity identity;
        try {
            identity = IdentityFiles.load(prefix, password);
        } catch (IOException | RuntimeException e) {
            if (password == null && isEncrypted(key)) {
                throw new Failure(key + " is password-protected: set the environment variable " + PASSWORD_VARIABLE
                        + " to its password");
            }
            throw new Failure(
                    "Cannot load the identity " + prefix + ": " + e.getMessage()
                            + (password == null ? "" : " (the password is " + PASSWORD_VARIABLE + "'s)"),
                    e);
        }
        String algorithm = identity.key().getPublic().getAlgorithm();
        if (!"RSA".equals(algorithm)) {
            throw new Failure(key + " holds an " + algorithm + " key, but OpenDHT signs and encrypts with RSA keys"
                    + " (is it a CA's key? give the node's PATH, without _ca)");
        }
        return identity;
    }

    /** The password from the environment; an empty one means none, as dhtnode's empty password does. */
    private char[] password() {
        String value = environment.apply(PASSWORD_VARIABLE);
        return value == null || value.isEmpty() ? null : value.toCharArray();
    }

    /** Whether the key file is PEM-encoded encrypted PKCS#8, from its first line. */
    private static boolean isEncrypted(Path keyFile) {
        try (InputStream in = Files.newInputStream(keyFile)) {
            byte[] start = in.readNBytes(256);
            return new String(start, StandardCharsets.US_ASCII).contains(ENCRYPTED_KEY_HEADER);
        } catch (IOException e) {
            return false;
        }
    }
}
