package org.carillon.bench.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A grouped bar chart written as a PNG: one group per category (an operation), one bar per
 * series (Carillon, the reference), the value printed above each bar. A logarithmic y axis suits
 * figures that span decades, such as RSA operations per second.
 */
public final class BarChart {
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c)};
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 600;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 60;
    private static final int BOTTOM = 130;

    private record Series(String name, double[] values) {}

    private final String title;
    private final String yLabel;
    private final List<String> categories;
    private final List<Series> series = new ArrayList<>();
    private boolean logY;

    public BarChart(String title, String yLabel, List<String> categories) {
        this.title = title;
        this.yLabel = yLabel;
        this.categories = List.copyOf(categories);
    }

    public BarChart logY() {
        this.logY = true;
        return this;
    }

    /** One bar per category; NaN leaves the bar out. */
    public BarChart series(String name, double[] values) {
        if (values.length != categories.size()) {
            throw new IllegalArgumentException(
                    name + ": " + values.length + " values, " + categories.size() + " categories");
        }
        series.add(new Series(name, values.clone()));
        return this;
    }

    public void write(Path png) {
        PngCanvas.write(png, WIDTH, HEIGHT, this::draw);
    }

    private void draw(Graphics2D g) {
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        double[] range = range();
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(Color.BLACK);
        PngCanvas.centred(g, title, LEFT + plotW / 2, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();

        for (double t : ticks(range)) {
            int y = yOf(t, range, plotH);
            g.setColor(new Color(0xe8e8e8));
            g.drawLine(LEFT, y, LEFT + plotW, y);
            g.setColor(Color.DARK_GRAY);
            String s = label(t);
            g.drawString(s, LEFT - 8 - fm.stringWidth(s), y + fm.getAscent() / 2 - 1);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, plotW, plotH);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        PngCanvas.centred(rotated, yLabel + (logY ? " (log scale)" : ""), -(TOP + plotH / 2), 22);
        rotated.dispose();

        double group = plotW / (double) categories.size();
        double bar = group * 0.8 / Math.max(1, series.size());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        FontMetrics small = g.getFontMetrics();
        for (int c = 0; c < categories.size(); c++) {
            double x0 = LEFT + c * group + group * 0.1;
            for (int s = 0; s < series.size(); s++) {
                double v = series.get(s).values[c];
                if (!Double.isFinite(v) || (logY && v <= 0)) {
                    continue;
                }
                int top = yOf(v, range, plotH);
                int x = (int) Math.round(x0 + s * bar);
                g.setColor(PALETTE[s % PALETTE.length]);
                g.fillRect(x, top, (int) Math.max(1, bar - 2), TOP + plotH - top);
                g.setColor(Color.BLACK);
                String text = label(v);
                g.drawString(text, (int) (x + bar / 2 - small.stringWidth(text) / 2.0), top - 3);
            }
            Graphics2D label = (Graphics2D) g.create();
            label.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            label.translate(LEFT + c * group + group / 2, TOP + plotH + 14);
            label.rotate(-Math.PI / 7);
            label.setColor(Color.BLACK);
            String text = categories.get(c);
            label.drawString(text, -label.getFontMetrics().stringWidth(text), 0);
            label.dispose();
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int legendX = LEFT + 10;
        for (int s = 0; s < series.size(); s++) {
            g.setColor(PALETTE[s % PALETTE.length]);
            g.fillRect(legendX, 38, 14, 12);
            g.setColor(Color.BLACK);
            g.drawString(series.get(s).name, legendX + 20, 49);
            legendX += 40 + fm.stringWidth(series.get(s).name);
        }
    }

    private int yOf(double v, double[] range, int plotH) {
        double f = logY
                ? (Math.log10(v) - Math.log10(range[0])) / (Math.log10(range[1]) - Math.log10(range[0]))
                : (v - range[0]) / (range[1] - range[0]);
        return TOP + plotH - (int) Math.round(f * plotH);
    }

    private double[] range() {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : s.values) {
                if (Double.isFinite(v) && (!logY || v > 0)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) {
            return logY ? new double[] {1, 10} : new double[] {0, 1};
        }
        if (logY) {
            return new double[] {Math.pow(10, Math.floor(Math.log10(lo))), Math.pow(10, Math.ceil(Math.log10(hi * 1.3)))
            };
        }
        return new double[] {0, hi * 1.1};
    }

    private List<Double> ticks(double[] range) {
        List<Double> ticks = new ArrayList<>();
        if (logY) {
            for (double d = range[0]; d <= range[1] * 1.0001 && ticks.size() < 20; d *= 10) {
                ticks.add(d);
            }
            return ticks;
        }
        double raw = (range[1] - range[0]) / 6;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = magnitude * (raw / magnitude < 2 ? 2 : raw / magnitude < 5 ? 5 : 10);
        for (double t = 0; t <= range[1] + step * 1e-6 && ticks.size() < 20; t += step) {
            ticks.add(t);
        }
        return ticks;
    }

    private static String label(double v) {
        double a = Math.abs(v);
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        if (a >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
