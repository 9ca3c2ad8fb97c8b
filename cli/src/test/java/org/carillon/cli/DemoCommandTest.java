package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DemoCommandTest {
    @Test
    void twoUsersBecomeContactsAndChatWithoutAnyNetwork() {
        CliRun run = CliRun.carillon("demo");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("Bob's daemon received it")
                .contains("they are contacts")
                .contains("✓✓ delivered")
                .contains("✓✓ read")
                .contains("alice  Hi Bob! This went through a DHT, end to end encrypted.  [read]")
                .contains("Done.");
    }
}
