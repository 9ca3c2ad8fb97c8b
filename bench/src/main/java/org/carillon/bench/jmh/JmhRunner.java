package org.carillon.bench.jmh;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.carillon.bench.report.Progress;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the benchmarks of one JMH class through JMH's Java API. JMH's own report goes to a log
 * file beside the results (it is long); the console shows a progress bar stepped at each
 * iteration instead. JMH's raw CSV is written too.
 */
public final class JmhRunner {
    private final Class<?> benchmarks;
    private final JmhSettings settings;
    private final Map<String, String> params = new LinkedHashMap<>();

    public JmhRunner(Class<?> benchmarks, JmhSettings settings) {
        this.benchmarks = benchmarks;
        this.settings = settings;
    }

    /** Sets a {@code @Param} of the benchmark class (several values: one run per value). */
    public JmhRunner param(String name, String... values) {
        params.put(name, String.join("\u0000", values));
        return this;
    }

    /**
     * Runs them; {@code count} is how many (method, params) combinations there are, for the
     * progress bar. JMH's log goes to {@code log}, its CSV to {@code csv}.
     */
    public List<JmhScore> run(int count, Path log, Path csv) {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("^" + Pattern.quote(benchmarks.getName()) + "\\.")
                .forks(settings.forks())
                .warmupIterations(settings.warmupIterations())
                .warmupTime(settings.iterationTime())
                .measurementIterations(settings.measurementIterations())
                .measurementTime(settings.iterationTime())
                .shouldFailOnError(true)
                .result(csv.toString())
                .resultFormat(ResultFormatType.CSV);
        params.forEach((k, v) -> options.param(k, v.split("\u0000")));
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (PrintStream logStream = new PrintStream(log.toFile(), StandardCharsets.UTF_8);
                Progress progress =
                        new Progress(benchmarks.getSimpleName(), (long) count * settings.iterationsPerBenchmark())) {
            OutputFormat out = new SteppingFormat(
                    OutputFormatFactory.createFormatInstance(logStream, VerboseMode.NORMAL), progress);
            Collection<RunResult> results = new Runner(options.build(), out).run();
            List<JmhScore> scores = new ArrayList<>();
            for (RunResult r : results) {
                BenchmarkParams p = r.getParams();
                Map<String, String> values = new LinkedHashMap<>();
                for (String key : p.getParamsKeys()) {
                    values.put(key, p.getParam(key));
                }
                String name = p.getBenchmark();
                scores.add(new JmhScore(
                        name.substring(name.lastIndexOf('.') + 1),
                        values,
                        r.getPrimaryResult().getScore(),
                        r.getPrimaryResult().getScoreError(),
                        r.getPrimaryResult().getScoreUnit()));
            }
            return scores;
        } catch (FileNotFoundException e) {
            throw new UncheckedIOException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RunnerException e) {
            throw new IllegalStateException("JMH failed (see " + log + "): " + e.getMessage(), e);
        }
    }

    /** JMH's normal report, plus a progress step at each finished iteration. */
    private static final class SteppingFormat implements OutputFormat {
        private final OutputFormat log;
        private final Progress progress;

        SteppingFormat(OutputFormat log, Progress progress) {
            this.log = log;
            this.progress = progress;
        }

        @Override
        public void iteration(BenchmarkParams benchParams, IterationParams params, int iteration) {
            log.iteration(benchParams, params, iteration);
        }

        @Override
        public void iterationResult(
                BenchmarkParams benchParams, IterationParams params, int iteration, IterationResult data) {
            log.iterationResult(benchParams, params, iteration, data);
            progress.step();
        }

        @Override
        public void startBenchmark(BenchmarkParams benchParams) {
            log.startBenchmark(benchParams);
        }

        @Override
        public void endBenchmark(BenchmarkResult result) {
            log.endBenchmark(result);
        }

        @Override
        public void startRun() {
            log.startRun();
        }

        @Override
        public void endRun(Collection<RunResult> result) {
            log.endRun(result);
        }

        @Override
        public void print(String s) {
            log.print(s);
        }

        @Override
        public void println(String s) {
            log.println(s);
        }

        @Override
        public void flush() {
            log.flush();
        }

        @Override
        public void close() {
            log.close();
        }

        @Override
        public void verbosePrintln(String s) {
            log.verbosePrintln(s);
        }

        @Override
        public void write(int b) {
            log.write(b);
        }

        @Override
        public void write(byte[] b) throws IOException {
            log.write(b);
        }
    }
}
