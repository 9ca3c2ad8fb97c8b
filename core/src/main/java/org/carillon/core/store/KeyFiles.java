package org.carillon.core.store;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;
import org.carillon.core.account.AccountKeys;
import org.carillon.dht.crypto.Identity;
import org.carillon.dht.crypto.IdentityFiles;

/**
 * An account's keys in its directory, as PEM files in dhtnode's pairs ({@code NAME.pem} the
 * PKCS#8 key, {@code NAME.crt} the chain, leaf first): {@code ca} (its key only when this device
 * has it), {@code account} (chain account → CA), {@code device} (chain device → account → CA),
 * and {@code eth.pem} for Jami's Ethereum key. Keys are not encrypted yet: the directory and
 * every file are readable by their owner only, from the moment they are created.
 *
 * <p>A save replaces the whole set or nothing, whenever it is interrupted. The new files are
 * written and forced to disk in a staging directory {@code .saving}, which a {@code COMPLETE}
 * file (listing the set) then seals; only after that are they moved into place one by one. A
 * crash before the seal leaves the old set (the staging directory is discarded); a crash after it
 * leaves a sealed set that the next {@link #load} or {@link #save} finishes moving in, as SQLite
 * replays a hot journal.
 */
public final class KeyFiles {
    static final String CA = "ca";
    static final String ACCOUNT = "account";
    static final String DEVICE = "device";
    static final String ETH_KEY_FILE = "eth.pem";
    static final String ETH_KEY_TYPE = "ETHEREUM PRIVATE KEY";
    static final String STAGING = ".saving";
    static final String SEAL = "COMPLETE";

    /** Every file a save may write; the ones a set does not list are removed when it moves in. */
    static final List<String> FILES =
            List.of("ca.crt", "ca.pem", "account.crt", "account.pem", "device.crt", "device.pem", ETH_KEY_FILE);

    private KeyFiles() {}

