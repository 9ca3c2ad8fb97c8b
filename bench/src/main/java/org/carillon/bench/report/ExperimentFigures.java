package org.carillon.bench.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The headline figures of one run of an experiment: what was run (parameters, the command that
 * reproduces it, the machine), and its metrics. Stored in {@code docs/benchmarks/latest.json}.
 */
public record ExperimentFigures(
        String experiment,
        String command,
        String takenAt,
        Map<String, String> machine,
        Map<String, Object> parameters,
        List<Metric> metrics) {
    public ExperimentFigures {
        machine = new LinkedHashMap<>(machine);
        parameters = new LinkedHashMap<>(parameters);
        metrics = List.copyOf(metrics);
    }
}
