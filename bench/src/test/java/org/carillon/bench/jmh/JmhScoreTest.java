package org.carillon.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JmhScoreTest {
    @Test
    void averageTimeAndThroughputConvertIntoEachOther() {
        JmhScore avgt = new JmhScore("decode", Map.of(), 250, 10, "ns/op");
        assertThat(avgt.nanosPerOp()).isEqualTo(250);
        assertThat(avgt.opsPerSecond()).isCloseTo(4_000_000, within(1e-6));

        JmhScore thrpt = new JmhScore("sign", Map.of("payload", "100"), 50, 2, "ops/s");
        assertThat(thrpt.opsPerSecond()).isCloseTo(50, within(1e-9));
        assertThat(thrpt.nanosPerOp()).isCloseTo(20_000_000, within(1e-6));
    }

    @Test
    void anotherUnitIsRefused() {
        assertThatThrownBy(() -> new JmhScore("x", Map.of(), 1, 0, "us/op").nanosPerOp())
                .hasMessageContaining("us/op");
    }

    @Test
    void progressCountsEveryIterationOfEveryFork() {
        assertThat(new JmhSettings(2, 3, 5, org.openjdk.jmh.runner.options.TimeValue.seconds(1))
                        .iterationsPerBenchmark())
                .isEqualTo(16);
        assertThat(new JmhSettings(0, 1, 1, org.openjdk.jmh.runner.options.TimeValue.milliseconds(100))
                        .iterationsPerBenchmark())
                .isEqualTo(2);
    }
}
