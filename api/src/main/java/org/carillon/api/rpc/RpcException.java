package org.carillon.api.rpc;

/** A method's failure as the caller will see it: an {@link RpcError}. */
public final class RpcException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient RpcError error;

    public RpcException(int code, String message) {
        this(new RpcError(code, message, null));
    }

    public RpcException(RpcError error) {
        super(error.message());
        this.error = error;
    }

    public RpcError error() {
        return error;
    }

    public static RpcException invalidParams(String message) {
        return new RpcException(RpcError.INVALID_PARAMS, message);
    }

    public static RpcException notFound(String message) {
        return new RpcException(RpcError.NOT_FOUND, message);
    }
}
