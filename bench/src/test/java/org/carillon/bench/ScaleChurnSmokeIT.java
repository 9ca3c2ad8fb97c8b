package org.carillon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench/run scale-churn --smoke}: 50 simulated nodes at each churn rate, 60 operations each. */
class ScaleChurnSmokeIT {
    @TempDir
    Path results;

    @Test
    @Timeout(120)
    void smokeRunMeasuresEveryKindOfOperationAtEveryChurnRate() throws Exception {
        SmokeRun smoke = new SmokeRun("scale-churn", results).run();

        // 3 churn rates x 3 kinds of operation
        List<String> summary = smoke.csvRows("summary.csv", 9);
        assertThat(summary)
                .anySatisfy(row -> assertThat(row).startsWith("50,10.0000,get,"))
                .anySatisfy(row -> assertThat(row).startsWith("50,0.00000,listen,"));
        smoke.hasPng("get-latency-cdf-n50.png");
        smoke.hasPng("success-vs-churn.png");

        JsonNode metrics = new ObjectMapper()
                .readTree(results.resolve("latest.json").toFile())
                .path("experiments")
                .path("scale-churn")
                .path("metrics");
        assertThat(metrics.size()).isEqualTo(3 * 8 + 3);
        for (JsonNode m : metrics) {
            assertThat(m.path("carillon").isNumber()).as(m.toString()).isTrue();
            assertThat(m.path("reference").isNull())
                    .as("a simulation has no reference")
                    .isTrue();
        }
        JsonNode gets = null;
        for (JsonNode m : metrics) {
            if (m.path("name").asText().equals("get_success_n50_churn0")) {
                gets = m;
            }
        }
        assertThat(gets).isNotNull();
        assertThat(gets.path("carillon").asDouble())
                .as("gets that found their value, %")
                .isGreaterThan(90);
    }
}
