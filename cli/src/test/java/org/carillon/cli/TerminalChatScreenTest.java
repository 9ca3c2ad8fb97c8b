package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;

/** The chat's terminal side on a terminal made of pipes: what the keys do, what comes above the line. */
class TerminalChatScreenTest {
    private final PipedOutputStream keys = new PipedOutputStream();
    private final ByteArrayOutputStream display = new ByteArrayOutputStream();
    private final List<Boolean> edits = new CopyOnWriteArrayList<>();

    private TerminalChatScreen screen() throws IOException {
        Terminal terminal = TerminalBuilder.builder()
                .system(false)
                .streams(new PipedInputStream(keys), display)
                .type("xterm-256color")
                .size(new org.jline.terminal.Size(100, 30))
                .build();
        return TerminalChatScreen.on(terminal, "> ", edits::add);
    }

    /** Types once the prompt is up: keys typed earlier are taken as the terminal's answers to JLine's probes. */
    private void type(String text) throws IOException, InterruptedException {
        awaitShown("> ");
        keys.write(text.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    private String shown() {
        return display.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyKeyThatChangesTheLineIsHeardWithWhetherTheLineIsEmpty() throws Exception {
        try (TerminalChatScreen screen = screen()) {
            CompletableFuture<String> line = CompletableFuture.supplyAsync(screen::readLine);
            type("hi\u007f\u007fok\r");
            assertThat(line.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
            assertThat(edits).containsExactly(false, false, false, true, false, false);
        }
    }

    @Test
    void linesThatArriveAreShownAboveWhatIsBeingTypedAndTheTypedTextStays() throws Exception {
        try (TerminalChatScreen screen = screen()) {
            CompletableFuture<String> line = CompletableFuture.supplyAsync(screen::readLine);
            type("half a sent");
            awaitShown("half a sent");
            screen.show(new AttributedString("[1] 12:00 b0b0b0b0: incoming!"));
            screen.peerTyping(Optional.of("b0b0b0b0 is typing…"));
            awaitShown("b0b0b0b0 is typing…");
            type("ence\r");
            assertThat(line.get(10, TimeUnit.SECONDS)).isEqualTo("half a sentence");
            String out = shown();
            assertThat(out.indexOf("incoming!")).isGreaterThan(out.indexOf("half a sent"));
            assertThat(out.lastIndexOf("half a sent"))
                    .as("the typed text is drawn again after the line above")
                    .isGreaterThan(out.indexOf("incoming!"));
        }
    }

    private void awaitShown(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!shown().contains(text)) {
            assertThat(System.nanoTime())
                    .as("'" + text + "' not shown; the display:\n" + shown())
                    .isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
