package org.carillon.cli;

import java.io.PrintWriter;
import org.carillon.core.account.Progress;

/**
 * A progress bar on one line of standard error ({@code [#####-----] 1/3 account key}), redrawn
 * in place on a terminal; elsewhere (logs, pipes) each step gets a line of its own.
 */
final class ProgressLine implements Progress {
    private static final int WIDTH = 24;

    private final PrintWriter err;
    private final boolean terminal;
    private final long start = System.nanoTime();

    ProgressLine(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public void update(int done, int total, String step) {
        int filled = total <= 0 ? 0 : Math.min(WIDTH, done * WIDTH / total);
        String line = String.format(
                "[%s%s] %d/%d %s (%.1f s)",
                "#".repeat(filled), "-".repeat(WIDTH - filled), done, total, step, (System.nanoTime() - start) / 1e9);
        if (terminal) {
            err.print("\r\033[K" + line + (done >= total ? "\n" : ""));
        } else {
            err.println(line);
        }
        err.flush();
    }
}
