package org.carillon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.carillon.dht.interop.InteropPeers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench/run crypto --smoke}: an RSA-4096 key, JMH in this JVM for a moment, then OpenDHT's
 * crypto through python3-opendht and GnuTLS, which must agree with Carillon's (same signatures).
 */
class CryptoSmokeIT {
    @TempDir
    Path results;

    @Test
    @Timeout(120)
    void smokeRunComparesTheFourOperationsWithOpendht() throws Exception {
        InteropPeers.requirePythonOpendht();
        long started = System.nanoTime();

        SmokeRun smoke = new SmokeRun("crypto", results).run();

        assertThat(smoke.csvRows("crypto.csv", 8))
                .anySatisfy(row -> assertThat(row).startsWith("sign,100,"))
                .anySatisfy(row -> assertThat(row).startsWith("decrypt,10000,10540,"))
                .allSatisfy(row -> assertThat(row).as("the reference agrees").contains(",true,"));
        smoke.hasPng("crypto.png");
        JsonNode metrics = smoke.metrics(8);
        assertThat(metrics.get(0).path("name").asText()).isEqualTo("sign_100b_rate");
        assertThat(metrics.get(0).path("unit").asText()).isEqualTo("ops/s");
        assertThat(results).isDirectoryNotContaining("glob:**.pk8");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(60));
    }
}
