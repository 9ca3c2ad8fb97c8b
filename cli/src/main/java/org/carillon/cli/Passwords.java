package org.carillon.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where an archive password comes from: a file, standard input, or a prompt. Never an option
 * value: that would show in {@code ps} and in shell history.
 */
final class Passwords {
    @Option(
            names = "--password-file",
            paramLabel = "FILE",
            description = "Read the archive password from the first line of FILE.")
    Path file;

    @Option(
            names = "--password-stdin",
            description = "Read the archive password from the first line of standard input.")
    boolean stdin;

    @Option(names = "--ask-password", description = "Ask for the archive password on the terminal.")
    boolean ask;

    /** The password, or null when none was asked for (a plain archive). */
    char[] read(boolean confirm) throws IOException {
        if (file != null) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IOException("cannot read the password file " + file + ": " + e.getMessage(), e);
            }
            if (lines.isEmpty() || lines.get(0).isEmpty()) {
                throw new CommandError("the password file " + file + " is empty");
            }
            return lines.get(0).toCharArray();
        }
        if (stdin) {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isEmpty()) {
                throw new CommandError("no password on standard input");
            }
            return line.toCharArray();
        }
        if (ask) {
            Console console = System.console();
            if (console == null) {
                throw new CommandError("--ask-password needs a terminal: use --password-file or --password-stdin");
            }
            char[] password = console.readPassword("Archive password: ");
            if (confirm && !java.util.Arrays.equals(password, console.readPassword("Again: "))) {
                throw new CommandError("the two passwords differ");
            }
            return password;
        }
        return null;
    }
}
