package org.carillon.bench.throughput;

import java.util.SplittableRandom;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;

/**
 * The seeded request sequence both nodes receive: the keys that hold a value for gets, the keys
 * puts go to, each client's node id, and per measured step the keys and values of every request.
 * Two instances with the same parameters produce the same bytes, so Carillon and dhtnode answer
 * exactly the same requests.
 *
 * @param getKeys keys preloaded with one value each, the targets of gets
 * @param putKeys keys puts spread over, so no key grows long lists (dhtnode scans a key's
 *     values linearly on every put)
 */
record Workload(long seed, int getKeys, int putKeys, int valueSize) {
    Workload {
        if (getKeys < 1 || putKeys < 1 || valueSize < 1 || valueSize > 1000) {
            throw new IllegalArgumentException(
                    "need at least one get and put key and a value of 1..1000 bytes (it must fit one datagram)");
        }
    }

    InfoHash getKey(int i) {
        return InfoHash.sha1(
                ("storage-throughput get " + seed + " " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    InfoHash putKey(int i) {
        return InfoHash.sha1(
                ("storage-throughput put " + seed + " " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The value preloaded on get key {@code i}. */
    Value getValue(int i) {
        return value(new SplittableRandom(seed * 31 + i));
    }

    InfoHash clientId(int i) {
        return InfoHash.random(new SplittableRandom(seed ^ (0x5eed_0000L + i)));
    }

    /** The random source of one measured step: the same on both sides. */
    SplittableRandom step(Operation op, int stepIndex) {
        return new SplittableRandom(seed * 1_000_003L + op.ordinal() * 1009L + stepIndex);
    }

    /** A new type-0 value with a random id and {@code valueSize} random bytes. */
    Value value(SplittableRandom random) {
        byte[] data = new byte[valueSize];
        random.nextBytes(data);
        return Value.of(Value.randomId(random), 0, data);
    }
}
