package org.carillon.api.client;

import org.carillon.api.rpc.RpcError;

/** The daemon answered a call with an error object. */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient RpcError error;

    public ApiException(RpcError error) {
        super(error.message() + " (" + error.code() + ")");
        this.error = error;
    }

    public RpcError error() {
        return error;
    }
}
