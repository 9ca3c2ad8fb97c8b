package org.carillon.core.store;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
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
 * every file are readable by their owner only.
 *
 * <p>Each file is replaced atomically ({@link PrivateFile}), so a crash leaves every file whole,
 * old or new. A crash between two files of one save could pair an old file with a new one;
 * {@link #load} checks that each key fits its certificate and that the chains link up, so such a
 * mix is reported, never used.
 */
public final class KeyFiles {
    static final String CA = "ca";
    static final String ACCOUNT = "account";
    static final String DEVICE = "device";
    static final String ETH_KEY_FILE = "eth.pem";
    static final String ETH_KEY_TYPE = "ETHEREUM PRIVATE KEY";

    private KeyFiles() {}

    /** Writes {@code keys} into {@code accountDir} (created owner-only if missing), replacing what was there. */
    public static void save(Path accountDir, AccountKeys keys) throws IOException {
        DataDirectory.createOwnerOnly(accountDir);
        Path ca = accountDir.resolve(CA);
        write(IdentityFiles.certificateFile(ca), IdentityFiles.chainPem(List.of(keys.caCertificate())));
        if (keys.caKey() != null) {
            write(IdentityFiles.keyFile(ca), IdentityFiles.keyPem(keys.caKey().getPrivate(), null));
        } else {
            // the directory holds exactly these keys: a device that gave the CA key up no longer has it
            PrivateFile.removeLeftovers(IdentityFiles.keyFile(ca));
            Files.deleteIfExists(IdentityFiles.keyFile(ca));
        }
        writeIdentity(accountDir.resolve(ACCOUNT), keys.account());
        writeIdentity(accountDir.resolve(DEVICE), keys.device());
        write(accountDir.resolve(ETH_KEY_FILE), pem(new PemObject(ETH_KEY_TYPE, keys.ethKey())));
        PrivateFile.forceDirectory(accountDir);
    }

    /**
     * Reads the keys {@link #save} wrote. A missing, truncated or garbled file, a key that does not
     * fit its certificate, or chains that do not link up give an {@link IOException} naming the
     * file and what is wrong. Temporary files a crashed save left are ignored.
     */
    public static AccountKeys load(Path accountDir) throws IOException {
        if (!Files.isDirectory(accountDir)) {
            throw new IOException(accountDir + " does not exist or is not a directory: no keys there");
        }
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

    private static void writeIdentity(Path prefix, Identity identity) throws IOException {
        write(IdentityFiles.certificateFile(prefix), IdentityFiles.chainPem(identity.chain()));
        write(IdentityFiles.keyFile(prefix), IdentityFiles.keyPem(identity.key().getPrivate(), null));
    }

    private static void write(Path file, byte[] content) throws IOException {
        PrivateFile.removeLeftovers(file);
        PrivateFile.write(file, content);
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
