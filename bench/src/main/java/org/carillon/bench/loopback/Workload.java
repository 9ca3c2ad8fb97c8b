package org.carillon.bench.loopback;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * A seeded sequence of operations, the same for every network it runs on: half puts of fresh
 * values at random keys, a quarter gets of keys put earlier, a tenth gets of keys never put and
 * 15 % listens (listen, then a put to the key by another node).
 */
final class Workload {
    static final int VALUE_SIZE = 64;

    private Workload() {}

    /**
     * {@code count} operations. A get reads a key put at least {@code distance} operations
     * earlier, so with that many operations in flight its put has normally finished.
     */
    static List<Operation> generate(long seed, int count, int distance) {
        Random random = new Random(seed);
        List<Operation> ops = new ArrayList<>(count);
        List<Operation> puts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int roll = random.nextInt(100);
            OpKind kind = roll < 50 ? OpKind.PUT : roll < 75 ? OpKind.GET : roll < 85 ? OpKind.MISS : OpKind.LISTEN;
            int readable = 0;
            while (readable < puts.size() && puts.get(readable).index() <= i - distance) {
                readable++;
            }
            if (kind == OpKind.GET && readable == 0) {
                kind = OpKind.PUT;
            }
            Operation op;
            if (kind == OpKind.GET) {
                Operation put = puts.get(random.nextInt(readable));
                op = new Operation(i, kind, put.key(), put.data());
            } else {
                op = new Operation(i, kind, randomKey(random), bytes(random, VALUE_SIZE));
            }
            if (kind == OpKind.PUT) {
                puts.add(op);
            }
            ops.add(op);
        }
        return List.copyOf(ops);
    }

    static String randomKey(Random random) {
        return HexFormat.of().formatHex(bytes(random, 20));
    }

    static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
