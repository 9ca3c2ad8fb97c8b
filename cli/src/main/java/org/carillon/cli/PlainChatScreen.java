package org.carillon.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.util.Optional;
import org.jline.utils.AttributedString;

/** The chat without a terminal: lines from stdin, plain text out (no colours), for scripts and tests. */
final class PlainChatScreen implements ChatScreen {
    private final BufferedReader in;
    private final PrintWriter out;

    PlainChatScreen(Reader in, PrintWriter out) {
        this.in = new BufferedReader(in);
        this.out = out;
    }

    @Override
    public void show(AttributedString line) {
        synchronized (out) {
            out.println(line.toString());
            out.flush();
        }
    }

    @Override
    public void peerTyping(Optional<String> note) {
        note.ifPresent(n -> show(new AttributedString("* " + n)));
    }

    @Override
    public String readLine() throws IOException {
        return in.readLine();
    }

    @Override
    public void close() {
        out.flush();
    }
}
