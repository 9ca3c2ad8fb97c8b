package org.carillon.bench.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.carillon.bench.RunOptions;
import org.carillon.bench.jmh.JmhOptions;
import org.carillon.bench.jmh.JmhRunner;
import org.carillon.bench.jmh.JmhScore;
import org.carillon.bench.jmh.JmhSettings;
import org.carillon.bench.reference.PythonReference;
import org.carillon.bench.report.BarChart;
import org.carillon.bench.report.CsvFile;
import org.carillon.bench.report.Metric;
import org.carillon.dht.crypto.Identity;
import org.carillon.dht.crypto.IdentityGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code bench/run crypto}: RSA-4096 sign, verify, encrypt and decrypt per second, Carillon
 * ({@link CryptoBenchmark}, JMH) against OpenDHT 2.4.12's code paths driven from Python, on the
 * same inputs and the same signing key, in the same run.
 */
@Command(
        name = "crypto",
        mixinStandardHelpOptions = true,
        description =
                "RSA-4096 sign/verify/encrypt/decrypt per second (JMH) against OpenDHT's (python3-opendht, GnuTLS).")
public final class CryptoExperiment implements Callable<Integer> {
    static final String NAME = "crypto";
    static final int[] PAYLOADS = {100, 10_000};
    private static final List<String> OPERATIONS = List.of("sign", "verify", "encrypt", "decrypt");

    @Mixin
    RunOptions run;

    @Mixin
    JmhOptions jmh;

    @Override
    public Integer call() throws GeneralSecurityException, IOException {
        Path folder = run.folder(NAME);
        JmhSettings settings = jmh.settings(run.smoke());
        // holds the private key: a private temporary folder, deleted at the end, never the results
        Path inputs = Files.createTempDirectory("carillon-crypto-bench");
        try {
            return measure(folder, settings, inputs);
        } finally {
            deleteTree(inputs);
        }
    }

