package org.carillon.core.archive;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;
import java.util.zip.ZipException;
import javax.crypto.AEADBadTagException;

/**
 * Reads and writes account archive files as jamid 13.7 does ({@code fileutils.cpp}
 * writeArchive/readArchive, {@code archiver.cpp}): without a password the JSON is gzip; with one
 * it is zlib-compressed then encrypted with OpenDHT's password scheme ({@link
 * PasswordEncryption}). Reading also takes what jamid takes: a gzip around either form, and
 * bare JSON when no password is given.
 */
public final class ArchiveFile {
    /** Most an archive may decompress to (zip-bomb guard); real ones are a few KiB. */
    public static final int MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

    /** Largest file read at all. */
    public static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

    private static final SecureRandom RANDOM = new SecureRandom();

    private ArchiveFile() {}

    /**
     * Writes {@code archive} to {@code path} atomically (a temporary file in the same directory
     * moved over it), readable by the owner only. A null or empty password writes plain gzip.
     */
    public static void write(Path path, AccountArchive archive, char[] password) throws IOException {
        writeBytes(path, encode(archive, password));
    }

    /** Writes an archive file's bytes (as {@link #encode} or a daemon made them) as {@link #write} does. */
    public static void writeBytes(Path path, byte[] content) throws IOException {
        Path target = path.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path temp = createOwnerOnly(dir, target.getFileName().toString());
        try {
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE)) {
                out.write(content);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The bytes of the archive file {@link #write} writes: gzip, or encrypted zlib with a password. */
    public static byte[] encode(AccountArchive archive, char[] password) throws IOException {
        byte[] json = AccountArchiveJson.write(archive);
        if (password == null || password.length == 0) {
            return gzip(json);
        }
        try {
            return PasswordEncryption.encrypt(zlib(json), password, RANDOM);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encrypt the archive: " + e.getMessage(), e);
        }
    }

    /**
     * Reads the archive at {@code path}; {@code password} null or empty for an unencrypted one.
     * Every failure is an {@link ArchiveException} naming the file and the reason.
     */
    public static AccountArchive read(Path path, char[] password) throws ArchiveException {
        return decode(load(path), password, path);
    }

    /** Reads an archive file's bytes (from a client rather than a file); failures as {@link #read}. */
    public static AccountArchive decode(byte[] data, char[] password) throws ArchiveException {
        if (data.length > MAX_FILE_BYTES) {
            throw new ArchiveException(null, "not an archive (" + data.length + " bytes is far too large)");
        }
        return decode(data, password, null);
    }

    private static AccountArchive decode(byte[] data, char[] password, Path path) throws ArchiveException {
        boolean encrypted = password != null && password.length > 0;
        // a web server may have gzipped the file once more: jamid undoes one such layer
        if (isGzip(data)) {
            data = inflate(data, path);
        }
        if (encrypted) {
            if (looksLikeJson(data)) {
                throw new ArchiveException(path, "not encrypted: read it without a password");
            }
            if (data.length <= PasswordEncryption.OVERHEAD) {
                throw new ArchiveException(path, data.length == 0 ? "empty file" : "truncated");
            }
            try {
                data = PasswordEncryption.decrypt(data, password);
            } catch (AEADBadTagException e) {
                throw new ArchiveException(path, "wrong password or corrupt", e);
            } catch (GeneralSecurityException e) {
                throw new ArchiveException(path, "cannot decrypt: " + e.getMessage(), e);
            }
            data = inflate(data, path);
        } else if (isGzip(data)) {
            data = inflate(data, path);
        }
        if (data.length == 0) {
            throw new ArchiveException(path, "empty file");
        }
        if (!encrypted && !looksLikeJson(data)) {
            throw new ArchiveException(path, "not an archive, or an encrypted one (it needs its password)");
        }
        return AccountArchiveJson.read(data, path);
    }

    /** An archive file's bytes, not decoded (for a daemon to decode); failures as {@link #read}. */
    public static byte[] load(Path path) throws ArchiveException {
        try {
            long size = Files.size(path);
            if (size > MAX_FILE_BYTES) {
                throw new ArchiveException(path, "not an archive (" + size + " bytes is far too large)");
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ArchiveException(path, "no such file", e);
        } catch (AccessDeniedException e) {
            throw new ArchiveException(path, "permission denied", e);
        } catch (IOException e) {
            throw new ArchiveException(path, "cannot read: " + e.getMessage(), e);
        }
    }

    static boolean isGzip(byte[] d) {
        return d.length > 3 && (d[0] & 0xff) == 0x1f && (d[1] & 0xff) == 0x8b && d[2] == 0x08;
    }

    private static boolean looksLikeJson(byte[] d) {
        for (byte b : d) {
            if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                continue;
            }
            return b == '{' || b == '[';
        }
        return false;
    }

    /**
     * zlib's {@code inflateInit2(32 + MAX_WBITS)}: gzip or zlib, whichever header is there, at
     * most {@link #MAX_DECOMPRESSED_BYTES} out.
     */
    static byte[] inflate(byte[] data, Path path) throws ArchiveException {
        try {
            if (isGzip(data)) {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
                    return readBounded(in, path);
                }
            }
            return inflateZlib(data, path);
        } catch (EOFException e) {
            throw new ArchiveException(path, "truncated", e);
        } catch (ZipException e) {
            throw new ArchiveException(path, "corrupt (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new ArchiveException(path, "corrupt (" + e.getMessage() + ")", e);
        }
    }

    private static byte[] inflateZlib(byte[] data, Path path) throws ArchiveException {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(data.length * 4, 1 << 20));
            byte[] buf = new byte[32768];
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new ArchiveException(path, "truncated");
                }
                out.write(buf, 0, n);
                if (out.size() > MAX_DECOMPRESSED_BYTES) {
                    throw new ArchiveException(path, tooLarge());
                }
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new ArchiveException(path, "corrupt (" + e.getMessage() + ")", e);
        } finally {
            inflater.end();
        }
    }

    private static byte[] readBounded(InputStream in, Path path) throws IOException, ArchiveException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[32768];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
            if (out.size() > MAX_DECOMPRESSED_BYTES) {
                throw new ArchiveException(path, tooLarge());
            }
        }
        return out.toByteArray();
    }

    private static String tooLarge() {
        return "decompresses to more than " + (MAX_DECOMPRESSED_BYTES >> 20) + " MiB (not an archive)";
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    /** zlib's {@code compress()}: zlib header, default level. */
    static byte[] zlib(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
        try (DeflaterOutputStream z = new DeflaterOutputStream(out, deflater)) {
            z.write(data);
        } finally {
            deflater.end();
        }
        return out.toByteArray();
    }

    private static Path createOwnerOnly(Path dir, String name) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            FileAttribute<?> ownerOnly =
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
            return Files.createTempFile(dir, "." + name + ".", ".tmp", ownerOnly);
        }
        Path temp = Files.createTempFile(dir, "." + name + ".", ".tmp");
        temp.toFile().setReadable(false, false);
        temp.toFile().setReadable(true, true);
        temp.toFile().setWritable(false, false);
        temp.toFile().setWritable(true, true);
        return temp;
    }
}
