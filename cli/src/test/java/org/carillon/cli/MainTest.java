package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.carillon.cli.CliRun.carillon;
import static org.carillon.cli.CliRun.dhtThatMustNotStart;

import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void helpListsTheSubcommandsWithTheirDescriptions() {
        CliRun run = carillon(dhtThatMustNotStart(), "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .startsWith("Usage: carillon")
                .containsPattern("(?m)^\\s+dht\\s+Run a DHT node")
                .contains("--version");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void versionNamesTheBuild() {
        CliRun run = carillon(dhtThatMustNotStart(), "--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("carillon ").doesNotContain("${").doesNotContain("unknown");
    }

    @Test
    void helpListsTheCommandsAndSaysThatNoneRunsTheDaemon() {
        CliRun run = carillon(dhtThatMustNotStart(), "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .startsWith("Usage: carillon")
                .contains("Without a command: runs the daemon")
                .contains("daemon")
                .contains("demo")
                .contains("dht");
    }

    @Test
    void unknownSubcommandIsNamedWithASuggestion() {
        CliRun run = carillon(dhtThatMustNotStart(), "dhx");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("'dhx'").contains("carillon dht").contains("Try 'carillon --help'");
    }

    @Test
    void helpSubcommandShowsTheDhtOptions() {
        CliRun run = carillon(dhtThatMustNotStart(), "help", "dht");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: carillon dht").contains("--bootstrap");
    }
}
