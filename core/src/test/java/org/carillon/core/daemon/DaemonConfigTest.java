package org.carillon.core.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonConfigTest {
    @TempDir
    Path dir;

    @Test
    void aFreshDirectoryGetsTheCommentedDefaultsWhichReadBackAsThemselves() throws IOException {
        DaemonConfig config = DaemonConfig.load(dir);
        assertThat(config).isEqualTo(DaemonConfig.DEFAULTS);
        String text = Files.readString(dir.resolve(DaemonConfig.FILE));
        assertThat(text).contains("# UDP port of the DHT node").contains("dht.port = 4222");
        assertThat(DaemonConfig.load(dir)).isEqualTo(config);
    }

    @Test
    void valuesAreRead() throws IOException {
        Files.writeString(dir.resolve(DaemonConfig.FILE), """
                # mine
                dht.port = 4300
                dht.bootstrap = 127.0.0.1:4222, [::1]:4223
                api.bind = [::1]:0
                log.level = DEBUG
                messages.keep-days = 7
                """);
        DaemonConfig c = DaemonConfig.load(dir);
        assertThat(c.dhtPort()).isEqualTo(4300);
        assertThat(c.bootstrap()).containsExactly("127.0.0.1:4222", "[::1]:4223");
        assertThat(c.apiBind().getAddress().isLoopbackAddress()).isTrue();
        assertThat(c.logLevel()).isEqualTo("debug");
        assertThat(c.messageMaxAge()).isEqualTo(Duration.ofDays(7));
        assertThat(c.messagePolicy().maxAge()).isEqualTo(Duration.ofDays(7));
        assertThat(DaemonConfig.loadIfPresent(dir)).isEqualTo(c);
        assertThat(DaemonConfig.parse(dir, List.of("api.bind = 0.0.0.0:7423")).apiBind())
                .as("beyond loopback is allowed: the daemon serves it over TLS")
                .isEqualTo(new java.net.InetSocketAddress("0.0.0.0", 7423));
        assertThat(DaemonConfig.parse(dir, List.of("dht.bootstrap =")))
                .satisfies(e -> assertThat(e.bootstrap()).isEmpty());
    }

    @Test
    void wrongLinesAreNamedWithTheirLine() {
        Path f = dir.resolve("carillon.conf");
        assertThatThrownBy(() -> DaemonConfig.parse(f, List.of("# x", "dht.port = 70000")))
                .hasMessage(f + ":2: 'dht.port' must be a number from 1 to 65535, not '70000'");
        assertThatThrownBy(() -> DaemonConfig.parse(f, List.of("dht.prot = 1")))
                .hasMessageContaining(":1: unknown key 'dht.prot'");
        assertThatThrownBy(() -> DaemonConfig.parse(f, List.of("just words")))
                .hasMessageContaining(":1: expected 'key = value'");
        assertThatThrownBy(() -> DaemonConfig.parse(f, List.of("api.bind = no-such-host.invalid:1")))
                .hasMessageContaining(":1: 'api.bind' names no address: 'no-such-host.invalid' is unknown");
        assertThatThrownBy(() -> DaemonConfig.parse(f, List.of("log.level = loud")))
                .hasMessageContaining("one of [error, warn, info, debug, trace]");
        assertThatThrownBy(() -> DaemonConfig.parse(f, List.of("log.level = info", "log.level = warn")))
                .hasMessageContaining(":2: 'log.level' is set twice");
    }

    @Test
    void settingAKeyRewritesOnlyItsLineAndKeepsTheComments() throws IOException {
        Path file = dir.resolve(DaemonConfig.FILE);
        Files.writeString(file, """
                # my own note
                dht.port = 4300
                  log.level = info
                """);
        DaemonConfig c = DaemonConfig.set(dir, "log.level", "debug");
        assertThat(c.logLevel()).isEqualTo("debug");
        assertThat(Files.readString(file)).isEqualTo("# my own note\ndht.port = 4300\nlog.level = debug\n");
        DaemonConfig.set(dir, "messages.keep-days", " 7 ");
        assertThat(DaemonConfig.load(dir).messageMaxAge()).isEqualTo(Duration.ofDays(7));
        assertThat(Files.readString(file)).startsWith("# my own note\n").endsWith("messages.keep-days = 7\n");
        assertThat(DaemonConfig.load(dir).values())
                .containsEntry("dht.port", "4300")
                .containsEntry("api.bind", "127.0.0.1:7422")
                .containsOnlyKeys(DaemonConfig.keys());
    }

    @Test
    void aWrongValueIsRefusedWithTheFilesOwnErrorTextAndTheFileStaysAsItWas() throws IOException {
        Path file = dir.resolve(DaemonConfig.FILE);
        DaemonConfig.load(dir);
        String before = Files.readString(file);
        assertThatThrownBy(() -> DaemonConfig.set(dir, "dht.port", "70000"))
                .isInstanceOf(DaemonConfig.InvalidConfigException.class)
                .hasMessageContaining("'dht.port' must be a number from 1 to 65535, not '70000'");
        assertThatThrownBy(() -> DaemonConfig.set(dir, "log.level", "loud"))
                .hasMessageContaining("'log.level' is one of [error, warn, info, debug, trace]");
        assertThatThrownBy(() -> DaemonConfig.set(dir, "dht.prot", "4000"))
                .isInstanceOf(DaemonConfig.InvalidConfigException.class)
                .hasMessageContaining("unknown key 'dht.prot'");
        assertThatThrownBy(() -> DaemonConfig.set(dir, "log.level", "info\ndht.port = 1"))
                .hasMessageContaining("one line");
        assertThat(Files.readString(file)).isEqualTo(before);
        try (var left = Files.list(dir)) {
            assertThat(left).as("no temporary file left").hasSize(1);
        }
    }

    @Test
    void aCommandWithoutTheDaemonReadsTheFileButNeverWritesIt(@TempDir Path empty) throws Exception {
        assertThat(DaemonConfig.loadIfPresent(empty)).isEqualTo(DaemonConfig.DEFAULTS);
        assertThat(empty.resolve(DaemonConfig.FILE)).doesNotExist();
        assertThat(DaemonConfig.DEFAULTS.messagePolicy()).isEqualTo(org.carillon.core.message.MessagePolicy.DEFAULT);
    }
}
