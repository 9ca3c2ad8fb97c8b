package org.carillon.cli;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Stdin for a console under test: lines, and in between them actions the reader runs before it
 * hands out the next line (a put on another node, waiting for output), so that a script can
 * react to what happens.
 */
final class ScriptedStdin extends Reader {
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    private final Deque<Object> steps = new ArrayDeque<>();
    private String current = "";
    private int pos;

    ScriptedStdin line(String line) {
        steps.add(line + "\n");
        return this;
    }

    ScriptedStdin then(Action action) {
        steps.add(action);
        return this;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        while (pos >= current.length()) {
            Object step = steps.poll();
            if (step == null) {
                return -1;
            }
            if (step instanceof Action action) {
                try {
                    action.run();
                } catch (Exception e) {
                    throw new IOException("scripted action failed", e);
                }
            } else {
                current = (String) step;
                pos = 0;
            }
        }
        int n = Math.min(length, current.length() - pos);
        current.getChars(pos, pos + n, buffer, offset);
        pos += n;
        return n;
    }

    @Override
    public void close() {}
}
