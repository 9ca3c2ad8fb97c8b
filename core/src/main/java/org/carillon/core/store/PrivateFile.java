package org.carillon.core.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Writes a file readable by its owner only, so that a crash at any moment leaves either the old
 * content or the new one under its name: the bytes go to a temporary file in the same directory,
 * created with mode 600 (no moment with wider permissions), forced to disk, then moved over the
 * old file atomically, and the directory is forced so the move itself survives a power loss.
 */
final class PrivateFile {
    /** Temporary files are {@code .NAME.<random>.tmp}: hidden, and recognisable as leftovers. */
    static final String TEMPORARY_SUFFIX = ".tmp";

    private static final SecureRandom RANDOM = new SecureRandom();

    private PrivateFile() {}

    static void write(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = temporaryFor(file);
        try {
            writeNew(tmp, content);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + file + " atomically: its file system cannot rename", e);
            }
            forceDirectory(dir);
        } catch (IOException e) {
            if (e.getMessage() != null
                    && e.getMessage().contains(file.getFileName().toString())) {
                throw e;
            }
            throw new IOException("cannot write " + file + ": " + DataDirectory.describe(e), e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Creates {@code file} (it must not exist) with mode 600, writes {@code content} and forces it to disk. */
    static void writeNew(Path file, byte[] content) throws IOException {
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileAttribute<?>[] attributes = DataDirectory.supportsPosix(file)
                ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
                }
                : new FileAttribute<?>[0];
        try (FileChannel channel = FileChannel.open(file, options, attributes)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    static Path temporaryFor(Path file) {
        byte[] nonce = new byte[6];
        RANDOM.nextBytes(nonce);
        return file.resolveSibling(
                "." + file.getFileName() + "." + HexFormat.of().formatHex(nonce) + TEMPORARY_SUFFIX);
    }

    /** Removes the temporary files a crash in {@link #write} may have left beside {@code file}. */
    static void removeLeftovers(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            return;
        }
        String prefix = "." + file.getFileName() + ".";
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, p -> {
            String name = p.getFileName().toString();
            return name.startsWith(prefix) && name.endsWith(TEMPORARY_SUFFIX);
        })) {
            for (Path leftover : entries) {
                Files.deleteIfExists(leftover);
            }
        }
    }

    /** Makes a rename in {@code dir} durable; file systems that cannot open a directory are skipped. */
    static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a directory; its renames are journaled by NTFS anyway
        }
    }
}