    private int measure(Path folder, JmhSettings settings, Path inputs) throws GeneralSecurityException {
        long started = System.nanoTime();
        System.err.println("generating the RSA-4096 identity (IdentityGenerator)…");
        IdentityGenerator generator = new IdentityGenerator(new SecureRandom());
        Identity identity = generator.identity(
                "carillon bench",
                generator.certificateAuthority("carillon bench CA"),
                IdentityGenerator.DEFAULT_RSA_BITS);
        KeyPair key = identity.key();
        double keygenSeconds = (System.nanoTime() - started) / 1e9;
        CryptoInputs.export(inputs, key, PAYLOADS, run.seed());

        int count = OPERATIONS.size() * PAYLOADS.length;
        System.err.println("Carillon: JMH " + count + " benchmarks, " + settings.describe());
        List<JmhScore> carillon = new JmhRunner(CryptoBenchmark.class, settings)
                .param(
                        "payload",
                        Arrays.stream(PAYLOADS).mapToObj(Integer::toString).toArray(String[]::new))
                .param("keyFile", inputs.resolve(CryptoInputs.KEY_FILE).toString())
                .param("seed", Long.toString(run.seed()))
                .run(count, folder.resolve("jmh.log"), folder.resolve("jmh.csv"));

        System.err.println("reference: OpenDHT 2.4.12 crypto (python3-opendht, GnuTLS) on the same inputs");
        List<JsonNode> lines = new PythonReference(CryptoExperiment.class, "opendht_crypto_reference.py")
                .run(
                        List.of(
                                "--dir", inputs.toString(),
                                "--payloads",
                                        Arrays.stream(PAYLOADS)
                                                .mapToObj(Integer::toString)
                                                .collect(Collectors.joining(",")),
                                "--warmup", Integer.toString(settings.warmupIterations()),
                                "--iterations", Integer.toString(settings.measurementIterations()),
                                "--iteration-ms", Long.toString(settings.iterationNanos() / 1_000_000)),
                        count + 1,
                        referenceTimeout(settings, count),
                        folder.resolve("opendht_reference.log"));
        JsonNode info = lines.get(0).get("info");
        Map<String, JsonNode> reference = new LinkedHashMap<>();
        for (JsonNode line : lines.subList(1, lines.size())) {
            reference.put(
                    line.get("operation").asText() + "/" + line.get("payload").asInt(), line);
        }

        List<Metric> metrics = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        double[] carillonRates = new double[count];
        double[] referenceRates = new double[count];
        try (CsvFile csv = new CsvFile(
                folder.resolve("crypto.csv"),
                "operation",
                "payload_bytes",
                "input_bytes",
                "carillon_ops_per_s",
                "carillon_error_ops_per_s",
                "opendht_ops_per_s",
                "opendht_ns_per_op",
                "opendht_stdev_ns",
                "python_driver_ns_subtracted",
                "opendht_path",
                "opendht_agrees",
                "ratio_carillon_over_opendht")) {
            int i = 0;
            for (String operation : OPERATIONS) {
                for (int payload : PAYLOADS) {
                    JmhScore mine = carillon.stream()
                            .filter(s -> s.method().equals(operation)
                                    && s.params().get("payload").equals(Integer.toString(payload)))
                            .findFirst()
                            .orElseThrow(() -> new IllegalStateException("JMH gave no figure for " + operation));
                    JsonNode ref = reference.get(operation + "/" + payload);
                    if (ref == null) {
                        throw new IllegalStateException(
                                "the reference gave no figure for " + operation + "/" + payload);
                    }
                    if (!ref.get("check").asBoolean()) {
                        throw new IllegalStateException("the reference's " + operation + " of " + payload
                                + " bytes does not agree with Carillon's (signature, verification or sizes)");
                    }
                    double refNs = ref.get("ns_per_op").asDouble();
                    double refRate = 1e9 / refNs;
                    carillonRates[i] = mine.opsPerSecond();
                    referenceRates[i] = refRate;
                    labels.add(operation + " " + size(payload));
                    csv.row(
                            operation,
                            payload,
                            ref.get("input_bytes").asInt(),
                            mine.opsPerSecond(),
                            mine.error(),
                            refRate,
                            refNs,
                            ref.get("ns_per_op_stdev").isNull()
                                    ? Double.NaN
                                    : ref.get("ns_per_op_stdev").asDouble(),
                            ref.get("driver_ns_per_op").asDouble(),
                            ref.get("path").asText(),
                            ref.get("check").asBoolean(),
                            mine.opsPerSecond() / refRate);
                    metrics.add(Metric.compared(
                            operation + "_" + size(payload).toLowerCase(Locale.ROOT) + "_rate",
                            "ops/s",
                            Metric.Better.HIGHER,
                            mine.opsPerSecond(),
                            refRate));
                    i++;
                }
            }
        }
        new BarChart("RSA-4096 operations per second (higher is better)", "operations per second", labels)
                .logY()
                .series("Carillon (JDK crypto, JMH)", carillonRates)
                .series("OpenDHT 2.4.12 (GnuTLS " + info.get("gnutls").asText() + ")", referenceRates)
                .write(folder.resolve("crypto.png"));

        Map<String, Object> parameters = new LinkedHashMap<>(settings.describe());
        parameters.put("rsa_bits", IdentityGenerator.DEFAULT_RSA_BITS);
        parameters.put("payload_bytes", Arrays.toString(PAYLOADS));
        parameters.put("seed", run.seed());
        parameters.put("carillon_keygen_s", Math.round(keygenSeconds * 100) / 100.0);
        parameters.put(
                "opendht_keygen_s", Math.round(info.get("opendht_keygen_s").asDouble() * 100) / 100.0);
        parameters.put(
                "reference",
                "python " + info.get("python").asText() + ", GnuTLS "
                        + info.get("gnutls").asText()
                        + ": sign/verify = OpenDHT's GnuTLS calls via ctypes with Carillon's key; encrypt/decrypt ="
                        + " python3-opendht PublicKey.encrypt/PrivateKey.decrypt; driver cost subtracted");
        run.report(NAME, "bench/run crypto", parameters, metrics);
        return 0;
    }

    /** {@code 100B}, {@code 10kB}. */
    static String size(int bytes) {
        return bytes >= 1000 && bytes % 1000 == 0 ? bytes / 1000 + "kB" : bytes + "B";
    }

    /** Three times the nominal duration, plus key generation and start-up. */
    private static Duration referenceTimeout(JmhSettings s, int count) {
        long perCase = s.iterationNanos() * (s.warmupIterations() + s.measurementIterations() * 5L / 4 + 1);
        return Duration.ofNanos(3 * count * perCase).plusSeconds(120);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
