package org.carillon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.carillon.dht.interop.InteropPeers;

/** What the smoke ITs of the loopback experiments check after running one through {@link Bench}. */
final class LoopbackSmokeCheck {
    private LoopbackSmokeCheck() {}

    /** Skips (or, with -Dinterop.required=true, fails) without dhtnode and python3-opendht. */
    static void requirePeers() {
        InteropPeers.requireDhtnode();
        InteropPeers.requirePythonOpendht();
    }

    static void runAndCheck(
            Path results, String experiment, List<String> csvFiles, List<String> pngFiles, List<String> metrics)
            throws Exception {
        int exit = Bench.commandLine().execute(experiment, "--smoke", "--results", results.toString());
        assertThat(exit).as("exit code of bench/run %s --smoke", experiment).isZero();
        Path folder = results.resolve(experiment);
        for (String csv : csvFiles) {
            assertThat(Files.readAllLines(folder.resolve(csv))).as(csv).hasSizeGreaterThan(1);
        }
        for (String png : pngFiles) {
            assertThat(Files.size(folder.resolve(png))).as(png).isPositive();
        }
        JsonNode entry = new ObjectMapper()
                .readTree(results.resolve("latest.json").toFile())
                .get("experiments")
                .get(experiment);
        assertThat(entry).as("latest.json entry of " + experiment).isNotNull();
        for (String name : metrics) {
            JsonNode metric = null;
            for (JsonNode m : entry.get("metrics")) {
                if (m.get("name").asText().equals(name)) {
                    metric = m;
                }
            }
            assertThat(metric).as("metric " + name).isNotNull();
            assertThat(metric.get("carillon").isNumber()).as(name + " carillon").isTrue();
            // a smoke run is so short that the dhtnodes may use no CPU tick at all: no ratio then
            if (metric.get("reference").isNumber() && metric.get("reference").asDouble() != 0) {
                assertThat(metric.get("ratio").isNumber()).as(name + " ratio").isTrue();
            }
        }
    }
}
