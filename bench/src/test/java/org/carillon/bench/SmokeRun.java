package org.carillon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Runs an experiment's --smoke version as CI does and checks what it leaves behind. */
final class SmokeRun {
    private final String experiment;
    private final Path results;

    SmokeRun(String experiment, Path results) {
        this.experiment = experiment;
        this.results = results;
    }

    /** Runs {@code bench/run EXPERIMENT --smoke --results DIR}; asserts it exits with 0. */
    SmokeRun run() {
        int exit = Bench.commandLine().execute(experiment, "--smoke", "--results", results.toString());
        assertThat(exit).as("exit code of bench/run " + experiment + " --smoke").isZero();
        return this;
    }

    /** The CSV file's data rows (header excluded), after checking it has {@code rows} of them. */
    List<String> csvRows(String file, int rows) throws IOException {
        Path csv = results.resolve(experiment).resolve(file);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).as(csv.toString()).hasSize(rows + 1);
        return lines.subList(1, lines.size());
    }

    void hasPng(String file) throws IOException {
        Path png = results.resolve(experiment).resolve(file);
        assertThat(png).exists();
        byte[] head = Files.readAllBytes(png);
        assertThat(head.length).as(png + " size").isGreaterThan(1000);
        assertThat(new String(head, 1, 3, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("PNG");
    }

    /** The experiment's metrics in DIR/latest.json, after checking each has both figures and a ratio. */
    JsonNode metrics(int count) throws IOException {
        JsonNode entry = new ObjectMapper()
                .readTree(results.resolve("latest.json").toFile())
                .path("experiments")
                .path(experiment);
        assertThat(entry.path("command").asText()).isEqualTo("bench/run " + experiment + " --smoke");
        JsonNode metrics = entry.path("metrics");
        assertThat(metrics.size()).isEqualTo(count);
        for (JsonNode m : metrics) {
            for (String field : List.of("carillon", "reference", "ratio")) {
                assertThat(m.path(field).isNumber())
                        .as(m.path("name").asText() + "." + field + " in " + m)
                        .isTrue();
                assertThat(m.path(field).asDouble())
                        .as(m.path("name").asText() + "." + field)
                        .isPositive();
            }
        }
        return metrics;
    }
}
