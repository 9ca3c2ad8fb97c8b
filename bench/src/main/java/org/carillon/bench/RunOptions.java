package org.carillon.bench;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.carillon.bench.report.ExperimentFigures;
import org.carillon.bench.report.LatestFigures;
import org.carillon.bench.report.Machine;
import org.carillon.bench.report.Metric;
import org.carillon.bench.report.RatioTable;
import picocli.CommandLine.Option;

/** Options every experiment takes, and how an experiment hands in its figures. */
public final class RunOptions {
    @Option(
            names = "--results",
            paramLabel = "DIR",
            description =
                    "Folder for CSV files and plots; the experiment writes into DIR/<experiment> (default: ${DEFAULT-VALUE}).")
    Path results = Path.of("bench/results");

    @Option(
            names = "--latest",
            paramLabel = "FILE",
            description = "Headline figures file to update (default: ${DEFAULT-VALUE}; with --smoke: DIR/latest.json).")
    Path latest;

    @Option(
            names = "--smoke",
            description = "A tiny run that only proves the harness works (what CI runs); its figures mean nothing.")
    boolean smoke;

    @Option(
            names = "--seed",
            paramLabel = "N",
            description = "Seed of the workload and of simulations (default: ${DEFAULT-VALUE}).")
    long seed = 2026;

    public boolean smoke() {
        return smoke;
    }

    public long seed() {
        return seed;
    }

    /** The folder for this experiment's CSV files and plots. */
    public Path folder(String experiment) {
        return results.resolve(experiment);
    }

    Path latestFile() {
        if (latest != null) {
            return latest;
        }
        return smoke ? results.resolve("latest.json") : Path.of("docs/benchmarks/latest.json");
    }

    /**
     * Records the headline figures of a finished run in the latest-figures file and prints them
     * as a table with ratios.
     */
    public void report(String experiment, String command, Map<String, Object> parameters, List<Metric> metrics) {
        report(experiment, command, "OpenDHT", parameters, metrics);
    }

    /** As {@link #report(String, String, Map, List)}, with the reference named {@code reference} in the table. */
    public void report(
            String experiment, String command, String reference, Map<String, Object> parameters, List<Metric> metrics) {
        ExperimentFigures figures = new ExperimentFigures(
                experiment,
                command + (smoke ? " --smoke" : ""),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                Machine.describe(),
                parameters,
                metrics);
        Path file = latestFile();
        LatestFigures.update(file, figures);
        RatioTable.print(System.out, experiment + (smoke ? " (smoke run)" : ""), reference, metrics);
        System.out.println("\nfigures: " + file + "   CSV and plots: " + folder(experiment));
    }
}
