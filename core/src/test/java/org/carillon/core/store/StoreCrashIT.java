package org.carillon.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.carillon.core.account.AccountKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing process with SIGKILL at random moments and checks what it leaves: the
 * database passes SQLite's integrity check, every transaction is there whole or not at all, and
 * nothing the writer saw committed is lost; key files are each the old or the new one, whole.
 */
class StoreCrashIT {
    private static final int ROUNDS = 6;

    @TempDir
    Path tmp;

    private final Random random = new Random();

    @Test
    void killingAWriterLeavesWholeTransactions() throws Exception {
        Path file = tmp.resolve("carillon.db");
        long rowsBefore = 0;
        for (int round = 0; round < ROUNDS; round++) {
            // round 0 is killed without waiting for a first commit: maybe while it creates the schema
            Child child = start(round > 0, "database", file.toString());
            long acknowledged = child.killAtRandom(round > 0 ? 400 : 1500);

            try (Database db = Database.open(file)) {
                assertThat(db.integrityCheck()).isEqualTo("ok");
                long contacts = count(db, "SELECT count(*) FROM contacts");
                long requests = count(db, "SELECT count(*) FROM trust_requests");
                long handled = count(db, "SELECT count(*) FROM handled_values");
                long paired = count(
                        db,
                        "SELECT count(*) FROM contacts c JOIN trust_requests r"
                                + " ON r.account_id = c.account_id AND r.from_id = c.contact_id"
                                + " AND r.received_at = c.added");
                assertThat(requests).as("round %d: requests", round).isEqualTo(contacts);
                assertThat(handled).as("round %d: handled values", round).isEqualTo(contacts);
                assertThat(paired)
                        .as("round %d: each contact with its own request", round)
                        .isEqualTo(contacts);
                assertThat(contacts)
                        .as("round %d: every write the child saw committed is there", round)
                        .isGreaterThanOrEqualTo(acknowledged)
                        .isGreaterThanOrEqualTo(rowsBefore);
                System.out.printf(
                        "[crash] round %d: killed after %d acknowledged writes, %d whole transactions on disk%n",
                        round, acknowledged, contacts);
                rowsBefore = contacts;
            }
        }
        assertThat(rowsBefore).as("the children wrote something").isPositive();
    }

