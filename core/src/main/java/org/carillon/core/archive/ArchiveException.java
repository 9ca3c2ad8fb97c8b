package org.carillon.core.archive;

import java.nio.file.Path;

/** An account archive that cannot be read: which file, and why in words a user understands. */
public final class ArchiveException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Path path;
    private final String reason;

    public ArchiveException(Path path, String reason) {
        this(path, reason, null);
    }

    public ArchiveException(Path path, String reason, Throwable cause) {
        super((path == null ? "account archive" : path.toString()) + ": " + reason, cause);
        this.path = path;
        this.reason = reason;
    }

    /** The archive file, or null when the archive did not come from a file. */
    public Path path() {
        return path;
    }

    /** Why it cannot be read, e.g. "wrong password or corrupt", "truncated", "missing ringAccountKey". */
    public String reason() {
        return reason;
    }
}
