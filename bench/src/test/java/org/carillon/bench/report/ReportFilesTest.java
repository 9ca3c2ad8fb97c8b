package org.carillon.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportFilesTest {
    @TempDir
    Path dir;

    @Test
    void latestFiguresKeepOneObjectPerExperimentAndReplaceOnlyTheOneThatRan() throws Exception {
        Path file = dir.resolve("docs/latest.json");
        LatestFigures.update(file, figures("a", 10, 20));
        LatestFigures.update(file, figures("b", 1, 4));
        LatestFigures.update(file, figures("a", 30, 20));

        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertThat(root.get("experiments").size()).isEqualTo(2);
        JsonNode a = root.get("experiments").get("a").get("metrics").get(0);
        assertThat(a.get("carillon").asDouble()).isEqualTo(30);
        assertThat(a.get("reference").asDouble()).isEqualTo(20);
        assertThat(a.get("ratio").asDouble()).isEqualTo(1.5);
        assertThat(a.get("better").asText()).isEqualTo("lower");
        assertThat(root.get("experiments")
                        .get("b")
                        .get("metrics")
                        .get(0)
                        .get("ratio")
                        .asDouble())
                .isEqualTo(0.25);
        assertThat(root.get("experiments")
                        .get("a")
                        .get("parameters")
                        .get("nodes")
                        .asInt())
                .isEqualTo(25);
    }

    @Test
    void aCorruptLatestFileIsReportedWithItsPath() throws Exception {
        Path file = dir.resolve("latest.json");
        Files.writeString(file, "{ not json");
        assertThatThrownBy(() -> LatestFigures.update(file, figures("a", 1, 1)))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not valid JSON");
        assertThat(Files.readString(file)).isEqualTo("{ not json");
    }

    @Test
    void aMetricWithoutReferenceHasNoRatio() {
        assertThat(Metric.alone("success", "%", Metric.Better.HIGHER, 99.9).ratio())
                .isNull();
        assertThat(Metric.compared("x", "ms", Metric.Better.LOWER, 1, 0).ratio())
                .isNull();
        Metric unmeasured = Metric.compared("x", "ms", Metric.Better.LOWER, Double.NaN, 2);
        assertThat(unmeasured.carillon()).as("NaN is no figure: JSON null").isNull();
        assertThat(unmeasured.ratio()).isNull();
        assertThat(Metric.alone("hops", "hops", Metric.Better.LOWER, Double.NaN).carillon())
                .isNull();
    }

    @Test
    void csvQuotesCellsThatNeedIt() throws Exception {
        Path file = dir.resolve("out/x.csv");
        try (CsvFile csv = new CsvFile(file, "name", "value")) {
            csv.row("a,b", 1.5);
            csv.row("say \"hi\"", 2);
            assertThatThrownBy(() -> csv.row("too few")).hasMessageContaining("1 cells for 2 columns");
        }
        assertThat(Files.readAllLines(file)).containsExactly("name,value", "\"a,b\",1.50000", "\"say \"\"hi\"\"\",2");
    }

    @Test
    void chartsAreReadablePngsWithTheSeriesDrawn() throws Exception {
        Path png = dir.resolve("plots/cdf.png");
        new LineChart("latency", "ms", "fraction")
                .logX()
                .cdf("carillon", new double[] {1, 2, 3, 5, 8, 13})
                .cdf("opendht", new double[] {2, 4, 6, 10, 16, 26})
                .write(png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(900);
        long coloured = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                if (rgb == 0x1f77b4 || rgb == 0xd62728) {
                    coloured++;
                }
            }
        }
        assertThat(coloured).as("pixels of the two series' colours").isGreaterThan(200);
    }

    @Test
    void progressOffATerminalPrintsTenLinesAtMost() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), "ops", 1000, false)) {
            for (int i = 0; i < 1000; i++) {
                p.step();
            }
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSizeBetween(10, 11);
        assertThat(lines.get(lines.size() - 1)).contains("100%").contains("1000/1000");
    }

    @Test
    void theTableSaysWhichRatiosAreBetter() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RatioTable.print(
                new PrintStream(bytes, true, StandardCharsets.UTF_8),
                "t",
                List.of(
                        Metric.compared("latency_p50", "ms", Metric.Better.LOWER, 1, 2),
                        Metric.compared("throughput", "req/s", Metric.Better.HIGHER, 1, 2)));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).containsPattern("latency_p50 \\(ms\\) .* 0\\.50  better");
        assertThat(out).containsPattern("throughput \\(req/s\\) .* 0\\.50  worse");
    }

    @Test
    void percentilesAreNearestRank() {
        Percentiles p = Percentiles.of(List.of(5.0, 1.0, 4.0, 2.0, 3.0, 6.0, 7.0, 8.0, 9.0, 10.0));
        assertThat(p.at(50)).isEqualTo(5.0);
        assertThat(p.at(99)).isEqualTo(10.0);
        assertThat(p.at(0)).isEqualTo(1.0);
        assertThat(Percentiles.of(List.<Double>of()).at(50)).isNaN();
    }

    private static ExperimentFigures figures(String name, double carillon, double reference) {
        return new ExperimentFigures(
                name,
                "bench/run " + name,
                "2026-11-23T00:00:00Z",
                Map.of("cores", "2"),
                Map.of("nodes", 25),
                List.of(Metric.compared("latency_p50", "ms", Metric.Better.LOWER, carillon, reference)));
    }
}
