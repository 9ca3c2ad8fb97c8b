package org.carillon.bench;

import org.carillon.bench.api.ApiExperiment;
import org.carillon.bench.codec.CodecExperiment;
import org.carillon.bench.crypto.CryptoExperiment;
import org.carillon.bench.loopback.Mixed;
import org.carillon.bench.loopback.SideBySide;
import org.carillon.bench.messages.MessagesExperiment;
import org.carillon.bench.sim.ScaleChurnCommand;
import org.carillon.bench.throughput.StorageThroughput;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The benchmark experiments, one subcommand each; run through {@code bench/run NAME}. Each
 * writes CSV files and plots under {@code bench/results/NAME}, updates {@code
 * docs/benchmarks/latest.json} and prints its headline figures with ratios against OpenDHT.
 */
@Command(
        name = "bench/run",
        mixinStandardHelpOptions = true,
        description = "Runs one of Carillon's benchmark experiments (see docs/benchmarks.md).",
        subcommands = {
            CommandLine.HelpCommand.class,
            ScaleChurnCommand.class,
            SideBySide.class,
            Mixed.class,
            StorageThroughput.class,
            CodecExperiment.class,
            CryptoExperiment.class,
            ApiExperiment.class,
            MessagesExperiment.class
        })
public final class Bench implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Bench());
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "name an experiment (bench/run --help lists them)");
    }
}
