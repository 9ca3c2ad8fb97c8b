package org.carillon.bench.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** A CSV file written row by row, so a long experiment leaves its rows even if stopped. */
public final class CsvFile implements AutoCloseable {
    private final Path path;
    private final BufferedWriter out;
    private final int columns;

    public CsvFile(Path path, String... header) {
        this.path = path;
        this.columns = header.length;
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            this.out = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
            line(List.of(header));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    public void row(Object... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException(
                    path.getFileName() + ": " + cells.length + " cells for " + columns + " columns");
        }
        line(List.of(cells));
    }

    private void line(List<?> cells) {
        try {
            out.write(cells.stream().map(CsvFile::cell).collect(Collectors.joining(",")));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    private static String cell(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double d) {
            return d.isNaN() ? "" : String.format(Locale.ROOT, "%.6g", d);
        }
        String s = v.toString();
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + path + ": " + e.getMessage(), e);
        }
    }
}
