package org.carillon.api.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * A call's parameters, by name (a JSON object; absent means none). Every accessor fails with
 * -32602 and a message naming the parameter and what was expected.
 */
public final class Params {
    private final JsonNode node;

    Params(JsonNode node) {
        this.node = node == null || node.isNull() ? MissingNode.getInstance() : node;
    }

    public static Params of(JsonNode node) {
        return new Params(node);
    }

    /** Refuses a name outside {@code known}: a misspelt optional parameter should not pass unnoticed. */
    void allowOnly(Set<String> known) throws RpcException {
        if (node.isMissingNode()) {
            return;
        }
        if (!node.isObject()) {
            throw RpcException.invalidParams("params must be an object (parameters by name)");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw RpcException.invalidParams("unknown parameter '" + name + "'; this method takes " + known);
            }
        }
    }

    public boolean has(String name) {
        JsonNode v = node.get(name);
        return v != null && !v.isNull();
    }

    public String string(String name) throws RpcException {
        return optionalString(name).orElseThrow(() -> missing(name, "a string"));
    }

    public Optional<String> optionalString(String name) throws RpcException {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw wrong(name, "a string", v);
        }
        return Optional.of(v.textValue());
    }

    public long integer(String name, long min, long max) throws RpcException {
        return optionalInteger(name, min, max).orElseThrow(() -> missing(name, "an integer"));
    }

    public Optional<Long> optionalInteger(String name, long min, long max) throws RpcException {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw wrong(name, "an integer", v);
        }
        long n = v.longValue();
        if (n < min || n > max) {
            throw RpcException.invalidParams("'" + name + "' is " + n + ", not in [" + min + ", " + max + "]");
        }
        return Optional.of(n);
    }

    public boolean bool(String name, boolean absent) throws RpcException {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isBoolean()) {
            throw wrong(name, "true or false", v);
        }
        return v.booleanValue();
    }

    private static RpcException missing(String name, String what) {
        return RpcException.invalidParams("missing parameter '" + name + "' (" + what + ")");
    }

    private static RpcException wrong(String name, String what, JsonNode v) {
        return RpcException.invalidParams("'" + name + "' must be " + what + ", not "
                + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
}
