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
import org.carillon.core.local.AccountSession;
import org.carillon.core.local.LocalAccounts;
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
        AccountEvents events = new AccountEvents() {
            @Override
            public void onRefused(String reason) {
                err.println("refused: " + reason);
                err.flush();
            }
        };
        return run(accounts, account, network, events, network.timeout, operation);
    }

    /** With the account's events going to {@code events}, for at most {@code limit}. */
    static <T> T run(
            LocalAccounts accounts,
            LocalAccount account,
            NetworkOptions network,
            AccountEvents events,
            Duration limit,
            Operation<T> operation)
            throws IOException {
        AccountKeys keys = accounts.keys(account);
        try (AccountSession session = AccountSession.start(
                keys,
                accounts.state(account),
                events,
                accounts.messages(account),
                null,
                accounts.revocations(account),
                network.config(),
                network.timeout)) {
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
