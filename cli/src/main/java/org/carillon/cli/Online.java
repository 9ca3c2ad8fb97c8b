package org.carillon.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.contact.AccountEvents;
import org.carillon.core.daemon.DaemonConfig;
import org.carillon.core.daemon.DaemonLock;
import org.carillon.core.local.AccountSession;
import org.carillon.core.local.LocalAccounts;
import org.carillon.core.message.MessageEvents;
import org.carillon.core.store.LocalAccount;

/** Runs one operation with the selected account online, for as long as it takes (bounded by {@code --timeout}). */
final class Online {
    /** What a command does once its account is online; the future completes when it is done. */
    interface Operation<T> {
        CompletableFuture<T> run(AccountSession session) throws IOException;
    }

    private Online() {}

    static <T> T run(
            LocalAccounts accounts,
            LocalAccount account,
            NetworkOptions network,
            PrintWriter err,
            Operation<T> operation)
            throws IOException {
        return run(accounts, account, network, refusalsTo(err), messageRefusalsTo(err), network.timeout, operation);
    }

    /** Message events that only report what was refused, on {@code err}. */
    static MessageEvents messageRefusalsTo(PrintWriter err) {
        return new MessageEvents() {
            @Override
            public void onRefused(String reason) {
                refused(err, reason);
            }
        };
    }

    /** Events that only report what was refused, on {@code err}. */
    static AccountEvents refusalsTo(PrintWriter err) {
        return new AccountEvents() {
            @Override
            public void onRefused(String reason) {
                refused(err, reason);
            }
        };
    }

    private static void refused(PrintWriter err, String reason) {
        synchronized (err) {
            err.println("refused: " + reason);
            err.flush();
        }
    }

    /**
     * With the account's events going to {@code events} and its messages' to {@code
     * messageEvents}, for at most {@code limit} once {@code operation} has returned its future.
     */
    static <T> T run(
            LocalAccounts accounts,
            LocalAccount account,
            NetworkOptions network,
            AccountEvents events,
            MessageEvents messageEvents,
            Duration limit,
            Operation<T> operation)
            throws IOException {
        AccountKeys keys = accounts.keys(account);
        // a daemon has every account of its data directory online: beside it, this command's
        // session of the same device would answer messages twice
        try (DaemonLock online = DaemonLock.acquireShared(accounts.directory());
                AccountSession session = AccountSession.start(
                        keys,
                        accounts.state(account),
                        events,
                        accounts.messages(account),
                        messageEvents,
                        accounts.revocations(account),
                        network.config(),
                        network.timeout,
                        DaemonConfig.loadIfPresent(accounts.directory().root()).messagePolicy())) {
            return operation.run(session).get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("the network did not answer within " + limit.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IOException(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
