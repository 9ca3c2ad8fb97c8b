package org.carillon.bench.report;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar on stderr for long experiments. On a terminal it redraws one line; otherwise
 * (CI logs, pipes) it prints a line at every tenth of the way, so logs stay short.
 */
public final class Progress implements AutoCloseable {
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String task;
    private final long total;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private long done;
    private int lastTenth = -1;

    public Progress(String task, long total) {
        this(System.err, task, total, System.console() != null);
    }

    Progress(PrintStream out, String task, long total, boolean terminal) {
        this.out = out;
        this.task = task;
        this.total = Math.max(1, total);
        this.terminal = terminal;
        draw();
    }

    public synchronized void step(long n) {
        done = Math.min(total, done + n);
        draw();
    }

    public void step() {
        step(1);
    }

    private void draw() {
        int tenth = (int) (done * 10 / total);
        if (!terminal && tenth == lastTenth) {
            return;
        }
        lastTenth = tenth;
        int filled = (int) (done * WIDTH / total);
        double seconds = (System.nanoTime() - started) / 1e9;
        String eta = done == 0 ? "?" : String.format(Locale.ROOT, "%.0fs", seconds * (total - done) / done);
        String line = String.format(
                Locale.ROOT,
                "%s [%s%s] %3d%% %d/%d  %.0fs elapsed, %s left",
                task,
                "#".repeat(filled),
                ".".repeat(WIDTH - filled),
                done * 100 / total,
                done,
                total,
                seconds,
                eta);
        if (terminal) {
            out.print("\r" + line);
        } else {
            out.println(line);
        }
        out.flush();
    }

    @Override
    public void close() {
        if (terminal) {
            out.println();
        }
    }
}
