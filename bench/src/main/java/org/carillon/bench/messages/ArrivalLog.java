package org.carillon.bench.messages;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.carillon.core.account.AccountId;
import org.carillon.core.message.Message;
import org.carillon.core.message.MessageEvents;
import org.carillon.core.message.MessageStatus;

/**
 * When each message was first heard of by one account: received (an incoming message) or
 * delivered (our message acknowledged), in the nanoseconds of a clock the experiment chooses
 * (the wall clock on loopback, virtual time in the simulation). The same log is handed to every
 * session of the account, so a restart keeps what was heard before it.
 */
final class ArrivalLog implements MessageEvents {
    private final LongSupplier nanos;
    private final Map<Long, Long> received = new HashMap<>();
    private final Map<Long, Long> delivered = new HashMap<>();
    private long refused;

    ArrivalLog(LongSupplier nanos) {
        this.nanos = nanos;
    }

    @Override
    public synchronized void onMessage(Message message) {
        if (!message.outgoing()) {
            received.putIfAbsent(message.id(), nanos.getAsLong());
        }
    }

    @Override
    public synchronized void onStatus(AccountId peer, long messageId, MessageStatus status) {
        if (status == MessageStatus.DELIVERED || status == MessageStatus.READ) {
            delivered.putIfAbsent(messageId, nanos.getAsLong());
        }
    }

    @Override
    public synchronized void onRefused(String reason) {
        refused++;
    }

    synchronized Long receivedAt(long id) {
        return received.get(id);
    }

    synchronized Long deliveredAt(long id) {
        return delivered.get(id);
    }

    synchronized boolean allReceived(Collection<Long> ids) {
        return received.keySet().containsAll(ids);
    }

    synchronized boolean allDelivered(Collection<Long> ids) {
        return delivered.keySet().containsAll(ids);
    }

    synchronized long refused() {
        return refused;
    }
}
