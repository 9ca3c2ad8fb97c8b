package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9's end-to-end test: two real daemons (child JVMs, own data directories) on a loopback
 * DHT, driven only through their WebSocket APIs, one of them stopped with SIGTERM and started
 * again.
 */
class DaemonProcessesIT {
    @TempDir
    Path tmp;

    private DaemonNetwork network;

    @BeforeEach
    void startSeed() throws IOException {
        network = DaemonNetwork.start(tmp);
    }

    @AfterEach
    void stopAll() throws Exception {
        network.close();
    }

    @Test
    void twoDaemonsBecomeContactsChatBothWaysAndOneKeepsEverythingAcrossARestart() throws Exception {
        DaemonProcess a = network.daemon("alice");
        DaemonProcess b = network.daemon("bob");
        DaemonNetwork.Contacts ids = network.befriend(a, b);
        String alice = ids.first();
        String bob = ids.second();

        String helloId = a.call("messages.send", Map.of("account", "alice", "contact", bob, "text", "hello bob"))
                .get("id")
                .asText();
        b.awaitEvent(e -> e.startsWith("message.received") && e.contains("hello bob"));
        a.awaitEvent(e -> e.startsWith("message.status") && e.contains(helloId) && e.contains("delivered"));
        b.call("messages.send", Map.of("account", "bob", "contact", alice, "text", "hi alice"));
        a.awaitEvent(e -> e.startsWith("message.received") && e.contains("hi alice"));
        b.call("messages.markRead", Map.of("account", "bob", "contact", alice));
        a.awaitEvent(e -> e.startsWith("message.status") && e.contains(helloId) && e.contains("\"read\""));

        // bob's daemon stops on SIGTERM and starts again on the same data directory
        int exit = b.stop();
        assertThat(exit).as("exit code after SIGTERM (0, or the JVM's 128+15)").isIn(0, 143);
        assertThat(Files.readString(b.out)).contains("stopping");
        assertThat(tmp.resolve("bob").resolve(Daemon.ENDPOINT_FILE))
                .as("api.uri is removed on a clean stop")
                .doesNotExist();
        network.stopped(b);
        DaemonProcess b2 = network.daemon("bob");
        assertThat(b2.call("accounts.list", null).get(0).get("online").asBoolean())
                .as("the account is online again")
                .isTrue();
        JsonNode history = b2.call("messages.history", Map.of("account", "bob", "contact", alice));
        assertThat(history).extracting(m -> m.get("text").asText()).containsExactly("hello bob", "hi alice");
        assertThat(history.get(0).get("status").asText()).isEqualTo("read");
        assertThat(b2.call("contacts.list", Map.of("account", "bob")))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.get("id").asText()).isEqualTo(alice);
                    assertThat(c.get("confirmed").asBoolean()).isTrue();
                });
        assertThat(b2.call("requests.list", Map.of("account", "bob")))
                .as("the request was answered")
                .isEmpty();
        assertThat(b2.call("messages.search", Map.of("account", "bob", "words", "HEL")))
                .extracting(m -> m.get("text").asText())
                .containsExactly("hello bob");

        // and the restarted daemon still talks to alice's, both ways
        b2.call("messages.send", Map.of("account", "bob", "contact", alice, "text", "back again"));
        a.awaitEvent(e -> e.startsWith("message.received") && e.contains("back again"));
        String afterId = a.call("messages.send", Map.of("account", "alice", "contact", bob, "text", "welcome back"))
                .get("id")
                .asText();
        b2.awaitEvent(e -> e.startsWith("message.received") && e.contains("welcome back"));
        a.awaitEvent(e -> e.startsWith("message.status") && e.contains(afterId) && e.contains("delivered"));
    }

    @Test
    void aSecondDaemonOnTheSameDataDirectoryIsRefusedNamingTheFirst() throws Exception {
        DaemonProcess first = network.daemon("alice");
        Process second = new ProcessBuilder(DaemonProcess.command(tmp.resolve("alice"), network.seedPort()))
                .redirectErrorStream(true)
                .start();
        assertThat(second.waitFor(60, TimeUnit.SECONDS))
                .as("the second daemon gives up")
                .isTrue();
        String output = new String(second.getInputStream().readAllBytes());
        assertThat(second.exitValue()).as(output).isNotZero();
        assertThat(output).contains("another Carillon daemon (pid " + first.pid() + ")");
        assertThat(first.call("accounts.list", null))
                .as("the first still serves")
                .isEmpty();
        assertThat(Files.readString(tmp.resolve("alice").resolve(Daemon.ENDPOINT_FILE))
                        .strip())
                .as("the second did not overwrite the first's api.uri")
                .isEqualTo(first.uri.toString());
    }

    @Test
    void aBadOptionIsNamedAndNothingStarts() throws Exception {
        List<String> command = new ArrayList<>(DaemonProcess.command(tmp.resolve("alice"), network.seedPort()));
        command.set(command.indexOf("--port") + 1, "many");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(output).isNotZero();
        assertThat(output).contains("--port").contains("many");
        assertThat(tmp.resolve("alice").resolve(Daemon.ENDPOINT_FILE)).doesNotExist();
    }
}
