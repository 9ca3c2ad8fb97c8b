package org.carillon.bench.jmh;

import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Option;

/** How long JMH measures: the options of every JMH-based experiment. */
public final class JmhOptions {
    @Option(
            names = "--forks",
            paramLabel = "N",
            description = "JVM forks per benchmark (default: ${DEFAULT-VALUE}; --smoke: 0, in this JVM).")
    int forks = 1;

    @Option(
            names = "--warmup",
            paramLabel = "N",
            description = "Warmup iterations per fork (default: ${DEFAULT-VALUE}; --smoke: 1).")
    int warmup = 3;

    @Option(
            names = "--iterations",
            paramLabel = "N",
            description = "Measurement iterations per fork (default: ${DEFAULT-VALUE}; --smoke: 1).")
    int iterations = 5;

    @Option(
            names = "--iteration-ms",
            paramLabel = "MS",
            description = "Length of each iteration, warmup and measurement (default: ${DEFAULT-VALUE}; --smoke: 100).")
    int iterationMs = 1000;

    /** The settings of this run: the options as given, or the smoke settings. */
    public JmhSettings settings(boolean smoke) {
        if (smoke) {
            return new JmhSettings(0, 1, 1, TimeValue.milliseconds(100));
        }
        return new JmhSettings(forks, warmup, iterations, TimeValue.milliseconds(iterationMs));
    }
}
