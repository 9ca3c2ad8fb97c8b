package org.carillon.core.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.carillon.core.account.PythonScripts;
import org.carillon.dht.interop.InteropPeers;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive format checked by an independent implementation: Python with the very libargon2
 * OpenDHT links to (through ctypes), the {@code cryptography} package's AES-GCM, zlib and gzip.
 * Python decrypts what we write and we read what Python encrypts, both following OpenDHT
 * 2.4.12's {@code aesEncrypt(data, password)} as jamid's {@code writeArchive} uses it.
 */
class ArchiveFileWithPythonIT {
    private static final String SCRIPT = String.join(
            "\n",
            "import sys, ctypes, hashlib, zlib, gzip, os",
            "from cryptography.hazmat.primitives.ciphers.aead import AESGCM",
            "lib = ctypes.CDLL('libargon2.so.1')",
            "f = lib.argon2i_hash_raw",
            "f.argtypes = [ctypes.c_uint32] * 3 + [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t,",
            "              ctypes.c_void_p, ctypes.c_size_t]",
            "def key(password, salt):",
            "    out = ctypes.create_string_buffer(32)",
            "    assert f(16, 64 * 1024, 1, password, len(password), salt, len(salt), out, 32) == 0",
            "    return hashlib.sha256(out.raw).digest()",
            "mode, path, password = sys.argv[1], sys.argv[2], sys.argv[3].encode()",
            "if mode == 'check':",
            "    print('ok')",
            "elif mode == 'gunzip':",
            "    print(hashlib.sha256(gzip.decompress(open(path, 'rb').read())).hexdigest())",
            "elif mode == 'decrypt':",
            "    d = open(path, 'rb').read()",
            "    z = AESGCM(key(password, d[:16])).decrypt(d[16:28], d[28:], None)",
            "    print(hashlib.sha256(zlib.decompress(z)).hexdigest(), z[:1].hex())",
            "elif mode == 'encrypt':",
            "    json = open(path, 'rb').read()",
            "    salt, iv = os.urandom(16), os.urandom(12)",
            "    sealed = AESGCM(key(password, salt)).encrypt(iv, zlib.compress(json), None)",
            "    open(path + '.enc', 'wb').write(salt + iv + sealed)",
            "    print('written')",
            "");

    @TempDir
    Path dir;

    @Test
    void pythonDecryptsWhatWeWrite() throws Exception {
        Path python = python();
        AccountArchive archive = ArchiveFileTest.sample();
        Path file = dir.resolve("export.gz");
        ArchiveFile.write(file, archive, "pässword ☃".toCharArray());
        String[] out = run(python, "decrypt", file, "pässword ☃").split(" ");
        assertThat(out[0]).isEqualTo(sha256(AccountArchiveJson.write(archive)));
        assertThat(out[1]).as("zlib header, as archiver::compress").isEqualTo("78");

        Path plain = dir.resolve("archive.gz");
        ArchiveFile.write(plain, archive, null);
        assertThat(run(python, "gunzip", plain, "")).isEqualTo(sha256(AccountArchiveJson.write(archive)));
    }

    @Test
    void weReadWhatPythonEncrypts() throws Exception {
        Path python = python();
        AccountArchive archive = ArchiveFileTest.sample();
        Path json = dir.resolve("archive.json");
        Files.write(json, AccountArchiveJson.write(archive));
        assertThat(run(python, "encrypt", json, "correct horse")).isEqualTo("written");
        Path encrypted = dir.resolve("archive.json.enc");
        assertThat(ArchiveFile.read(encrypted, "correct horse".toCharArray())).isEqualTo(archive);
    }

    private static Path python() throws Exception {
        Path python = InteropPeers.SYSTEM_PYTHON;
        try {
            PythonScripts.run(python, SCRIPT, Duration.ofSeconds(30), "check", "-", "-");
        } catch (java.io.IOException e) {
            String why = "python3 with ctypes libargon2.so.1 and cryptography unavailable: " + e.getMessage();
            if (InteropPeers.interopRequired()) {
                Assertions.fail(why);
            }
            Assumptions.abort(why);
        }
        return python;
    }

    private static String run(Path python, String mode, Path file, String password) throws Exception {
        return PythonScripts.run(python, SCRIPT, Duration.ofSeconds(60), mode, file.toString(), password)
                .strip();
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
