package org.carillon.bench.messages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.stream.Stream;
import org.carillon.bench.report.Progress;
import org.carillon.core.account.AccountGenerator;
import org.carillon.core.local.LocalAccounts;
import org.carillon.core.store.DataDirectory;

/**
 * The data directories of the two accounts, A ("alice", the sender) and B ("bob"), generated
 * once; each network the experiment runs gets fresh copies of them (no contacts, no messages
 * yet), as two people installing Carillon would have.
 */
final class BenchAccounts {
    static final byte[] CARD =
            "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:bench\r\nEND:VCARD\r\n".getBytes(StandardCharsets.UTF_8);
    static final String ALICE = "alice";
    static final String BOB = "bob";

    private final Path originals;

    private BenchAccounts(Path originals) {
        this.originals = originals;
    }

    /** Generates both accounts (RSA keys of {@code rsaBits}: seconds of work each at 4096) under {@code dir}. */
    static BenchAccounts generate(Path dir, int rsaBits) {
        AccountGenerator generator = new AccountGenerator(new SecureRandom(), rsaBits);
        try (Progress progress = new Progress("generating 2 accounts (RSA-" + rsaBits + ")", 2)) {
            for (String name : new String[] {ALICE, BOB}) {
                try (LocalAccounts accounts = LocalAccounts.open(new DataDirectory(dir.resolve(name)).ensureExists())) {
                    accounts.create(name, name + "-bench", generator, org.carillon.core.account.Progress.NONE);
                }
                progress.step();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the accounts under " + dir + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate the accounts' keys: " + e.getMessage(), e);
        }
        return new BenchAccounts(dir);
    }

    /** A fresh copy of both data directories under {@code target}; returns the account {@code name}'s there. */
    LocalAccounts open(Path target, String name) {
        Path copy = target.resolve(name);
        try {
            if (!Files.exists(copy)) {
                copyTree(originals.resolve(name), copy);
            }
            return LocalAccounts.open(new DataDirectory(copy));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy account " + name + " to " + copy + ": " + e.getMessage(), e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
