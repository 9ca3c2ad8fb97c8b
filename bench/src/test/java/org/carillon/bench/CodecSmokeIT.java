package org.carillon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.carillon.dht.interop.InteropPeers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench/run codec --smoke}: JMH in this JVM for a moment, then the msgpack reference. */
class CodecSmokeIT {
    @TempDir
    Path results;

    @Test
    @Timeout(120)
    void smokeRunComparesEveryDatagramWithMsgpack() throws Exception {
        InteropPeers.requirePythonMsgpack();
        long started = System.nanoTime();

        SmokeRun smoke = new SmokeRun("codec", results).run();

        assertThat(smoke.csvRows("codec.csv", 8))
                .anySatisfy(row -> assertThat(row).startsWith("decode,ping_request,1,"))
                .anySatisfy(row -> assertThat(row).startsWith("encode,get_reply_fragmented_4k,5,"))
                .allSatisfy(row ->
                        assertThat(row).as("msgpack re-encodes the same bytes").contains(",true,"));
        smoke.hasPng("codec.png");
        assertThat(results.resolve("codec/jmh.csv")).isNotEmptyFile();
        assertThat(Files.list(results.resolve("codec/datagrams")).count()).isEqualTo(4 + 4 + 1);
        JsonNode metrics = smoke.metrics(16);
        assertThat(metrics.get(0).path("name").asText()).isEqualTo("decode_ping_request_time");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(60));
    }
}
