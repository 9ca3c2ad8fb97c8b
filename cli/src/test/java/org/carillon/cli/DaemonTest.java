package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.carillon.api.client.ApiClient;
import org.carillon.api.server.ApiToken;
import org.carillon.core.account.AccountGenerator;
import org.carillon.core.account.Progress;
import org.carillon.core.daemon.DaemonConfig;
import org.carillon.core.store.DataDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonTest {
    @TempDir
    Path home;

    Daemon.Settings settings() throws IOException {
        return new Daemon.Settings(
                new DataDirectory(home),
                DaemonConfig.load(new DataDirectory(home).ensureExists().root()),
                List.of(),
                InetAddress.getLoopbackAddress(),
                0,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                2048);
    }

    @Test
    void servesTheApiAtTheUriItPublishesAndKeepsASecondDaemonOut() throws Exception {
        try (Daemon daemon = Daemon.start(settings())) {
            URI published = URI.create(
                    Files.readString(home.resolve(Daemon.ENDPOINT_FILE)).strip());
            assertThat(published).isEqualTo(daemon.apiUri());
            try (ApiClient client = ApiClient.connect(published, ApiToken.read(home), Duration.ofSeconds(10))) {
                assertThat(client.call("accounts.create", Map.of("alias", "alice"))
                                .get(60, TimeUnit.SECONDS)
                                .get("alias")
                                .asText())
                        .isEqualTo("alice");
                assertThat(client.call("accounts.list", null).get(10, TimeUnit.SECONDS))
                        .hasSize(1);
                assertThat(client.call("rpc.discover", null)
                                .get(10, TimeUnit.SECONDS)
                                .get("openrpc")
                                .asText())
                        .isEqualTo("1.3.2");
            }
            assertThatThrownBy(() -> Daemon.start(settings()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("another Carillon daemon (pid "
                            + ProcessHandle.current().pid() + ")");
        }
        assertThat(home.resolve(Daemon.ENDPOINT_FILE)).doesNotExist();
        try (Daemon again = Daemon.start(settings())) {
            try (ApiClient client = ApiClient.connect(again.apiUri(), ApiToken.read(home), Duration.ofSeconds(10))) {
                assertThat(client.call("accounts.list", null)
                                .get(10, TimeUnit.SECONDS)
                                .get(0)
                                .get("online")
                                .asBoolean())
                        .as("the account is back online after a restart")
                        .isTrue();
            }
        }
    }

    @Test
    void messagesKeepDaysOfTheConfigBoundsHowLongTheAccountsMessagesAreRepublished() throws Exception {
        Files.writeString(
                new DataDirectory(home).ensureExists().root().resolve(DaemonConfig.FILE), "messages.keep-days = 3\n");
        try (Daemon daemon = Daemon.start(settings())) {
            var alice = daemon.host()
                    .create("alice", "laptop", new AccountGenerator(new SecureRandom(), 2048), Progress.NONE);
            assertThat(daemon.host().online(alice).messenger().policy().maxAge())
                    .isEqualTo(Duration.ofDays(3));
        }
    }

    @Test
    void anApiBeyondLoopbackGetsTheDirectorysCertificateAndLoopbackNone() throws Exception {
        assertThat(Daemon.certificateFor(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), home))
                .isNull();
        assertThat(home.resolve(org.carillon.api.server.ApiCertificate.FILE)).doesNotExist();
        var any = new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0);
        String fingerprint = Daemon.certificateFor(any, home).fingerprint();
        assertThat(home.resolve(org.carillon.api.server.ApiCertificate.FILE)).isRegularFile();
        assertThat(Daemon.certificateFor(any, home).fingerprint())
                .as("the same certificate at every start: clients keep their pin")
                .isEqualTo(fingerprint);
    }

    @Test
    void wrongArgumentsAreNamed() {
        CliRun run = CliRun.carillon("daemon", "--port", "many", "--data-dir", home.toString());
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("--port").contains("many");
    }
}
