package org.carillon.cli;

import java.io.IOException;
import java.util.Optional;
import org.jline.utils.AttributedString;

/** Where {@link Chat} shows its lines and reads what the user types: a terminal, or plain lines for scripts. */
interface ChatScreen extends AutoCloseable {
    /** Shows a line; on a terminal above the line being typed, which stays as it was. */
    void show(AttributedString line);

    /** Shows (or, when empty, clears) that the peer is typing. */
    void peerTyping(Optional<String> note);

    /** The next line the user entered, or null when input ended (Ctrl-D, end of stdin). */
    String readLine() throws IOException;

    @Override
    void close() throws IOException;
}
