package org.carillon.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.reader.impl.completer.ArgumentCompleter;
import org.jline.reader.impl.completer.NullCompleter;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The console on a terminal: line editing, history (kept in {@code ~/.carillon/dht_history}),
 * verb completion, and results that arrive while the user types printed above the prompt.
 * Everything else is the {@link ConsoleSession}'s.
 */
final class InteractiveConsole implements AutoCloseable {
    static final String PROMPT = ">> ";

    private final Terminal terminal;
    private final LineReader reader;

    private InteractiveConsole(Terminal terminal, LineReader reader) {
        this.terminal = terminal;
        this.reader = reader;
    }

    static InteractiveConsole open(VerbTable verbs) throws IOException {
        Terminal terminal = TerminalBuilder.builder().system(true).build();
        // the session splits lines itself; JLine must neither wait for a closing quote nor eat escapes
        DefaultParser parser = new DefaultParser();
        parser.setEofOnUnclosedQuote(false);
        parser.setEscapeChars(null);
        StringsCompleter names = new StringsCompleter(verbs.all().stream()
                .filter(Verb::listed)
                .flatMap(v -> Stream.concat(Stream.of(v.name()), v.aliases().stream()))
                .toList());
        LineReaderBuilder builder = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("carillon")
                .parser(parser)
                .completer(new ArgumentCompleter(names, NullCompleter.INSTANCE))
                // '!' in a value must stay a '!', not recall history
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true);
        historyFile().ifPresent(file -> builder.variable(LineReader.HISTORY_FILE, file));
        return new InteractiveConsole(terminal, builder.build());
    }

    private static Optional<Path> historyFile() {
        try {
            Path dir = Path.of(System.getProperty("user.home"), ".carillon");
            Files.createDirectories(dir);
            return Optional.of(dir.resolve("dht_history"));
        } catch (IOException | RuntimeException noHome) {
            return Optional.empty(); // history for this session only
        }
    }

    /** Prints above the prompt, errors included: the terminal shows both the same way. */
    ConsoleSink sink() {
        return new ConsoleSink() {
            @Override
            public void print(String block) {
                reader.printAbove(block);
            }

            @Override
            public void printError(String block) {
                reader.printAbove(block);
            }
        };
    }

    /** Reads and runs commands until {@code x}, Ctrl-D or Ctrl-C. */
    void run(ConsoleSession session) {
        while (true) {
            String line;
            try {
                line = reader.readLine(PROMPT);
            } catch (UserInterruptException | EndOfFileException stop) {
                return;
            }
            if (!session.execute(line)) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            reader.getHistory().save();
        } finally {
            terminal.close();
        }
    }
}
