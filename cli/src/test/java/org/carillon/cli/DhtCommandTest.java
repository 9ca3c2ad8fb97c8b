package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.carillon.cli.CliRun.carillon;
import static org.carillon.cli.CliRun.dhtThatMustNotStart;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.NodeMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

class DhtCommandTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger(DhtCommand.class);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void captureLogs() {
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        logger.detachAppender(logs);
    }

    private static DhtConfig configFor(String... args) {
        DhtCommand dht = dhtThatMustNotStart();
        new CommandLine(dht).parseArgs(args);
        return dht.toConfig();
    }

    @Test
    void noOptionsGiveTheDefaultConfig() {
        assertThat(configFor()).isEqualTo(DhtConfig.defaults());
        assertThat(configFor().port()).isEqualTo(4222);
    }

    @Test
    void everyOptionReachesTheConfig() throws Exception {
        DhtConfig config = configFor(
                "-p",
                "4302",
                "--bind",
                "127.0.0.1",
                "--bind",
                "::1",
                "-b",
                "127.0.0.1:4301",
                "--bootstrap",
                "[::1]:4301",
                "-n",
                "42",
                "--no-rate-limit",
                "--storage-limit",
                "1M");

        assertThat(config.port()).isEqualTo(4302);
        assertThat(config.bindAddresses())
                .containsExactly(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1"));
        assertThat(config.bootstrap())
                .containsExactly(
                        new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 4301),
                        new InetSocketAddress(InetAddress.getByName("::1"), 4301));
        assertThat(config.network()).isEqualTo(42);
        assertThat(config.rateLimited()).isFalse();
        assertThat(config.storageLimit()).isEqualTo(1024 * 1024);
    }

    @Test
    void longOptionsWithEqualsSignsWork() {
        DhtConfig config = configFor("--port=0", "--network=0xffffffff", "--storage-limit=0");

        assertThat(config.port()).isZero();
        assertThat(config.network()).isEqualTo(0xffff_ffffL);
        assertThat(config.storageLimit()).isZero();
    }

    @Test
    void repeatedBootstrapAndBindAddressesAreUsedOnce() {
        DhtConfig config =
                configFor("-b", "127.0.0.1:4301", "-b", "127.0.0.1:4301", "--bind", "127.0.0.1", "--bind", "127.0.0.1");

        assertThat(config.bootstrap()).hasSize(1);
        assertThat(config.bindAddresses()).hasSize(1);
    }

    @Test
    void stateFileAndPeerDiscoveryReachTheConfig() {
        DhtConfig config = configFor("--state-file", "/var/lib/carillon/nodes", "--peer-discovery");

        assertThat(config.stateFile()).isEqualTo(Path.of("/var/lib/carillon/nodes"));
        assertThat(config.peerDiscovery()).isTrue();
    }

    @Test
    void withoutThemThereIsNoStateFileAndNoDiscovery() {
        assertThat(configFor().stateFile()).isNull();
        assertThat(configFor().peerDiscovery()).isFalse();
    }

    @Test
    void helpExitsZeroAndListsEveryOption() {
        CliRun run = carillon(dhtThatMustNotStart(), "dht", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains("--port", "--bind", "--bootstrap", "--network", "--no-rate-limit", "--storage-limit")
                .contains("--state-file", "--peer-discovery")
                .contains("default: 4222")
                .doesNotContain("--status-interval");
    }

    @ParameterizedTest(name = "dht {0} {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "--port          | 70000      | --port          | expected a port in 0..65535, got '70000'",
                "-p              | -1         | --port          | expected a port in 0..65535, got '-1'",
                "-p              | http       | --port          | expected a port in 0..65535, got 'http'",
                "--bootstrap     | 1.2.3.4    | --bootstrap     | expected HOST:PORT, got '1.2.3.4'",
                "-b              | ::1:4222   | --bootstrap     | write an IPv6 address as [ADDRESS]:PORT",
                "-b              | 1.2.3.4:0  | --bootstrap     | expected HOST:PORT with PORT in 1..65535, got '1.2.3.4:0'",
                "--network       | -1         | --network       | expected a network id in 0..4294967295",
                "-n              | 4294967296 | --network       | got '4294967296'",
                "--storage-limit | lots       | --storage-limit | expected a size in bytes such as 65536, 512K, 64M or 1G",
                "--bind          | localhost  | --bind          | expected an IP address such as 0.0.0.0, 127.0.0.1, :: or ::1",
            })
    void badValuesAreRefusedWithTheReason(String option, String value, String named, String reason) {
        CliRun run = carillon(dhtThatMustNotStart(), "dht", option, value);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("Invalid value for option '" + named + "'")
                .contains(reason)
                .contains("Try 'carillon dht --help' for more information.");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void unknownOptionIsNamed() {
        CliRun run = carillon(dhtThatMustNotStart(), "dht", "--frobnicate");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown option: '--frobnicate'");
    }

    @Test
    void missingOptionValueIsNamed() {
        CliRun run = carillon(dhtThatMustNotStart(), "dht", "--bootstrap");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required parameter for option '--bootstrap'");
    }

    @Test
    void runsTheNodeLogsItsStatusAndClosesItWhenAskedToStop() throws Exception {
        FakeDhtNode node = new FakeDhtNode();
        DhtCommand dht = new DhtCommand(config -> {
            node.port = config.port();
            return node;
        });

        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(
                () -> carillon(dht, "dht", "--service", "-p", "4302", "--status-interval", "10ms"));
        awaitTrue(() -> node.metricsReads.get() >= 2);
        assertThat(node.closed).isFalse();
        dht.requestStop();

        assertThat(run.get(10, TimeUnit.SECONDS).exitCode()).isZero();
        assertThat(node.closed).isTrue();
        assertThat(messages())
                .first()
                .isEqualTo("Carillon DHT node e4f330046ca5e702090239c0feb64849cde7c242 listening on port 4302");
        assertThat(messages()).anyMatch(m -> m.startsWith("Status: routing 3 IPv4 + 1 IPv6 nodes"));
        assertThat(messages()).last().isEqualTo("Carillon DHT node e4f330046ca5e702090239c0feb64849cde7c242 stopped");
    }

    @Test
    void aNodeThatCannotBindIsAnErrorNamingThePort() {
        DhtCommand dht = new DhtCommand(config -> {
            throw new BindException("Address already in use");
        });

        CliRun run = carillon(dht, "dht", "-p", "4301");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(messages()).containsExactly("Cannot start the DHT node on port 4301: Address already in use");
    }

    @Test
    void statusLineSumsPacketsAndNamesDropReasons() {
        NodeMetrics metrics = new NodeMetrics(
                Map.of("ping", 10L, "reply", 5L),
                Map.of("ping", 7L),
                Map.of("rate-limited", 1L, "malformed", 2L),
                3,
                4,
                1536,
                12,
                0,
                2);

        assertThat(DhtCommand.statusLine(metrics))
                .isEqualTo("Status: routing 12 IPv4 + 0 IPv6 nodes, storing 4 values (1.5 KiB) under 3 keys,"
                        + " 2 listeners; packets in 15, out 7; dropped 3 (malformed 2, rate-limited 1)");
    }

    @Test
    void statusLineOfAnIdleNodeHasNoDropDetail() {
        NodeMetrics idle = new NodeMetrics(Map.of(), Map.of(), Map.of(), 0, 0, 0, 0, 0, 0);

        assertThat(DhtCommand.statusLine(idle))
                .endsWith("(0 B) under 0 keys, 0 listeners; packets in 0, out 0; dropped 0");
    }

    @Test
    void byteCountsUseBinaryUnits() {
        assertThat(DhtCommand.bytes(1023)).isEqualTo("1023 B");
        assertThat(DhtCommand.bytes(1024)).isEqualTo("1.0 KiB");
        assertThat(DhtCommand.bytes(64L << 20)).isEqualTo("64.0 MiB");
        assertThat(DhtCommand.bytes(Long.MAX_VALUE)).isEqualTo("8.0 EiB");
    }

    private List<String> messages() {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition still false after 10 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
