package org.carillon.cli;

import java.io.PrintWriter;

/**
 * Where the console's output goes, a whole block of lines at a time so that results arriving
 * on other threads never interleave inside a block. The terminal prints above its prompt;
 * scripts get stdout and stderr.
 */
interface ConsoleSink {
    /** Prints {@code block} (one or more lines, no trailing newline). */
    void print(String block);

    /** Prints an error message; scripts see it on stderr. */
    void printError(String block);

    /** A sink on two writers, safe to call from any thread. */
    static ConsoleSink of(PrintWriter out, PrintWriter err) {
        return new ConsoleSink() {
            @Override
            public void print(String block) {
                synchronized (this) {
                    out.println(block);
                    out.flush();
                }
            }

            @Override
            public void printError(String block) {
                synchronized (this) {
                    out.flush();
                    err.println(block);
                    err.flush();
                }
            }
        };
    }
}
