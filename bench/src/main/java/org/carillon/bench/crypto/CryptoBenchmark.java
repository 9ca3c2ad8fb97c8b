package org.carillon.bench.crypto;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.carillon.dht.Value;
import org.carillon.dht.crypto.Identity;
import org.carillon.dht.crypto.IdentityGenerator;
import org.carillon.dht.crypto.ValueEncryption;
import org.carillon.dht.crypto.ValueSigning;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * RSA-4096 operations as OpenDHT does them, through Carillon's own classes: signing a value
 * ({@link ValueSigning#sign}: to-sign body, SHA-512, PKCS#1 v1.5), verifying it ({@link
 * ValueSigning#verifies}: parse the owner key, to-sign body, check), and encrypting/decrypting
 * raw bytes as OpenDHT's {@code PublicKey::encrypt} / {@code PrivateKey::decrypt} ({@link
 * ValueEncryption#encryptBytes}: one RSA block up to 501 bytes, RSA-wrapped AES-256 key +
 * AES-GCM above).
 *
 * <p>Run with {@code bench/run crypto} ({@link CryptoExperiment}), which passes the key file
 * shared with the OpenDHT reference; without one the setup generates a key (seconds).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CryptoBenchmark {
    /** Value data bytes (sign, verify) or plaintext bytes (encrypt, decrypt). */
    @Param({"100", "10000"})
    public int payload;

    /** PKCS#8 DER of the RSA key; empty: generate one. */
    @Param({""})
    public String keyFile;

    @Param({"2026"})
    public long seed;

    private KeyPair key;
    private Value unsigned;
    private Value signed;
    private byte[] plaintext;
    private byte[] cypher;
    private SecureRandom random;

    @Setup
    public void setup() throws GeneralSecurityException {
        random = new SecureRandom(); // what SecureDht and DhtRunner use
        if (keyFile.isEmpty()) {
            IdentityGenerator generator = new IdentityGenerator(random);
            Identity ca = generator.certificateAuthority("bench CA");
            key = generator
                    .identity("bench", ca, IdentityGenerator.DEFAULT_RSA_BITS)
                    .key();
        } else {
            key = CryptoInputs.readKey(Path.of(keyFile));
        }
        unsigned = CryptoInputs.value(payload, seed);
        signed = ValueSigning.sign(unsigned, key, 1);
        plaintext = CryptoInputs.plaintext(payload, seed);
        cypher = ValueEncryption.encryptBytes(plaintext, key.getPublic(), random);
        if (!ValueSigning.verifies(signed)
                || !Arrays.equals(plaintext, ValueEncryption.decryptBytes(cypher, key.getPrivate()))) {
            throw new IllegalStateException("sign/verify or encrypt/decrypt do not round-trip");
        }
    }

    @Benchmark
    public Value sign() {
        return ValueSigning.sign(unsigned, key, 1);
    }

    @Benchmark
    public boolean verify() {
        return ValueSigning.verifies(signed);
    }

    @Benchmark
    public byte[] encrypt() throws GeneralSecurityException {
        return ValueEncryption.encryptBytes(plaintext, key.getPublic(), random);
    }

    @Benchmark
    public byte[] decrypt() throws GeneralSecurityException {
        return ValueEncryption.decryptBytes(cypher, key.getPrivate());
    }
}
