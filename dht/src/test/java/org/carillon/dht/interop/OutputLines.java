package org.carillon.dht.interop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The output of a child process, line by line, safe to read from test threads while a reader
 * thread appends. Lines are numbered from 0; a <em>mark</em> is the number of lines seen so far
 * (the index the next line will get), so {@code awaitLineAfter(mark, ...)} only looks at output
 * produced after the mark was taken.
 */
public final class OutputLines {
    private static final int TAIL_LINES = 40;
    private static final Pattern WHOLE_LINE = Pattern.compile("(?s).*");

    private final String name;
    private final List<String> lines = new ArrayList<>();
    private boolean ended;

    public OutputLines(String name) {
        this.name = name;
    }

    /** A line that matched, with its index and the regex match (groups). */
    public record LineMatch(int index, String line, MatchResult match) {
        public String group(int group) {
            return match.group(group);
        }
    }

    synchronized void add(String line) {
        lines.add(line);
        notifyAll();
    }

    /** Called when the process closed its output (it exited or is about to). */
    synchronized void end() {
        ended = true;
        notifyAll();
    }

    public synchronized boolean ended() {
        return ended;
    }

    /** The index the next line will get. */
    public synchronized int mark() {
        return lines.size();
    }

    public synchronized List<String> all() {
        return List.copyOf(lines);
    }

    /** Lines from index {@code from} (inclusive) to {@code to} (exclusive, clamped). */
    public synchronized List<String> range(int from, int to) {
        return List.copyOf(lines.subList(Math.min(from, lines.size()), Math.min(to, lines.size())));
    }

    public synchronized List<String> since(int mark) {
        return range(mark, lines.size());
    }

    /** The first line at or after {@code from} for which {@code pattern.find()} succeeds. */
    public synchronized Optional<LineMatch> findAfter(int from, Pattern pattern) {
        for (int i = Math.max(0, from); i < lines.size(); i++) {
            Matcher m = pattern.matcher(lines.get(i));
            if (m.find()) {
                return Optional.of(new LineMatch(i, lines.get(i), m.toMatchResult()));
            }
        }
        return Optional.empty();
    }

    /**
     * Waits until a line at or after index {@code from} matches {@code pattern} (by {@link
     * Matcher#find()}). Fails with an {@link AssertionError} showing the tail of the output when
     * {@code timeout} passes or the output ends first.
     */
    public LineMatch awaitMatch(int from, Pattern pattern, Duration timeout) {
        return awaitFirst(
                from,
                line -> {
                    Matcher m = pattern.matcher(line);
                    return m.find() ? m.toMatchResult() : null;
                },
                "line matching /" + pattern + "/",
                timeout);
    }

    /** Like {@link #awaitMatch} for any condition on a line; {@code what} names it in failures. */
    public LineMatch awaitLine(int from, Predicate<String> condition, String what, Duration timeout) {
        return awaitFirst(
                from,
                line -> {
                    if (!condition.test(line)) {
                        return null;
                    }
                    Matcher m = WHOLE_LINE.matcher(line);
                    m.matches();
                    return m.toMatchResult();
                },
                what,
                timeout);
    }

    private synchronized LineMatch awaitFirst(
            int from, Function<String, MatchResult> matcher, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int next = Math.max(0, from);
        while (true) {
            for (; next < lines.size(); next++) {
                MatchResult r = matcher.apply(lines.get(next));
                if (r != null) {
                    return new LineMatch(next, lines.get(next), r);
                }
            }
            if (ended) {
                throw new AssertionError(name + ": output ended before a " + what + " appeared\n" + tail());
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(name + ": no " + what + " within " + timeout.toMillis()
                        + " ms (looking from line " + from + ")\n" + tail());
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(name + ": interrupted while waiting for a " + what, e);
            }
        }
    }

    /** The last lines of output, formatted for a failure message. */
    public synchronized String tail() {
        return tail(TAIL_LINES);
    }

    public synchronized String tail(int count) {
        StringBuilder sb = new StringBuilder("--- last lines of " + name + " ---\n");
        for (int i = Math.max(0, lines.size() - count); i < lines.size(); i++) {
            sb.append(String.format("%5d| %s%n", i, lines.get(i)));
        }
        return sb.append("--- end of ")
                .append(name)
                .append(ended ? " (output closed) ---" : " ---")
                .toString();
    }

    @Override
    public String toString() {
        return "OutputLines[" + name + ", " + mark() + " lines]";
    }
}
