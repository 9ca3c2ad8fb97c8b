package org.carillon.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BarChartTest {
    @TempDir
    Path dir;

    @Test
    void eachSeriesGetsBarsAsHighAsItsValues() throws Exception {
        Path png = dir.resolve("bars.png");
        new BarChart("rates", "ops/s", List.of("sign", "verify"))
                .series("carillon", new double[] {100, 100})
                .series("opendht", new double[] {100, 400})
                .write(png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1000);
        assertThat(pixels(image, 0x1f77b4)).isGreaterThan(1000);
        // opendht: one bar as high as carillon's, one four times as high -> 2.5 times the pixels
        double ratio = pixels(image, 0xd62728) / (double) pixels(image, 0x1f77b4);
        assertThat(ratio).isBetween(2.2, 2.8);
    }

    @Test
    void aLogarithmicAxisDrawsValuesDecadesApart() throws Exception {
        Path png = dir.resolve("log.png");
        new BarChart("rates", "ops/s", List.of("a", "b"))
                .logY()
                .series("one", new double[] {10, 100_000})
                .series("two", new double[] {Double.NaN, 50})
                .write(png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(pixels(image, 0x1f77b4)).isGreaterThan(pixels(image, 0xd62728));
        assertThat(pixels(image, 0xd62728)).isPositive();
    }

    @Test
    void aSeriesMustHaveOneValuePerCategory() {
        BarChart chart = new BarChart("t", "y", List.of("a", "b"));
        assertThatThrownBy(() -> chart.series("short", new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 values, 2 categories");
    }

    private static long pixels(BufferedImage image, int rgb) {
        long n = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }
}
