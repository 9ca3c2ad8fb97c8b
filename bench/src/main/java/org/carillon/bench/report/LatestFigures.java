package org.carillon.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code docs/benchmarks/latest.json}: one object per experiment, replaced when the experiment
 * runs again and left alone otherwise, so the file always holds the newest figures of each.
 *
 * <pre>
 * { "experiments": { "NAME": { "command": ..., "taken_at": ..., "machine": {...},
 *     "parameters": {...},
 *     "metrics": [ { "name", "unit", "better", "carillon", "reference", "ratio" } ] } } }
 * </pre>
 */
public final class LatestFigures {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private LatestFigures() {}

    /** Writes {@code figures} into the file at {@code path}, creating it if needed. */
    public static void update(Path path, ExperimentFigures figures) {
        try {
            ObjectNode root = Files.exists(path) ? read(path) : JSON.createObjectNode();
            ObjectNode experiments =
                    root.has("experiments") ? (ObjectNode) root.get("experiments") : root.putObject("experiments");
            experiments.set(figures.experiment(), toJson(figures));
            Path parent = path.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, "latest", ".json");
            JSON.writeValue(tmp.toFile(), root);
            Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update " + path + ": " + e.getMessage(), e);
        }
    }

    private static ObjectNode read(Path path) throws IOException {
        try {
            if (JSON.readTree(path.toFile()) instanceof ObjectNode o) {
                return o;
            }
        } catch (IOException e) {
            throw new IOException(path + " is not valid JSON (" + e.getMessage() + "); fix or delete it", e);
        }
        throw new IOException(path + " does not hold a JSON object; fix or delete it");
    }

    private static ObjectNode toJson(ExperimentFigures f) {
        ObjectNode o = JSON.createObjectNode();
        o.put("command", f.command());
        o.put("taken_at", f.takenAt());
        o.set("machine", JSON.valueToTree(f.machine()));
        o.set("parameters", JSON.valueToTree(f.parameters()));
        ArrayNode metrics = o.putArray("metrics");
        for (Metric m : f.metrics()) {
            ObjectNode j = metrics.addObject();
            j.put("name", m.name());
            j.put("unit", m.unit());
            j.put("better", m.better().name().toLowerCase(java.util.Locale.ROOT));
            j.put("carillon", m.carillon());
            j.put("reference", m.reference());
            j.put("ratio", m.ratio());
        }
        return o;
    }
}