    @Test
    void killingAWriterInTheMiddleOfAcceptLeavesTheMessageWithAllItsDeliveriesOrNothing() throws Exception {
        Path file = tmp.resolve("carillon.db");
        long messagesBefore = 0;
        for (int round = 0; round < 5; round++) {
            long acknowledged = start(true, "messages", file.toString()).killAtRandom(400);

            try (Database db = Database.open(file)) {
                assertThat(db.integrityCheck()).isEqualTo("ok");
                long messages = count(db, "SELECT count(*) FROM messages");
                long incomplete = count(
                        db,
                        "SELECT count(*) FROM messages m WHERE (SELECT count(*) FROM pending_deliveries p"
                                + " WHERE p.account_id = m.account_id AND p.message_id = m.id) <> "
                                + CrashingWriter.DELIVERIES_PER_MESSAGE);
                long orphans = count(
                        db,
                        "SELECT count(*) FROM pending_deliveries p WHERE NOT EXISTS (SELECT 1 FROM messages m"
                                + " WHERE m.account_id = p.account_id AND m.id = p.message_id)");
                long indexed = count(db, "SELECT count(*) FROM message_text WHERE message_text MATCH 'crash'");
                assertThat(incomplete)
                        .as("round %d: messages missing deliveries", round)
                        .isZero();
                assertThat(orphans)
                        .as("round %d: deliveries without their message", round)
                        .isZero();
                assertThat(indexed)
                        .as("round %d: messages in the search index", round)
                        .isEqualTo(messages);
                db.inTransaction(c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("INSERT INTO message_text (message_text, rank) VALUES ('integrity-check', 1)");
                    }
                    return null;
                });
                assertThat(new SqliteMessageStore(db, CrashingWriter.OWNER).lastSequence(CrashingWriter.AUTHOR))
                        .as("round %d: numbered without gaps", round)
                        .isEqualTo(messages);
                assertThat(messages)
                        .as("round %d: every accept the child saw return is there", round)
                        .isGreaterThanOrEqualTo(acknowledged)
                        .isGreaterThanOrEqualTo(messagesBefore);
                System.out.printf(
                        "[crash] accept round %d: killed after %d acknowledged accepts, %d whole messages on disk%n",
                        round, acknowledged, messages);
                messagesBefore = messages;
            }
        }
        assertThat(messagesBefore).as("the children wrote something").isPositive();
    }

    @Test
    void killingAKeySaveLeavesTheOldSetOrTheNewOneWhole() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        KeyFiles.save(a, TestKeys.generate(true));
        KeyFiles.save(b, TestKeys.generate(false)); // B has no CA key: its file comes and goes
        Path target = tmp.resolve("target");
        KeyFiles.save(target, KeyFiles.load(a));
        for (int round = 0; round < 4; round++) {
            long saves = start(true, "keys", target.toString(), a.toString(), b.toString())
                    .killAtRandom(300);
            boolean interrupted = Files.exists(target.resolve(KeyFiles.STAGING));
            AccountKeys loaded = KeyFiles.load(target);
            Path same = loaded.accountId().equals(KeyFiles.load(a).accountId()) ? a : b;
            assertThat(fileNames(target)).as("round %d", round).isEqualTo(fileNames(same));
            for (String name : fileNames(same)) {
                assertThat(Files.readAllBytes(target.resolve(name)))
                        .as("round %d: %s", round, name)
                        .isEqualTo(Files.readAllBytes(same.resolve(name)));
            }
            System.out.printf(
                    "[crash] key round %d: killed after %d saves%s; loads whole as %s%n",
                    round, saves, interrupted ? ", in the middle of one" : "", same.getFileName());
        }
    }

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static long count(Database db, String sql) {
        return db.inTransaction(c -> {
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery(sql)) {
                return r.getLong(1);
            }
        });
    }

    private Child start(boolean waitForFirstCommit, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // sqlite-jdbc unpacks its native library into the temporary directory, and a killed JVM
        // cannot delete it: keep those copies in the test's directory, which JUnit removes
        command.add("-Djava.io.tmpdir=" + tmp);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CrashingWriter.class.getName());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectError(tmp.resolve("child.err").toFile())
                .start();
        Child child = new Child(process);
        if (waitForFirstCommit && !child.firstCommit.await(60, TimeUnit.SECONDS)) {
            child.kill();
            throw new AssertionError("the child wrote nothing in 60 s: " + Files.readString(tmp.resolve("child.err")));
        }
        return child;
    }

    /** A writer process, with a thread reading the last commit it reported. */
    private final class Child {
        final Process process;
        final AtomicLong acknowledged = new AtomicLong();
        final CountDownLatch firstCommit = new CountDownLatch(1);
        final Thread reader;

        Child(Process process) {
            this.process = process;
            this.reader = new Thread(this::read, "crash-child-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith(CrashingWriter.COMMITTED)) {
                        acknowledged.set(Long.parseLong(line.substring(CrashingWriter.COMMITTED.length())));
                        firstCommit.countDown();
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // the process died mid-line: the last whole line counts
            }
        }

        /** SIGKILLs it after up to {@code maxDelayMillis}; returns the last write it reported committed. */
        long killAtRandom(int maxDelayMillis) throws Exception {
            Thread.sleep(random.nextInt(maxDelayMillis + 1));
            assertThat(process.isAlive())
                    .as("the child was still writing when killed")
                    .isTrue();
            return kill();
        }

        long kill() throws Exception {
            process.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no flushing
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);
            return acknowledged.get();
        }
    }
}
