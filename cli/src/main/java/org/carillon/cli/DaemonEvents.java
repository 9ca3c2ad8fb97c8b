package org.carillon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.carillon.api.client.CarillonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon's events about one account. The daemon tells every connection about every
 * account it has online; a command hears its own. An event the command cannot read is the
 * daemon's fault, not the user's: it is skipped and logged, never shown half.
 */
final class DaemonEvents {
    private static final Logger LOG = LoggerFactory.getLogger(DaemonEvents.class);

    /** What a command does with one event's params; it may fail to read them. */
    @FunctionalInterface
    interface Handler {
        void accept(JsonNode params) throws IOException;
    }

    private final CarillonClient daemon;
    private final String account;

    /** {@code account} is the account's full id, as the events name it. */
    DaemonEvents(CarillonClient daemon, String account) {
        this.daemon = daemon;
        this.account = account;
    }

    void on(String event, Handler handler) {
        daemon.onEvent(event, params -> {
            if (!account.equals(params.path("account").asText())) {
                return;
            }
            try {
                handler.accept(params);
            } catch (IOException | IllegalArgumentException e) {
                LOG.warn("skipped a {} event that cannot be read: {}", event, e.toString());
            }
        });
    }
}
