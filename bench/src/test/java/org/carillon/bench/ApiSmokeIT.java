package org.carillon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.carillon.dht.interop.InteropPeers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench/run api --smoke}: the real daemon in its own JVM beside three dhtnodes, 1-second
 * load windows over 1 and 10 connections, 3 idle seconds.
 */
class ApiSmokeIT {
    @TempDir
    Path results;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void smokeRunMeasuresCallsAndComparesIdleMemoryAndTrafficWithDhtnode() throws Exception {
        InteropPeers.requireDhtnode();

        SmokeRun smoke = new SmokeRun("api", results).run();

        assertThat(smoke.csvRows("load.csv", 6))
                .anySatisfy(row -> assertThat(row).startsWith("accounts.list,1,1,"))
                .anySatisfy(row -> assertThat(row).startsWith("messages.history,10,1,"))
                .allSatisfy(row -> assertThat(row).as("no call failed").matches("[a-z.]+,\\d+,\\d+,[1-9]\\d*,0,.*"));
        assertThat(smoke.csvRows("idle.csv", countIdleRows())).isNotEmpty();
        smoke.hasPng("calls-per-second.png");
        smoke.hasPng("latency.png");
        smoke.hasPng("idle-rss.png");
        JsonNode entry = new ObjectMapper()
                .readTree(results.resolve("latest.json").toFile())
                .path("experiments")
                .path("api");
        assertThat(entry.path("command").asText()).isEqualTo("bench/run api --smoke");
        JsonNode metrics = entry.path("metrics");
        assertThat(metrics.size()).isEqualTo(6 * 3 + 3);
        // without tcpdump the packets come from a machine-wide counter and the bytes are not known
        boolean bytesCounted = entry.at("/parameters/idle_traffic").asText().contains("tcpdump");
        for (JsonNode m : metrics) {
            if (!bytesCounted && m.path("name").asText().equals("idle_udp_bytes_per_hour")) {
                continue;
            }
            assertThat(m.path("carillon").isNumber()).as(m.toString()).isTrue();
            if (m.path("name").asText().startsWith("idle_")) {
                assertThat(m.path("reference").isNumber()).as(m.toString()).isTrue();
            }
        }
    }

    private int countIdleRows() throws java.io.IOException {
        return (int) java.nio.file.Files.lines(results.resolve("api/idle.csv")).count() - 1;
    }
}
