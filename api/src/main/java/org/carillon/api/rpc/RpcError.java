package org.carillon.api.rpc;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A JSON-RPC 2.0 error object. The standard codes (-32700 … -32603) plus Carillon's own, in the
 * range the specification leaves to servers (-32000 … -32099).
 *
 * @param data what the caller may act on (which parameter, which limit), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RpcError(int code, String message, Object data) {
    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;

    /** The account, contact or message named does not exist. */
    public static final int NOT_FOUND = -32001;
    /** The request is well formed but the state forbids it (not a contact, blocked, already done). */
    public static final int REFUSED = -32002;
    /** Above a size limit (a message, a frame, a batch). */
    public static final int TOO_LARGE = -32003;
    /** The network is needed and not reachable now. */
    public static final int OFFLINE = -32004;
    /** The daemon runs as many slow operations (key generation, archive encryption) as it allows: try again. */
    public static final int BUSY = -32005;

    public RpcError {
        if (message == null) {
            throw new IllegalArgumentException("an error needs a message");
        }
    }

    public static RpcError of(int code, String message) {
        return new RpcError(code, message, null);
    }
}
