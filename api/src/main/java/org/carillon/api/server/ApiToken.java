package org.carillon.api.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The secret a client presents to the daemon's API: 32 random bytes in hex, in a file only the
 * owner can read ({@code api.token} in the data directory). Whoever can read it may use the API,
 * as whoever can read the account's key files may be the account.
 */
public final class ApiToken {
    public static final String FILE = "api.token";

    private ApiToken() {}

    /** The token in {@code dir}, made (owner-only, atomically) when there is none yet. */
    public static String loadOrCreate(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (Files.exists(file)) {
            return read(dir);
        }
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String token = HexFormat.of().formatHex(secret);
        Path staged = Files.createTempFile(
                dir, FILE, ".new", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(staged, token + "\n", StandardCharsets.US_ASCII);
        Files.move(staged, file, StandardCopyOption.ATOMIC_MOVE);
        return token;
    }

    /** The token a client presents; an error naming the file when it is missing or not a token. */
    public static String read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        String token;
        try {
            token = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            throw new IOException("no API token at " + file + ": no daemon has run with this data directory");
        }
        if (!token.matches("[0-9a-f]{64}")) {
            throw new IOException(file + " is not an API token (64 hex digits): delete it and restart the daemon");
        }
        return token;
    }
}
