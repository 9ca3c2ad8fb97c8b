package org.carillon.api.methods;

import java.util.concurrent.Semaphore;
import org.carillon.api.rpc.RpcError;
import org.carillon.api.rpc.RpcException;

/**
 * The daemon-wide limit on calls that hold a CPU and memory for seconds: RSA-4096 generation
 * (a new account or device) and archive encryption (argon2, 64 MiB each). One over the limit is
 * answered BUSY at once rather than queued, so a client cannot tie up every server thread and
 * their memory with them.
 */
final class SlowOperations {
    static final int LIMIT = 2;

    interface Work<T> {
        T run() throws RpcException;
    }

    private final Semaphore permits = new Semaphore(LIMIT);

    <T> T run(Work<T> work) throws RpcException {
        if (!permits.tryAcquire()) {
            throw new RpcException(
                    RpcError.BUSY,
                    "the daemon is already doing " + LIMIT
                            + " slow operations (account creation, archive encryption); try again in a moment");
        }
        try {
            return work.run();
        } finally {
            permits.release();
        }
    }
}
