package org.carillon.bench.codec;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.carillon.bench.RunOptions;
import org.carillon.bench.jmh.JmhOptions;
import org.carillon.bench.jmh.JmhRunner;
import org.carillon.bench.jmh.JmhScore;
import org.carillon.bench.jmh.JmhSettings;
import org.carillon.bench.reference.PythonReference;
import org.carillon.bench.report.BarChart;
import org.carillon.bench.report.CsvFile;
import org.carillon.bench.report.Metric;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code bench/run codec}: Carillon's wire codec ({@link CodecBenchmark}, JMH) against
 * python3-msgpack decoding and encoding the same datagram bytes, measured in the same run for
 * as many iterations of the same length.
 */
@Command(
        name = "codec",
        mixinStandardHelpOptions = true,
        description = "Wire codec decode/encode (JMH) against python3-msgpack on the same datagrams.")
public final class CodecExperiment implements Callable<Integer> {
    static final String NAME = "codec";

    @Mixin
    RunOptions run;

    @Mixin
    JmhOptions jmh;

    /** JMH method -> (operation, datagram kind). */
    private record Case(String method, String operation, String kind) {
        String metric() {
            return operation + "_" + kind;
        }
    }

    private static final List<Case> CASES = List.of(
            new Case("decodePingRequest", "decode", CodecDatagrams.PING),
            new Case("encodePingRequest", "encode", CodecDatagrams.PING),
            new Case("decodeFindReply8v4and8v6", "decode", CodecDatagrams.FIND_REPLY),
            new Case("encodeFindReply8v4and8v6", "encode", CodecDatagrams.FIND_REPLY),
            new Case("decodeGetReply5InlineValues", "decode", CodecDatagrams.GET_REPLY),
            new Case("encodeGetReply5InlineValues", "encode", CodecDatagrams.GET_REPLY),
            new Case("decodeGetReplyFragmented4kValue", "decode", CodecDatagrams.FRAGMENTED_GET_REPLY),
            new Case("encodeGetReplyFragmented4kValue", "encode", CodecDatagrams.FRAGMENTED_GET_REPLY));

    @Override
    public Integer call() {
        Path folder = run.folder(NAME);
        JmhSettings settings = jmh.settings(run.smoke());
        CodecDatagrams datagrams = CodecDatagrams.build();
        Path exported = folder.resolve("datagrams");
        datagrams.export(exported);

        System.err.println("Carillon: JMH " + CASES.size() + " benchmarks, " + settings.describe());
        Map<String, JmhScore> carillon = new LinkedHashMap<>();
        for (JmhScore s : new JmhRunner(CodecBenchmark.class, settings)
                .run(CASES.size(), folder.resolve("jmh.log"), folder.resolve("jmh.csv"))) {
            carillon.put(s.method(), s);
        }

        System.err.println("reference: python3-msgpack on the same datagrams");
        List<JsonNode> lines = new PythonReference(CodecExperiment.class, "msgpack_reference.py")
                .run(
                        List.of(
                                "--dir", exported.toAbsolutePath().toString(),
                                "--warmup", Integer.toString(settings.warmupIterations()),
                                "--iterations", Integer.toString(settings.measurementIterations()),
                                "--iteration-ms", Long.toString(settings.iterationNanos() / 1_000_000)),
                        CASES.size() + 1,
                        referenceTimeout(settings),
                        folder.resolve("msgpack_reference.log"));
        JsonNode info = lines.get(0).get("info");
        Map<String, JsonNode> reference = new LinkedHashMap<>();
        for (JsonNode line : lines.subList(1, lines.size())) {
            reference.put(
                    line.get("operation").asText() + "_" + line.get("kind").asText(), line);
        }

        List<Metric> metrics = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        double[] carillonNs = new double[CASES.size()];
        double[] referenceNs = new double[CASES.size()];
        try (CsvFile csv = new CsvFile(
                folder.resolve("codec.csv"),
                "operation",
                "datagram",
                "datagrams",
                "bytes",
                "carillon_ns_per_op",
                "carillon_error_ns",
                "msgpack_ns_per_op",
                "msgpack_stdev_ns",
                "python_noop_ns_subtracted",
                "msgpack_repacks_same_bytes",
                "ratio_carillon_over_msgpack")) {
            for (int i = 0; i < CASES.size(); i++) {
                Case c = CASES.get(i);
                JmhScore mine = carillon.get(c.method());
                JsonNode ref = reference.get(c.metric());
                if (mine == null || ref == null) {
                    throw new IllegalStateException(
                            "no figure for " + c + " (carillon " + mine + ", reference " + ref + ")");
                }
                double refNs = ref.get("ns_per_op").asDouble();
                carillonNs[i] = mine.nanosPerOp();
                referenceNs[i] = refNs;
                labels.add(c.operation() + " " + c.kind());
                csv.row(
                        c.operation(),
                        c.kind(),
                        ref.get("datagrams").asInt(),
                        ref.get("bytes").asInt(),
                        mine.nanosPerOp(),
                        mine.error(),
                        refNs,
                        ref.get("ns_per_op_stdev").isNull()
                                ? Double.NaN
                                : ref.get("ns_per_op_stdev").asDouble(),
                        ref.get("noop_ns_per_call").asDouble(),
                        ref.get("repacks_to_same_bytes").asBoolean(),
                        mine.nanosPerOp() / refNs);
                metrics.add(
                        Metric.compared(c.metric() + "_time", "ns/op", Metric.Better.LOWER, mine.nanosPerOp(), refNs));
                metrics.add(Metric.compared(
                        c.metric() + "_rate", "ops/s", Metric.Better.HIGHER, mine.opsPerSecond(), 1e9 / refNs));
            }
        }
        new BarChart("Wire codec: time per operation (lower is better)", "ns per operation", labels)
                .series("Carillon WireCodec (JMH)", carillonNs)
                .series("python3-msgpack " + info.get("msgpack").asText() + " (msgpack only)", referenceNs)
                .write(folder.resolve("codec.png"));

        Map<String, Object> parameters = new LinkedHashMap<>(settings.describe());
        parameters.put("datagrams", "fixed seed 20240611 (CodecDatagrams), exported to " + exported.getFileName());
        parameters.put(
                "reference",
                "python3-msgpack " + info.get("msgpack").asText() + " ("
                        + info.get("msgpack_extension").asText() + "), python "
                        + info.get("python").asText()
                        + ": msgpack unpackb/packb only, not OpenDHT's full parse; no-op loop subtracted");
        run.report(NAME, "bench/run codec", parameters, metrics);
        return 0;
    }

    /** Three times the nominal duration, plus start-up. */
    private static Duration referenceTimeout(JmhSettings s) {
        long perCase = s.iterationNanos() * (s.warmupIterations() + s.measurementIterations() * 5L / 4 + 1);
        return Duration.ofNanos(3 * CASES.size() * perCase).plusSeconds(60);
    }
}
