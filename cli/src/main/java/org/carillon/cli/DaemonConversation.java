package org.carillon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.carillon.api.client.ApiException;
import org.carillon.api.client.CarillonClient;
import org.carillon.api.model.MessageView;
import org.carillon.api.rpc.RpcDispatcher;
import org.carillon.core.account.AccountId;

/**
 * A conversation through the running daemon's API: the daemon has the account online, keeps
 * sending what is owed after the chat ends, and tells every connection about every account,
 * so its events are taken for this account only.
 */
final class DaemonConversation implements Conversation {
    private final CarillonClient daemon;
    private final String account;
    private final AccountId peer;

    /** {@code account} is the account's full id (as the daemon's events name it). */
    DaemonConversation(CarillonClient daemon, String account, AccountId peer) {
        this.daemon = daemon;
        this.account = account;
        this.peer = peer;
    }

    @Override
    public List<ChatMessage> latest(int limit) throws IOException {
        return refusals(() -> daemon.history(account, peer.hex(), Optional.empty(), limit).stream()
                .map(ChatMessage::of)
                .toList());
    }

    @Override
    public ChatMessage send(String text) throws IOException {
        return refusals(() -> ChatMessage.of(daemon.send(account, peer.hex(), text)));
    }

    @Override
    public ChatMessage edit(long id, String text) throws IOException {
        return refusals(() -> ChatMessage.of(daemon.edit(account, peer.hex(), Long.toUnsignedString(id, 16), text)));
    }

    @Override
    public ChatMessage delete(long id) throws IOException {
        return refusals(() -> ChatMessage.of(daemon.delete(account, peer.hex(), Long.toUnsignedString(id, 16))));
    }

    @Override
    public void typing(boolean active) throws IOException {
        refusals(() -> {
            daemon.typing(account, peer.hex(), active);
            return null;
        });
    }

    @Override
    public void markRead() throws IOException {
        refusals(() -> {
            daemon.markRead(account, peer.hex());
            return null;
        });
    }

    /** The daemon keeps the account online and sends what is owed: the chat may end at once. */
    @Override
    public int owedDeliveries() {
        return 0;
    }

    @Override
    public void listen(Events events) {
        DaemonEvents ours = new DaemonEvents(daemon, account);
        ours.on("message.received", p -> {
            MessageView view = RpcDispatcher.json().treeToValue(p, MessageView.class);
            events.onMessage(AccountId.parse(view.contact()), ChatMessage.of(view));
        });
        ours.on("message.edited", p -> {
            MessageView view = RpcDispatcher.json().treeToValue(p, MessageView.class);
            events.onEdited(AccountId.parse(view.contact()), ChatMessage.of(view));
        });
        ours.on(
                "message.status",
                p -> events.onStatus(
                        contact(p),
                        DaemonViews.messageId(p.path("id").asText()),
                        DaemonViews.status(p.path("status").asText())));
        ours.on(
                "message.typing",
                p -> events.onTyping(contact(p), p.path("typing").asBoolean()));
    }

    @Override
    public CompletableFuture<String> ended() {
        return daemon.closed()
                .thenApply(v -> "the daemon stopped: the chat ends here (what you sent that is not delivered"
                        + " yet stays in its outbox, sent again when it runs)");
    }

    private static AccountId contact(JsonNode params) {
        return AccountId.parse(params.path("contact").asText());
    }

    private interface Call<T> {
        T run() throws IOException;
    }

    /** What the daemon refused (an error object) is a user error of the chat, said in its words. */
    private static <T> T refusals(Call<T> call) throws IOException {
        try {
            return call.run();
        } catch (ApiException e) {
            throw new CommandError(e.error().message());
        }
    }
}
