package org.carillon.api.rpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON-RPC 2.0 over text frames: one frame in (a request, a notification or a batch), at most
 * one frame out. Everything a client can send is answered by the specification's rule: a
 * response per request with an id, nothing for notifications, an error object (with a null id
 * when the id could not be read) for anything malformed. Bounded: frame size, nesting depth,
 * batch length. Thread-safe; methods run on the caller's thread.
 */
public final class RpcDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(RpcDispatcher.class);

    /** The largest frame read (characters); the transport should refuse larger ones before they are buffered. */
    public static final int MAX_FRAME_CHARS = 1 << 20;

    public static final int MAX_BATCH = 100;

    /** Deeper JSON than this is not a call of this API (the deepest params are 3 levels). */
    public static final int MAX_DEPTH = 32;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        JSON.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH)
                        .maxStringLength(MAX_FRAME_CHARS)
                        .maxNumberLength(64)
                        .build());
    }

    private final Map<String, Method> methods = new LinkedHashMap<>();
    private final Supplier<Object> discover;

    /** @param discover what {@code rpc.discover} answers (the OpenRPC document) */
    public RpcDispatcher(List<Method> methods, Supplier<Object> discover) {
        for (Method m : methods) {
            if (this.methods.put(m.name(), m) != null) {
                throw new IllegalArgumentException("method " + m.name() + " is defined twice");
            }
        }
        this.discover = discover;
    }

    public static ObjectMapper json() {
        return JSON;
    }

    public List<Method> methods() {
        return List.copyOf(methods.values());
    }

    /** The response frame to {@code frame}, or empty when none is due (notifications only). */
    public Optional<String> handle(String frame) {
        if (frame.length() > MAX_FRAME_CHARS) {
            return Optional.of(write(error(
                    NullNode.getInstance(),
                    RpcError.of(
                            RpcError.TOO_LARGE,
                            "a frame of " + frame.length() + " characters is over " + MAX_FRAME_CHARS))));
        }
        JsonNode request;
        try {
            request = JSON.readTree(frame);
        } catch (JsonProcessingException e) {
            return Optional.of(write(error(
                    NullNode.getInstance(), RpcError.of(RpcError.PARSE_ERROR, "not JSON: " + e.getOriginalMessage()))));
        }
        if (request == null || request.isMissingNode()) {
            return Optional.of(write(error(NullNode.getInstance(), RpcError.of(RpcError.PARSE_ERROR, "empty frame"))));
        }
        if (request.isArray()) {
            return batch((ArrayNode) request);
        }
        return one(request).map(RpcDispatcher::write);
    }

    private Optional<String> batch(ArrayNode requests) {
        if (requests.isEmpty()) {
            return Optional.of(
                    write(error(NullNode.getInstance(), RpcError.of(RpcError.INVALID_REQUEST, "an empty batch"))));
        }
        if (requests.size() > MAX_BATCH) {
            return Optional.of(write(error(
                    NullNode.getInstance(),
                    RpcError.of(RpcError.TOO_LARGE, "a batch of " + requests.size() + " calls is over " + MAX_BATCH))));
        }
        ArrayNode responses = JsonNodeFactory.instance.arrayNode();
        for (JsonNode r : requests) {
            one(r).ifPresent(responses::add);
        }
        return responses.isEmpty() ? Optional.empty() : Optional.of(write(responses));
    }

    /** The response to one request; empty for a valid notification. */
    private Optional<ObjectNode> one(JsonNode request) {
        if (!request.isObject()) {
            return Optional.of(error(
                    NullNode.getInstance(),
                    RpcError.of(
                            RpcError.INVALID_REQUEST,
                            "a request is a JSON object, not "
                                    + request.getNodeType().name().toLowerCase(java.util.Locale.ROOT))));
        }
        JsonNode id = request.get("id");
        boolean notification = id == null;
        if (id != null && !(id.isTextual() || id.isNumber() || id.isNull())) {
            return Optional.of(error(
                    NullNode.getInstance(),
                    RpcError.of(RpcError.INVALID_REQUEST, "'id' must be a string, a number or null")));
        }
        JsonNode replyId = id == null ? NullNode.getInstance() : id;
        JsonNode version = request.get("jsonrpc");
        if (version == null || !version.isTextual() || !version.textValue().equals("2.0")) {
            return Optional.of(error(replyId, RpcError.of(RpcError.INVALID_REQUEST, "'jsonrpc' must be \"2.0\"")));
        }
        JsonNode name = request.get("method");
        if (name == null || !name.isTextual()) {
            return Optional.of(error(replyId, RpcError.of(RpcError.INVALID_REQUEST, "'method' must be a string")));
        }
        JsonNode params = request.get("params");
        if (params != null && !params.isObject() && !params.isArray()) {
            return Optional.of(
                    error(replyId, RpcError.of(RpcError.INVALID_REQUEST, "'params' must be an object or an array")));
        }
        Object result;
        try {
            result = call(name.textValue(), params);
        } catch (RpcException e) {
            return notification ? Optional.empty() : Optional.of(error(replyId, e.error()));
        } catch (IllegalArgumentException e) {
            return notification
                    ? Optional.empty()
                    : Optional.of(error(
                            replyId,
                            RpcError.of(
                                    RpcError.INVALID_PARAMS, e.getMessage() == null ? e.toString() : e.getMessage())));
        } catch (RuntimeException e) {
            LOG.error("method {} failed", name.textValue(), e);
            return notification
                    ? Optional.empty()
                    : Optional.of(error(
                            replyId,
                            RpcError.of(
                                    RpcError.INTERNAL_ERROR,
                                    "internal error in " + name.textValue() + " (see the daemon's log)")));
        }
        if (notification) {
            return Optional.empty();
        }
        ObjectNode response = JsonNodeFactory.instance.objectNode();
        response.put("jsonrpc", "2.0");
        response.set("result", JSON.valueToTree(result));
        response.set("id", replyId);
        return Optional.of(response);
    }

    private Object call(String name, JsonNode params) throws RpcException {
        if (name.equals("rpc.discover")) {
            Params.of(params).allowOnly(Set.of());
            return discover.get();
        }
        Method m = methods.get(name);
        if (m == null) {
            throw new RpcException(
                    RpcError.METHOD_NOT_FOUND, "no method '" + abbreviate(name) + "' (rpc.discover lists them)");
        }
        Params p = Params.of(params);
        p.allowOnly(m.params().stream().map(Method.Param::name).collect(Collectors.toSet()));
        List<String> missing = new ArrayList<>();
        for (Method.Param param : m.params()) {
            if (param.required() && !p.has(param.name())) {
                missing.add(param.name());
            }
        }
        if (!missing.isEmpty()) {
            throw RpcException.invalidParams("missing parameter" + (missing.size() > 1 ? "s " : " ") + missing);
        }
        return m.handler().call(p);
    }

    private static ObjectNode error(JsonNode id, RpcError error) {
        ObjectNode response = JsonNodeFactory.instance.objectNode();
        response.put("jsonrpc", "2.0");
        response.set("error", JSON.valueToTree(error));
        response.set("id", id);
        return response;
    }

    /** A notification frame (no id) the server pushes: an event. */
    public static String notification(String method, Object params) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("jsonrpc", "2.0");
        n.put("method", method);
        n.set("params", JSON.valueToTree(params));
        return write(n);
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree always writes", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }
}
