package org.carillon.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Path2D;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart written as a PNG: a few named series of (x, y) points, linear axes (or a
 * logarithmic x axis for latency distributions), ticks at round numbers and a legend. Small on
 * purpose: the benchmarks need CDFs and figure-versus-parameter curves, nothing more.
 */
public final class LineChart {
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0x17becf), new Color(0x7f7f7f)
    };
    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;

    private record Series(String name, double[] xs, double[] ys, boolean markers) {}

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private boolean logX;

    public LineChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public LineChart logX() {
        this.logX = true;
        return this;
    }

    public LineChart line(String name, double[] xs, double[] ys) {
        return add(new Series(name, xs, ys, false));
    }

    /** A line with a marker at each point, for a handful of measured points. */
    public LineChart points(String name, double[] xs, double[] ys) {
        return add(new Series(name, xs, ys, true));
    }

    /** The empirical CDF of {@code samples} (x: value, y: fraction of samples at most x). */
    public LineChart cdf(String name, double[] samples) {
        double[] sorted = samples.clone();
        java.util.Arrays.sort(sorted);
        double[] ys = new double[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            ys[i] = (i + 1) / (double) sorted.length;
        }
        return add(new Series(name, sorted, ys, false));
    }

    private LineChart add(Series s) {
        if (s.xs.length != s.ys.length) {
            throw new IllegalArgumentException(s.name + ": " + s.xs.length + " x values, " + s.ys.length + " y values");
        }
        series.add(s);
        return this;
    }

    public void write(Path png) {
        PngCanvas.write(png, WIDTH, HEIGHT, this::draw);
    }

    private void draw(Graphics2D g) {
        double[] xr = range(true);
        double[] yr = range(false);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(Color.BLACK);
        PngCanvas.centred(g, title, LEFT + plotW / 2, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();

        // grid and ticks
        for (double t : ticks(yr[0], yr[1], false)) {
            int y = TOP + plotH - (int) Math.round((t - yr[0]) / (yr[1] - yr[0]) * plotH);
            g.setColor(new Color(0xe8e8e8));
            g.drawLine(LEFT, y, LEFT + plotW, y);
            g.setColor(Color.DARK_GRAY);
            String s = label(t);
            g.drawString(s, LEFT - 8 - fm.stringWidth(s), y + fm.getAscent() / 2 - 1);
        }
        for (double t : ticks(xr[0], xr[1], logX)) {
            int x = LEFT + (int) Math.round((scaleX(t) - scaleX(xr[0])) / (scaleX(xr[1]) - scaleX(xr[0])) * plotW);
            g.setColor(new Color(0xe8e8e8));
            g.drawLine(x, TOP, x, TOP + plotH);
            g.setColor(Color.DARK_GRAY);
            PngCanvas.centred(g, label(t), x, TOP + plotH + 18);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, plotW, plotH);
        PngCanvas.centred(g, xLabel + (logX ? " (log scale)" : ""), LEFT + plotW / 2, HEIGHT - 25);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        PngCanvas.centred(rotated, yLabel, -(TOP + plotH / 2), 22);
        rotated.dispose();

        // series
        g.setStroke(new BasicStroke(2f));
        int legendY = TOP + 18;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            g.setColor(PALETTE[i % PALETTE.length]);
            Path2D.Double path = new Path2D.Double();
            for (int k = 0; k < s.xs.length; k++) {
                double px = LEFT + (scaleX(s.xs[k]) - scaleX(xr[0])) / (scaleX(xr[1]) - scaleX(xr[0])) * plotW;
                double py = TOP + plotH - (s.ys[k] - yr[0]) / (yr[1] - yr[0]) * plotH;
                if (k == 0) {
                    path.moveTo(px, py);
                } else {
                    path.lineTo(px, py);
                }
                if (s.markers) {
                    g.fillOval((int) px - 4, (int) py - 4, 8, 8);
                }
            }
            g.draw(path);
            int lx = LEFT + plotW - 230;
            g.drawLine(lx, legendY - 4, lx + 24, legendY - 4);
            g.setColor(Color.BLACK);
            g.drawString(s.name, lx + 32, legendY);
            legendY += 18;
        }
    }

    private double scaleX(double x) {
        return logX ? Math.log10(Math.max(x, 1e-9)) : x;
    }

    private double[] range(boolean x) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : x ? s.xs : s.ys) {
                if (Double.isFinite(v) && !(x && logX && v <= 0)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) {
            return new double[] {x && logX ? 1 : 0, x && logX ? 10 : 1};
        }
        if (!(x && logX) && lo > 0 && lo < hi * 0.5) {
            lo = 0; // start linear axes at zero unless the data sits far from it
        }
        if (lo == hi) {
            hi = lo + (lo == 0 ? 1 : Math.abs(lo) * 0.1);
        }
        return new double[] {lo, hi};
    }

    private static List<Double> ticks(double lo, double hi, boolean log) {
        List<Double> ticks = new ArrayList<>();
        if (log) {
            for (double d = Math.pow(10, Math.floor(Math.log10(lo))); d <= hi * 1.0001 && ticks.size() < 12; d *= 10) {
                for (double m : new double[] {1, 2, 5}) {
                    double t = d * m;
                    if (t >= lo * 0.9999 && t <= hi * 1.0001) {
                        ticks.add(t);
                    }
                }
            }
            return ticks;
        }
        double raw = (hi - lo) / 6;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = magnitude * (raw / magnitude < 2 ? 2 : raw / magnitude < 5 ? 5 : 10);
        for (double t = Math.ceil(lo / step) * step; t <= hi + step * 1e-6 && ticks.size() < 20; t += step) {
            ticks.add(Math.abs(t) < step * 1e-9 ? 0 : t);
        }
        return ticks;
    }

    private static String label(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e7) {
            return String.format(Locale.ROOT, "%d", (long) v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
