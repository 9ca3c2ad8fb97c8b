package org.carillon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.carillon.dht.interop.InteropPeers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The storage throughput experiment's tiny run: a Carillon node process and a real dhtnode -U. */
class StorageThroughputSmokeIT {
    @TempDir
    Path results;

    @Test
    @Timeout(60)
    void smokeRunMeasuresBothNodesAndWritesItsFiles() throws Exception {
        InteropPeers.requireDhtnode();

        int exit = Bench.commandLine().execute("storage-throughput", "--smoke", "--results", results.toString());

        assertThat(exit).isZero();
        Path folder = results.resolve("storage-throughput");
        List<String> rows = Files.readAllLines(folder.resolve("steps.csv"));
        assertThat(rows.get(0)).startsWith("side,operation,offered_per_s");
        // both sides, both operations, both smoke rates (a step may have been measured twice)
        for (String side : List.of("Carillon", "OpenDHT")) {
            for (String op : List.of("get", "put")) {
                for (String rate : List.of("200", "500")) {
                    assertThat(rows).anyMatch(r -> r.startsWith(side + "," + op + "," + rate + ","));
                }
            }
        }
        // every request was answered by a reply, none by an error: the client is well-formed
        List<String> header = List.of(rows.get(0).split(","));
        int errors = header.indexOf("errors");
        int answered = header.indexOf("answered");
        int emptyGets = header.indexOf("empty_get_replies");
        for (String row : rows.subList(1, rows.size())) {
            String[] cells = row.split(",");
            assertThat(Integer.parseInt(cells[errors])).as(row).isZero();
            assertThat(Integer.parseInt(cells[answered])).as(row).isPositive();
            assertThat(Integer.parseInt(cells[emptyGets])).as(row).isZero();
        }
        for (String png : List.of("p99-latency.png", "answered-rate.png")) {
            BufferedImage image = ImageIO.read(folder.resolve(png).toFile());
            assertThat(image).as(png).isNotNull();
            assertThat(image.getWidth()).isPositive();
        }

        JsonNode experiment = new ObjectMapper()
                .readTree(results.resolve("latest.json").toFile())
                .get("experiments")
                .get("storage-throughput");
        assertThat(experiment.get("command").asText()).isEqualTo("bench/run storage-throughput --smoke");
        List<String> names = new ArrayList<>();
        for (JsonNode m : experiment.get("metrics")) {
            names.add(m.get("name").asText());
            assertThat(m.get("carillon").isNumber()).as(m.toString()).isTrue();
            assertThat(m.get("reference").isNumber()).as(m.toString()).isTrue();
            assertThat(m.get("ratio").isNumber()).as(m.toString()).isTrue();
        }
        assertThat(names)
                .contains(
                        "get_rate_sustained_max",
                        "put_rate_sustained_max",
                        "get_latency_p99_at_common_rate",
                        "put_node_cpu_per_request",
                        "put_stored_fraction");
        // puts were acknowledged and kept by both nodes
        JsonNode stored = experiment.get("metrics").findParents("name").stream()
                .filter(m -> m.get("name").asText().equals("put_stored_fraction"))
                .findFirst()
                .orElseThrow();
        assertThat(stored.get("carillon").asDouble()).isEqualTo(1.0);
        assertThat(stored.get("reference").asDouble()).isEqualTo(1.0);
    }
}
