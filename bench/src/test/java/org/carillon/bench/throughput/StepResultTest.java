package org.carillon.bench.throughput;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepResultTest {
    private static StepResult step(
            String side, Operation op, int offered, double sentPerSecond, int answered, double p99) {
        int sent = 1000;
        return new StepResult(
                side,
                op,
                offered,
                sentPerSecond,
                sent,
                answered,
                0,
                sent - answered,
                0,
                Map.of(),
                0.1,
                p99,
                p99 * 2,
                0.5,
                Double.NaN,
                0.2,
                0,
                1.0,
                1.0);
    }

    @Test
    void aRateIsSustainedOnlyWithLowP99EnoughAnswersAndTheOfferedLoadReallySent() {
        assertThat(step("Carillon", Operation.GET, 1000, 1000, 1000, 9.9).sustained(10, 0.99))
                .isTrue();
        assertThat(step("Carillon", Operation.GET, 1000, 1000, 1000, 10.1).sustained(10, 0.99))
                .isFalse();
        assertThat(step("Carillon", Operation.GET, 1000, 1000, 989, 1).sustained(10, 0.99))
                .isFalse();
        assertThat(step("Carillon", Operation.GET, 1000, 1000, 990, 1).sustained(10, 0.99))
                .isTrue();
        // the generator sent only 90 % of the offered rate: the node was not tested at that rate
        assertThat(step("Carillon", Operation.GET, 1000, 900, 1000, 1).sustained(10, 0.99))
                .isFalse();
    }

    @Test
    void maxSustainedIsTheHighestPassingRateOfThatSideAndOperation() {
        List<StepResult> results = List.of(
                step("Carillon", Operation.GET, 1000, 1000, 1000, 1),
                step("Carillon", Operation.GET, 2000, 2000, 1000, 50),
                step("Carillon", Operation.GET, 2000, 2000, 1000, 5), // second attempt passed
                step("Carillon", Operation.GET, 5000, 5000, 1000, 50),
                step("OpenDHT", Operation.GET, 5000, 5000, 1000, 1),
                step("Carillon", Operation.PUT, 9000, 9000, 1000, 1));

        assertThat(StorageThroughput.maxSustained(results, "Carillon", Operation.GET, 10, 0.99))
                .isEqualTo(2000);
        assertThat(StorageThroughput.maxSustained(results, "OpenDHT", Operation.GET, 10, 0.99))
                .isEqualTo(5000);
        assertThat(StorageThroughput.maxSustained(results, "OpenDHT", Operation.PUT, 10, 0.99))
                .isZero();
    }

    @Test
    void cpuPerRequestCountsRepliesAndErrors() {
        StepResult r = new StepResult(
                "OpenDHT",
                Operation.PUT,
                1000,
                1000,
                1000,
                900,
                100,
                0,
                0,
                Map.of(401, 100),
                0.1,
                1,
                2,
                0.5,
                Double.NaN,
                0.2,
                0,
                1.0,
                1.0);
        assertThat(r.nodeCpuPerRequestMicros()).isEqualTo(500.0);
        assertThat(r.nodeCpuUtilisation()).isEqualTo(0.5);
        assertThat(r.errorCodesText()).isEqualTo("401:100");
        assertThat(r.answeredFraction()).isEqualTo(0.9);
    }
}
