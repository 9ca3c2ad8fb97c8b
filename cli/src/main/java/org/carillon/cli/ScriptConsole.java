package org.carillon.cli;

import java.io.IOException;
import java.io.Reader;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import org.carillon.dht.wire.Family;

/**
 * The console for scripts: commands from {@code -c} or from stdin, one at a time, each
 * waiting (at most {@code timeout}) for the gets, queries and puts it started, so that {@code p}
 * then {@code g} on the same key sees the value. Listens keep printing while later commands run.
 */
final class ScriptConsole {
    /** Longer stdin lines are skipped and reported: a command line is never that long. */
    static final int MAX_LINE = 256 * 1024;

    /** Where the commands come from: {@link #next()} gives null at the end. */
    @FunctionalInterface
    interface Lines {
        String next() throws IOException;

        static Lines of(List<String> commands) {
            Iterator<String> it = commands.iterator();
            return () -> it.hasNext() ? it.next() : null;
        }
    }

    /** How often {@link #awaitConnected} looks at the node. */
    private static final Duration POLL = Duration.ofMillis(50);

    private ScriptConsole() {}

    /**
     * Waits, at most {@code timeout}, until the node has a live peer in either family. OpenDHT's
     * DhtRunner holds operations back while it is still connecting; a script started with
     * {@code -b} needs the same, or its first put would find no node to ask.
     *
     * @return true when connected in time
     */
    static boolean awaitConnected(DhtNode node, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!node.isConnected(Family.IPV4) && !node.isConnected(Family.IPV6)) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(POLL.toMillis());
        }
        return true;
    }

    /**
     * Runs every line until the end, or until {@code x}.
     *
     * @return 0 when every command succeeded, 1 when one was refused or its operation failed
     */
    static int run(ConsoleSession session, Lines lines, Duration timeout) throws IOException, InterruptedException {
        String line;
        while ((line = lines.next()) != null) {
            boolean goOn = session.execute(line);
            session.awaitIdle(timeout);
            if (!goOn) {
                break;
            }
        }
        return session.failed() ? 1 : 0;
    }

    /**
     * Lines of {@code in}, ended by {@code \n}, {@code \r\n} or the end of input; a line longer
     * than {@link #MAX_LINE} is skipped and returned as a marker the session reports as an
     * error, rather than held in memory whole.
     */
    static Lines lines(Reader in, ConsoleSession session) {
        return () -> {
            StringBuilder line = new StringBuilder();
            boolean tooLong = false;
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (line.length() < MAX_LINE) {
                    line.append((char) c);
                } else {
                    tooLong = true;
                }
            }
            if (c < 0 && line.length() == 0 && !tooLong) {
                return null;
            }
            if (tooLong) {
                session.fail();
                session.output().error(null, "line longer than " + MAX_LINE + " characters, skipped");
                return "";
            }
            int end = line.length();
            return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
        };
    }
}
