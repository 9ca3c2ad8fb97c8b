package org.carillon.api.rpc;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One method as the API describes it (in {@code rpc.discover}'s OpenRPC document) and runs it:
 * the dispatcher checks the parameters against {@link #params} before {@link #handler} runs.
 *
 * @param result a JSON Schema of the result
 */
public record Method(String name, String summary, List<Param> params, Map<String, Object> result, RpcMethod handler) {
    /**
     * @param schema a JSON Schema of the value
     */
    public record Param(String name, String description, boolean required, Map<String, Object> schema) {
        public static Param required(String name, String description, Map<String, Object> schema) {
            return new Param(name, description, true, schema);
        }

        public static Param optional(String name, String description, Map<String, Object> schema) {
            return new Param(name, description, false, schema);
        }
    }

    public Method {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(handler, "handler");
        if (name.startsWith("rpc.")) {
            throw new IllegalArgumentException("method names starting with 'rpc.' are reserved: " + name);
        }
        params = List.copyOf(params);
        result = Map.copyOf(result);
    }

    public static Map<String, Object> string() {
        return Map.of("type", "string");
    }

    public static Map<String, Object> integer() {
        return Map.of("type", "integer");
    }

    public static Map<String, Object> bool() {
        return Map.of("type", "boolean");
    }

    public static Map<String, Object> object() {
        return Map.of("type", "object");
    }

    public static Map<String, Object> arrayOf(Map<String, Object> items) {
        return Map.of("type", "array", "items", items);
    }

    public static Map<String, Object> nothing() {
        return Map.of("type", "null");
    }
}
