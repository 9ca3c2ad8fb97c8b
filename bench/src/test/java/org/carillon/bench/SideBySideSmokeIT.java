package org.carillon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench/run side-by-side --smoke}: 3 dhtnodes vs 3 Carillon nodes, 20 operations each. */
class SideBySideSmokeIT {
    @TempDir
    Path results;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void smokeRunWritesOpsSummaryPlotsAndComparedFigures() throws Exception {
        LoopbackSmokeCheck.requirePeers();
        LoopbackSmokeCheck.runAndCheck(
                results,
                "side-by-side",
                List.of("ops.csv", "summary.csv"),
                List.of("latency-cdf-put.png", "latency-cdf-get.png"),
                List.of(
                        "put_latency_p50",
                        "put_success_rate",
                        "get_success_rate",
                        "packets_per_op",
                        "cpu_seconds_per_1000_ops",
                        "memory_rss_per_node",
                        "memory_heap_per_node_after_gc",
                        "form_time"));
        // both sides ran every operation
        List<String> ops = java.nio.file.Files.readAllLines(results.resolve("side-by-side/ops.csv"));
        assertThat(ops.stream().filter(l -> l.startsWith("opendht,"))).hasSize(20);
        assertThat(ops.stream().filter(l -> l.startsWith("carillon,"))).hasSize(20);
        assertThat(new ObjectMapper()
                        .readTree(results.resolve("latest.json").toFile())
                        .at("/experiments/side-by-side/parameters/packet_counter")
                        .asText())
                .isIn("tcpdump", "snmp");
    }
}