    /** Writes {@code keys} into {@code accountDir} (created owner-only if missing), replacing what was there. */
    public static void save(Path accountDir, AccountKeys keys) throws IOException {
        DataDirectory.createOwnerOnly(accountDir);
        finishInterruptedSave(accountDir);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("ca.crt", IdentityFiles.chainPem(List.of(keys.caCertificate())));
        if (keys.caKey() != null) {
            // absent from a set, the CA key file is removed: the directory holds exactly these keys
            files.put("ca.pem", IdentityFiles.keyPem(keys.caKey().getPrivate(), null));
        }
        files.put("account.crt", IdentityFiles.chainPem(keys.account().chain()));
        files.put("account.pem", IdentityFiles.keyPem(keys.account().key().getPrivate(), null));
        files.put("device.crt", IdentityFiles.chainPem(keys.device().chain()));
        files.put("device.pem", IdentityFiles.keyPem(keys.device().key().getPrivate(), null));
        files.put(ETH_KEY_FILE, pem(new PemObject(ETH_KEY_TYPE, keys.ethKey())));

        Path staging = accountDir.resolve(STAGING);
        try {
            DataDirectory.createOwnerOnly(staging);
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                PrivateFile.writeNew(staging.resolve(file.getKey()), file.getValue());
            }
            PrivateFile.forceDirectory(staging);
            PrivateFile.writeNew(
                    staging.resolve(SEAL), String.join("\n", files.keySet()).getBytes(StandardCharsets.US_ASCII));
            PrivateFile.forceDirectory(staging);
        } catch (IOException e) {
            throw new IOException("cannot save the keys in " + accountDir + ": " + DataDirectory.describe(e), e);
        }
        moveSealedSetIn(accountDir);
    }

    /**
     * Completes a save that was sealed but not moved in, and discards one that was not sealed.
     * Returns quietly when there is nothing to do.
     */
    static void finishInterruptedSave(Path accountDir) throws IOException {
        Path staging = accountDir.resolve(STAGING);
        if (!Files.isDirectory(staging)) {
            return;
        }
        if (Files.exists(staging.resolve(SEAL))) {
            moveSealedSetIn(accountDir);
        } else {
            removeStaging(staging);
        }
    }

    private static void moveSealedSetIn(Path accountDir) throws IOException {
        Path staging = accountDir.resolve(STAGING);
        try {
            List<String> set = Files.readAllLines(staging.resolve(SEAL), StandardCharsets.US_ASCII);
            if (!FILES.containsAll(set)) {
                throw new IOException(staging.resolve(SEAL) + " lists files a save never writes: " + set);
            }
            for (String name : set) {
                Path staged = staging.resolve(name);
                if (Files.exists(staged)) { // absent when an earlier attempt moved it already
                    Files.move(
                            staged,
                            accountDir.resolve(name),
                            StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
            for (String name : FILES) {
                if (!set.contains(name)) {
                    Files.deleteIfExists(accountDir.resolve(name));
                }
            }
            PrivateFile.forceDirectory(accountDir);
            removeStaging(staging);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(
                    "cannot move the keys into " + accountDir + ": its file system cannot rename atomically", e);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(staging.toString())) {
                throw e;
            }
            throw new IOException(
                    "cannot move the saved keys from " + staging + " into " + accountDir + ": "
                            + DataDirectory.describe(e),
                    e);
        }
    }

    /** The seal goes last, so a crash while removing never leaves a sealed but partial set. */
    private static void removeStaging(Path staging) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(staging)) {
            for (Path entry : entries) {
                if (!entry.getFileName().toString().equals(SEAL)) {
                    Files.delete(entry);
                }
            }
        }
        Files.deleteIfExists(staging.resolve(SEAL));
        Files.delete(staging);
    }

    /**
     * Reads the keys {@link #save} wrote. A missing, truncated or garbled file, a key that does not
     * fit its certificate, or chains that do not link up give an {@link IOException} naming the
     * file and what is wrong. A save that a crash interrupted after sealing its set is finished
     * first; one interrupted before is discarded.
     */
    public static AccountKeys load(Path accountDir) throws IOException {
        if (!Files.isDirectory(accountDir)) {
            throw new IOException(accountDir + " does not exist or is not a directory: no keys there");
        }
        finishInterruptedSave(accountDir);
        Path caPrefix = accountDir.resolve(CA);
        Path caCertFile = IdentityFiles.certificateFile(caPrefix);
        List<X509Certificate> caChain = IdentityFiles.readChain(caCertFile);
        if (caChain.size() != 1) {
            throw new IOException(caCertFile + " holds " + caChain.size() + " certificates; expected the CA's alone");
        }
        X509Certificate caCertificate = caChain.get(0);
        KeyPair caKey = null;
        if (Files.exists(IdentityFiles.keyFile(caPrefix))) {
            caKey = IdentityFiles.load(caPrefix, null).key();
        }
        Path accountPrefix = accountDir.resolve(ACCOUNT);
        Identity account = IdentityFiles.load(accountPrefix, null);
        if (!account.chain().equals(List.of(account.certificate(), caCertificate))) {
            throw new IOException(IdentityFiles.certificateFile(accountPrefix)
                    + " is not the account certificate followed by the CA of " + caCertFile);
        }
        Path devicePrefix = accountDir.resolve(DEVICE);
        Identity device = IdentityFiles.load(devicePrefix, null);
        if (device.chain().size() != 3 || !device.chain().subList(1, 3).equals(account.chain())) {
            throw new IOException(IdentityFiles.certificateFile(devicePrefix)
                    + " is not the device certificate followed by the chain of "
                    + IdentityFiles.certificateFile(accountPrefix));
        }
        byte[] ethKey = readPem(accountDir.resolve(ETH_KEY_FILE), ETH_KEY_TYPE);
        return new AccountKeys(caKey, caCertificate, account, device, ethKey);
    }

    private static byte[] pem(PemObject object) throws IOException {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] readPem(Path file, String type) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IOException(file + " does not exist", e);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IOException(file + " is not a PEM file: it is not ASCII text", e);
        }
        PemObject object;
        try (PemReader reader = new PemReader(new StringReader(text))) {
            object = reader.readPemObject();
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + " is not a PEM file: " + e.getMessage(), e);
        }
        if (object == null || !type.equals(object.getType())) {
            throw new IOException(file + " holds no " + type + " block");
        }
        if (object.getContent().length == 0) {
            throw new IOException(file + " holds an empty " + type);
        }
        return object.getContent();
    }
}
