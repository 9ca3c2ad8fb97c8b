package org.carillon.core.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import org.carillon.core.account.AccountId;

/**
 * Where the daemon keeps what it knows: {@code carillon.db} (SQLite) and one directory per
 * account under {@code accounts/} holding that account's key files.
 *
 * @param root the data directory, absolute
 */
public record DataDirectory(Path root) {
    static final String DATABASE_FILE = "carillon.db";
    static final String ACCOUNTS = "accounts";
    static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    public DataDirectory {
        if (root == null) {
            throw new IllegalArgumentException("a data directory needs its path");
        }
        root = root.toAbsolutePath().normalize();
    }

    /**
     * Picks the data directory: {@code override} when given, else {@code $CARILLON_HOME}, else
     * {@code $XDG_DATA_HOME/carillon}, else {@code $HOME/.local/share/carillon}. Empty variables
     * count as unset, and a relative {@code XDG_DATA_HOME} is ignored, as the XDG base directory
     * specification says.
     *
     * @throws IllegalArgumentException when none of them is available
     */
    public static DataDirectory resolve(Map<String, String> env, Path override) {
        if (override != null) {
            return new DataDirectory(override);
        }
        String carillonHome = nonEmpty(env.get("CARILLON_HOME"));
        if (carillonHome != null) {
            return new DataDirectory(Path.of(carillonHome));
        }
        String xdgDataHome = nonEmpty(env.get("XDG_DATA_HOME"));
        if (xdgDataHome != null && Path.of(xdgDataHome).isAbsolute()) {
            return new DataDirectory(Path.of(xdgDataHome, "carillon"));
        }
        String home = nonEmpty(env.get("HOME"));
        if (home != null) {
            return new DataDirectory(Path.of(home, ".local", "share", "carillon"));
        }
        throw new IllegalArgumentException(
                "cannot tell where to keep Carillon's data: none of CARILLON_HOME, XDG_DATA_HOME and HOME is set;"
                        + " give the data directory explicitly");
    }

    private static String nonEmpty(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    public Path database() {
        return root.resolve(DATABASE_FILE);
    }

    public Path accountsDirectory() {
        return root.resolve(ACCOUNTS);
    }

    public Path accountDirectory(AccountId id) {
        return accountsDirectory().resolve(id.hex());
    }

    /** Creates the data directory (owner-only) if it is missing; returns this. */
    public DataDirectory ensureExists() throws IOException {
        createOwnerOnly(root);
        return this;
    }

    /** Creates the data directory and this account's directory (owner-only) if missing; returns the latter. */
    public Path ensureAccountDirectory(AccountId id) throws IOException {
        ensureExists();
        createOwnerOnly(accountsDirectory());
        Path dir = accountDirectory(id);
        createOwnerOnly(dir);
        return dir;
    }

    /**
     * Creates {@code dir} and its missing parents with mode 700 from the start (never a moment
     * with wider permissions); an existing directory is left as it is.
     */
    static void createOwnerOnly(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (Files.exists(dir)) {
            throw new IOException(dir + " exists but is not a directory");
        }
        try {
            if (supportsPosix(dir)) {
                FileAttribute<Set<PosixFilePermission>> attribute =
                        PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY);
                Files.createDirectories(dir, attribute);
            } else {
                Files.createDirectories(dir);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IOException(e.getFile() + " exists but is not a directory", e);
        } catch (IOException e) {
            throw new IOException("cannot create the directory " + dir + ": " + describe(e), e);
        }
    }

    static boolean supportsPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** An NIO exception's message is often only the path; say what kind of failure it was too. */
    static String describe(IOException e) {
        String type = e.getClass().getSimpleName().replace("Exception", "");
        return e.getMessage() == null ? type : type + " (" + e.getMessage() + ")";
    }
}
