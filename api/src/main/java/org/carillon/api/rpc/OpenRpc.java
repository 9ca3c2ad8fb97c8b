package org.carillon.api.rpc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenRPC document (spec.open-rpc.org, 1.3.2) of a set of methods: what {@code rpc.discover}
 * answers and {@code docs/api/openrpc.json} holds. Made from the same {@link Method}s the
 * dispatcher runs, so the two cannot drift apart; events (server notifications) are listed in
 * the {@code x-events} extension, as OpenRPC has no place for them.
 */
public final class OpenRpc {
    private OpenRpc() {}

    public static Map<String, Object> document(
            String title,
            String version,
            List<Method> methods,
            Map<String, String> events,
            Map<Integer, String> errors) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openrpc", "1.3.2");
        doc.put(
                "info",
                Map.of(
                        "title", title,
                        "version", version,
                        "description",
                                "JSON-RPC 2.0 over a WebSocket at /rpc; the client presents the daemon's token"
                                        + " (Authorization: Bearer, or ?token=). Parameters are by name. Ids of accounts are 40 hex"
                                        + " digits, ids of messages hex strings."));
        List<Object> list = new ArrayList<>();
        for (Method m : methods) {
            Map<String, Object> method = new LinkedHashMap<>();
            method.put("name", m.name());
            method.put("summary", m.summary());
            method.put("paramStructure", "by-name");
            List<Object> params = new ArrayList<>();
            for (Method.Param p : m.params()) {
                Map<String, Object> param = new LinkedHashMap<>();
                param.put("name", p.name());
                param.put("description", p.description());
                param.put("required", p.required());
                param.put("schema", p.schema());
                params.add(param);
            }
            method.put("params", params);
            method.put("result", Map.of("name", "result", "schema", m.result()));
            list.add(method);
        }
        doc.put("methods", list);
        List<Object> errorList = new ArrayList<>();
        errors.forEach((code, meaning) -> errorList.add(Map.of("code", code, "message", meaning)));
        doc.put("components", Map.of("errors", errorList));
        doc.put("x-events", events);
        return doc;
    }

    /** Every error code this API answers with, and what it means. */
    public static Map<Integer, String> errors() {
        Map<Integer, String> e = new LinkedHashMap<>();
        e.put(RpcError.PARSE_ERROR, "the frame is not JSON");
        e.put(RpcError.INVALID_REQUEST, "not a JSON-RPC 2.0 request");
        e.put(RpcError.METHOD_NOT_FOUND, "no such method");
        e.put(RpcError.INVALID_PARAMS, "a parameter is missing, unknown, or of the wrong type or range");
        e.put(RpcError.INTERNAL_ERROR, "the daemon failed (its log says why)");
        e.put(RpcError.NOT_FOUND, "the account, contact or message named does not exist");
        e.put(RpcError.REFUSED, "the state forbids it (not a contact, blocked, no such request)");
        e.put(RpcError.TOO_LARGE, "over a size limit (message, frame, batch)");
        e.put(RpcError.OFFLINE, "the network is needed and not reachable");
        e.put(
                RpcError.BUSY,
                "the daemon is already running its 2 slow operations (account creation or import, archive"
                        + " encryption): try again in a moment");
        return e;
    }
}
