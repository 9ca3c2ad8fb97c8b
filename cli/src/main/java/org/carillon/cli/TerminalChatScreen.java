package org.carillon.cli;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.Widget;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.reader.impl.history.DefaultHistory;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;

/**
 * The chat on a terminal (JLine): line editing, the lines typed this session as history (never
 * written to disk: they are messages), lines that arrive printed above the one being typed, and
 * the peer's typing shown at the right of the prompt.
 */
final class TerminalChatScreen implements ChatScreen {
    /** The widgets that change the line: after each, the chat hears whether it is empty. */
    private static final List<String> EDITING = List.of(
            LineReader.SELF_INSERT,
            LineReader.BACKWARD_DELETE_CHAR,
            LineReader.DELETE_CHAR,
            LineReader.BACKWARD_KILL_WORD,
            LineReader.KILL_WORD,
            LineReader.KILL_LINE,
            LineReader.KILL_WHOLE_LINE,
            LineReader.YANK);

    private final Terminal terminal;
    private final LineReaderImpl reader;
    private final String prompt;
    private volatile String rightPrompt = "";

    private TerminalChatScreen(Terminal terminal, LineReaderImpl reader, String prompt) {
        this.terminal = terminal;
        this.reader = reader;
        this.prompt = prompt;
    }

    /** {@code onEdit} hears, after every key that changed the line, whether the line is now empty. */
    static TerminalChatScreen open(String prompt, Consumer<Boolean> onEdit) throws IOException {
        return on(TerminalBuilder.builder().system(true).build(), prompt, onEdit);
    }

    /** On a given terminal (tests give one on pipes); closing the screen closes it. */
    static TerminalChatScreen on(Terminal terminal, String prompt, Consumer<Boolean> onEdit) {
        LineReaderImpl reader = (LineReaderImpl) LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("carillon chat")
                .history(new DefaultHistory())
                .variable(LineReader.HISTORY_FILE_SIZE, 0)
                // a message is text: '!' stays '!', a backslash stays a backslash
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .build();
        for (String name : EDITING) {
            Widget original = reader.getWidgets().get(name);
            if (original != null) {
                reader.getWidgets().put(name, () -> {
                    boolean done = original.apply();
                    onEdit.accept(reader.getBuffer().length() == 0);
                    return done;
                });
            }
        }
        return new TerminalChatScreen(terminal, reader, prompt);
    }

    @Override
    public void show(AttributedString line) {
        reader.printAbove(line);
    }

    /** A sink for log lines, so that they too come above the prompt instead of breaking it. */
    ConsoleSink sink() {
        return new ConsoleSink() {
            @Override
            public void print(String block) {
                reader.printAbove(block);
            }

            @Override
            public void printError(String block) {
                reader.printAbove(new AttributedString(block, AttributedStyle.DEFAULT.foreground(AttributedStyle.RED)));
            }
        };
    }

    @Override
    public void peerTyping(Optional<String> note) {
        rightPrompt = note.map(n -> new AttributedString(n, AttributedStyle.DEFAULT.faint()).toAnsi(terminal))
                .orElse("");
        reader.setRightPrompt(rightPrompt);
        try {
            if (reader.isReading()) {
                reader.callWidget(LineReader.REDRAW_LINE);
                reader.callWidget(LineReader.REDISPLAY);
            }
        } catch (IllegalStateException notReadingAnyMore) {
            // the line was just entered: the next prompt shows the note
        }
    }

    @Override
    public String readLine() {
        try {
            return reader.readLine(prompt, rightPrompt, (Character) null, null);
        } catch (UserInterruptException | EndOfFileException stop) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        terminal.close();
    }
}
