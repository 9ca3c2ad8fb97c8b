package org.carillon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench/run mixed --smoke}: 2 dhtnodes + 2 Carillon nodes, each driver reading the other's values. */
class MixedSmokeIT {
    @TempDir
    Path results;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void smokeRunReadsValuesAcrossImplementationsAndReportsBothDirections() throws Exception {
        LoopbackSmokeCheck.requirePeers();
        LoopbackSmokeCheck.runAndCheck(
                results,
                "mixed",
                List.of("ops.csv", "summary.csv"),
                List.of("latency-cdf-get.png", "latency-cdf-listen.png"),
                List.of(
                        "put_latency_p50",
                        "cross_get_success_rate",
                        "cross_get_latency_p50",
                        "cross_listen_success_rate",
                        "form_time"));
        List<String> ops = Files.readAllLines(results.resolve("mixed/ops.csv"));
        assertThat(ops).anyMatch(l -> l.startsWith("get,opendht->carillon,"));
        assertThat(ops).anyMatch(l -> l.startsWith("get,carillon->opendht,"));
    }
}
