package org.carillon.api.rpc;

/** One method of the API: takes its parameters, returns what becomes the response's {@code result}. */
@FunctionalInterface
public interface RpcMethod {
    /**
     * @return a value Jackson can write (records, lists, maps, strings, numbers, booleans) or null
     * @throws RpcException for an error the caller should see as is
     * @throws IllegalArgumentException for bad parameters (answered with -32602 and its message)
     */
    Object call(Params params) throws RpcException;
}
