package org.carillon.core.account;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short Python check (python3-opendht, zlib ...) and returns what it printed. */
public final class PythonScripts {
    private PythonScripts() {}

    /** Runs {@code script} with {@code args}; fails when it exits non-zero or takes longer than {@code timeout}. */
    public static String run(Path python, String script, Duration timeout, String... args)
            throws IOException, InterruptedException {
        Path file = Files.createTempFile("carillon-check", ".py");
        Path out = Files.createTempFile("carillon-check", ".out");
        try {
            Files.writeString(file, script);
            List<String> command = new ArrayList<>(List.of(python.toString(), file.toString()));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new IOException("python check took longer than " + timeout);
            }
            String printed = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException("python check exited " + p.exitValue() + ":\n" + printed);
            }
            return printed;
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(out);
        }
    }
}
