package org.carillon.api.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;

/**
 * Seeded hostile JSON-RPC frames, each with the answer the specification requires: the error
 * code (or, for a batch, the codes in order), "result" for the odd valid call mixed in, or no
 * answer at all for a notification. The server under test knows one method, {@code
 * echo(text: string)}.
 */
final class HostileFrames {
    /** What a frame should get back: {@code signature} as {@link #signatureOf} writes it, or null for none. */
    record Hostile(String kind, String frame, String signature) {}

    private static final String VALID =
            "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":{\"text\":\"hi\"},\"id\":7}";

    private final Random random;

    HostileFrames(long seed) {
        this.random = new Random(seed);
    }

    List<Hostile> generate(int count) {
        List<Hostile> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            frames.add(next(i));
        }
        return frames;
    }

    private Hostile next(int id) {
        return switch (random.nextInt(14)) {
            case 0 -> truncated();
            case 1 -> notJsonAtAll();
            case 2 -> notARequest();
            case 3 -> wrongEnvelope(id);
            case 4 -> wrongParams(id);
            case 5 -> unknownMethod(id);
            case 6 -> deepNesting(id);
            case 7 -> badBatch();
            case 8 -> mixedBatch(id);
            case 9 ->
                new Hostile("over-batch-limit", batchOf(101, i -> request("echo", "{\"text\":\"x\"}", i)), "-32003");
            case 10 ->
                new Hostile(
                        "notification",
                        "{\"jsonrpc\":\"2.0\",\"method\":\"" + name() + "\",\"params\":{\"q\":1}}",
                        null);
            case 11 ->
                new Hostile(
                        "long-number",
                        "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":" + "9".repeat(65 + random.nextInt(500)) + "}",
                        "-32700");
            case 12 ->
                new Hostile(
                        "huge-method-name", request("m".repeat(10_000 + random.nextInt(50_000)), null, id), "-32601");
            default ->
                random.nextInt(4) == 0
                        ? new Hostile("valid", request("echo", "{\"text\":\"ok " + id + "\"}", id), "result")
                        : new Hostile("rpc-reserved", request("rpc." + name(), null, id), "-32601");
        };
    }

    private Hostile truncated() {
        // every proper prefix of an object is unfinished JSON
        return new Hostile("truncated", VALID.substring(0, 1 + random.nextInt(VALID.length() - 1)), "-32700");
    }

    private Hostile notJsonAtAll() {
        String[] junk = {
            "",
            " ",
            "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":1}}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":{\"text\":NaN},\"id\":1}",
            "{'jsonrpc':'2.0'}",
            "{\"a\":\"\u0001\"}",
            "undefined",
            "[1,2,]",
            "{\"jsonrpc\":\"2.0\" \"method\":\"echo\"}",
        };
        return new Hostile("invalid-json", junk[random.nextInt(junk.length)], "-32700");
    }

    private Hostile notARequest() {
        String[] scalars = {"5", "\"echo\"", "true", "null", "-0.5e10", "\"\""};
        return new Hostile("not-an-object", scalars[random.nextInt(scalars.length)], "-32600");
    }

    private Hostile wrongEnvelope(int id) {
        String[] frames = {
            "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":{}}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":[1]}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":true}",
            "{\"jsonrpc\":\"1.0\",\"method\":\"echo\",\"id\":" + id + "}",
            "{\"jsonrpc\":2.0,\"method\":\"echo\",\"id\":" + id + "}",
            "{\"method\":\"echo\",\"id\":" + id + "}",
            "{\"jsonrpc\":\"2.0\",\"id\":" + id + "}",
            "{\"jsonrpc\":\"2.0\",\"method\":42,\"id\":" + id + "}",
            "{\"jsonrpc\":\"2.0\",\"method\":null,\"id\":" + id + "}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":\"text\",\"id\":" + id + "}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":7,\"id\":" + id + "}",
            "{\"jsonrpc\":\"2.0\",\"method\":5}",
        };
        return new Hostile("wrong-envelope", frames[random.nextInt(frames.length)], "-32600");
    }

    private Hostile wrongParams(int id) {
        String[] params = {
            "{\"text\":5}",
            "{\"text\":true}",
            "{\"text\":{\"a\":1}}",
            "{\"text\":[\"a\"]}",
            "{}",
            "{\"txt\":\"a\"}",
            "{\"text\":\"a\",\"extra\":1}",
            "[\"a\"]",
            "{\"text\":\"a\",\"" + "k".repeat(1000) + "\":0}",
        };
        return new Hostile("wrong-params", request("echo", params[random.nextInt(params.length)], id), "-32602");
    }

    private Hostile unknownMethod(int id) {
        return new Hostile("unknown-method", request(name(), "{\"text\":\"x\"}", id), "-32601");
    }

    private Hostile deepNesting(int id) {
        int depth = 33 + random.nextInt(5000);
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        String nested = open.repeat(depth) + "1" + close.repeat(depth);
        String frame = random.nextBoolean() ? nested : request("echo", "{\"text\":" + nested + "}", id);
        return new Hostile("deep-nesting", frame, "-32700");
    }

    private Hostile badBatch() {
        String[] batches = {
            "[]", "[1]", "[null,\"x\"]", "[[]]", "[[{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":1}]]"
        };
        String[] signatures = {"-32600", "[-32600]", "[-32600,-32600]", "[-32600]", "[-32600]"};
        int i = random.nextInt(batches.length);
        return new Hostile("bad-batch", batches[i], signatures[i]);
    }

    private Hostile mixedBatch(int id) {
        int n = 1 + random.nextInt(100);
        StringJoiner frame = new StringJoiner(",", "[", "]");
        StringJoiner signature = new StringJoiner(",", "[", "]");
        boolean answered = false;
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(5)) {
                case 0 -> {
                    frame.add(request(name(), null, id * 1000 + i));
                    signature.add("-32601");
                    answered = true;
                }
                case 1 -> {
                    frame.add(request("echo", "{\"text\":0}", id * 1000 + i));
                    signature.add("-32602");
                    answered = true;
                }
                case 2 -> {
                    frame.add("{\"jsonrpc\":\"2.0\",\"method\":\"" + name() + "\"}"); // a notification: no answer
                }
                case 3 -> {
                    frame.add("\"call\"");
                    signature.add("-32600");
                    answered = true;
                }
                default -> {
                    frame.add(request("echo", "{\"text\":\"b\"}", id * 1000 + i));
                    signature.add("result");
                    answered = true;
                }
            }
        }
        return new Hostile("mixed-batch", frame.toString(), answered ? signature.toString() : null);
    }

    private String name() {
        int length = 1 + random.nextInt(40);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append((char) ('a' + random.nextInt(26)));
        }
        s.append('.').append(random.nextInt(1000)); // never "echo"
        return s.toString();
    }

    static String request(String method, String params, int id) {
        return "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\"" + (params == null ? "" : ",\"params\":" + params)
                + ",\"id\":" + id + "}";
    }

    private static String batchOf(int n, java.util.function.IntFunction<String> item) {
        StringJoiner batch = new StringJoiner(",", "[", "]");
        for (int i = 0; i < n; i++) {
            batch.add(item.apply(i));
        }
        return batch.toString();
    }

    /** An answer reduced to what is compared: the error code, "result", or a batch's list of them. */
    static String signatureOf(com.fasterxml.jackson.databind.JsonNode answer) {
        if (answer.isArray()) {
            StringJoiner s = new StringJoiner(",", "[", "]");
            answer.forEach(a -> s.add(signatureOf(a)));
            return s.toString();
        }
        if (answer.has("result")) {
            return "result";
        }
        return answer.path("error").path("code").asText("no error code: " + answer);
    }
}
