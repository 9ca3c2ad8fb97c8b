package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.carillon.cli.CliRun.carillon;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two users, each with a data directory of their own, become contacts through the commands
 * alone: every command goes online for its own time, through one seed node on loopback that
 * keeps what they put while they are away.
 */
class ContactCommandEndToEndTest {
    private static final Pattern CREATED = Pattern.compile("created account ([0-9a-f]{40})");

    @TempDir
    Path tmp;

    private DhtRunner seed;

    @BeforeEach
    void startSeed() throws IOException {
        seed = DhtRunner.start(DhtConfig.defaults()
                .withBindAddresses(List.of(InetAddress.getLoopbackAddress()))
                .withPort(0));
    }

    @AfterEach
    void stopSeed() {
        seed.close();
    }

    private CliRun as(String user, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", tmp.resolve(user).toString()));
        boolean offline = args[0].equals("account") || (args[0].equals("contact") && args[1].equals("list"));
        if (!offline) {
            all.addAll(List.of("--bootstrap", "127.0.0.1:" + seed.port(), "--bind", "127.0.0.1", "--timeout", "20s"));
        }
        CliRun run = carillon(all.toArray(String[]::new));
        assertThat(run.exitCode()).as(user + " " + all + "\n" + run.err()).isZero();
        return run;
    }

    private String create(String user) {
        Matcher m = CREATED.matcher(as(user, "account", "create", "--alias", user, "--key-bits", "2048")
                .out());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    @Test
    void aRequestIsReceivedAcceptedAndConfirmedOnBothSides() {
        String alice = create("alice");
        String bob = create("bob");
        as("bob", "request", "list"); // bob's device is announced

        as("alice", "contact", "add", bob, "--name", "Alice Liddell");
        assertThat(as("alice", "contact", "list").out()).contains(bob + "  pending");

        CliRun requests = as("bob", "request", "list");
        assertThat(requests.out()).contains(alice + "  Alice Liddell");
        as("bob", "request", "accept", alice);
        assertThat(as("bob", "contact", "list").out()).contains(alice + "  confirmed");
        assertThat(as("bob", "request", "list", "--offline").out()).doesNotContain(alice);

        as("alice", "request", "list"); // alice's inbox holds the confirmation
        assertThat(as("alice", "contact", "list").out()).contains(bob + "  confirmed");
    }

    @Test
    void answeringARequestThatIsNotThereSaysSo() {
        create("carol");
        String unknown = "0123456789abcdef0123456789abcdef01234567";
        CliRun run = carillon(
                "request", "accept", unknown, "--data-dir", tmp.resolve("carol").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("no pending trust request from " + unknown);
    }
}
