package org.carillon.dht.routing;

import java.net.InetSocketAddress;
import org.carillon.dht.InfoHash;

/** What this node knows about another: its address and how recently it answered (§8.2). */
public final class RemoteNode {
    /** A node that replied within this window is good (NODE_GOOD_TIME). */
    public static final long GOOD_TIME = 120 * 60_000L;
    /** A node heard from within this window is not old (NODE_EXPIRE_TIME). */
    public static final long EXPIRE_TIME = 10 * 60_000L;

    public static final int MAX_AUTH_ERRORS = 3;

    private final InfoHash id;
    private InetSocketAddress address;
    private long lastHeard = Long.MIN_VALUE / 2;
    private long lastReply = Long.MIN_VALUE / 2;
    private boolean expired;
    private int authErrors;
    private boolean client;

    public RemoteNode(InfoHash id, InetSocketAddress address) {
        this.id = id;
        this.address = address;
    }

    public InfoHash id() {
        return id;
    }

    public InetSocketAddress address() {
        return address;
    }

    void setAddress(InetSocketAddress address) {
        this.address = address;
    }

    public boolean isGood(long now) {
        return !expired && now - lastReply < GOOD_TIME && now - lastHeard < EXPIRE_TIME;
    }

    public boolean isExpired() {
        return expired;
    }

    /** Nothing heard from it for {@link #EXPIRE_TIME}. */
    public boolean isOld(long now) {
        return now - lastHeard >= EXPIRE_TIME;
    }

    public boolean hasReplied() {
        return lastReply > Long.MIN_VALUE / 2;
    }

    public long lastReply() {
        return lastReply;
    }

    /** Heard from more recently than it replied: it contacted us (OpenDHT's {@code isIncoming}). */
    public boolean isIncoming() {
        return lastHeard > lastReply;
    }

    public boolean isClient() {
        return client;
    }

    /** It sent us something: any message clears the expired flag. */
    public void heard(long now, boolean reply, boolean isClient) {
        lastHeard = now;
        expired = false;
        client = isClient;
        if (reply) {
            lastReply = now;
            authErrors = 0;
        }
    }

    /** A request to it timed out after every attempt, or sending failed. */
    public void markExpired() {
        expired = true;
    }

    /** It answered a put or listen with 401; more than three in a row expire it. */
    public void authError() {
        if (++authErrors > MAX_AUTH_ERRORS) {
            expired = true;
        }
    }

    @Override
    public String toString() {
        return id + " " + address;
    }
}
