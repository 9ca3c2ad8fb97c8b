package org.carillon.dht.engine;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;

/**
 * A value being put, by the searches of every family: done as soon as one family stored it,
 * failed when all gave up. A permanent announce lives on, refreshed, until cancelled.
 */
final class Announce {
    /** Where the value stands at one storage node, whichever family's search sent it there. */
    enum AtNode {
        UNSENT,
        SENDING,
        STORED
    }

    private final InfoHash key;
    private final Value value;
    private final boolean permanent;
    private final long created;
    private final long lifetime;
    private final Consumer<Boolean> onDone;
    private final boolean freshId;
    /** By node id: a dual-stack storage node is in both families' searches but must get one put. */
    private final Map<InfoHash, AtNode> atNodes = new HashMap<>();

    private int familiesLeft;
    private boolean reported;
    private boolean cancelled;

    /**
     * @param freshId the value's id was drawn for this put, so no node can hold the value before
     *     this announce sends it there
     */
    Announce(
            InfoHash key,
            Value value,
            boolean freshId,
            boolean permanent,
            long created,
            long lifetime,
            Consumer<Boolean> onDone) {
        this.key = key;
        this.freshId = freshId;
        this.value = value;
        this.permanent = permanent;
        this.created = created;
        this.lifetime = lifetime;
        this.onDone = onDone;
    }

    InfoHash key() {
        return key;
    }

    Value value() {
        return value;
    }

    boolean permanent() {
        return permanent;
    }

    /** When the value was first put (ms); sent as {@code c} on late puts of non-permanent values. */
    long created() {
        return created;
    }

    /** The value type's lifetime (ms). */
    long lifetime() {
        return lifetime;
    }

    /**
     * Whether a node can be sent the put without first asking whether it has the value: as
     * OpenDHT does for non-permanent puts, when the id is ours and new. Permanent puts probe, to
     * refresh rather than replace a value a node holds.
     */
    boolean putsWithoutProbe() {
        return freshId && !permanent;
    }

    AtNode at(InfoHash node) {
        return atNodes.getOrDefault(node, AtNode.UNSENT);
    }

    void at(InfoHash node, AtNode state) {
        atNodes.put(node, state);
    }

    /** A non-permanent value is announced until its type's lifetime is over. */
    boolean isOver(long now) {
        return cancelled || (!permanent && now >= created + lifetime);
    }

    void cancel() {
        cancelled = true;
        finish(false);
    }

    void runOn(int families) {
        familiesLeft = families;
    }

    void familyDone(boolean ok) {
        if (ok) {
            finish(true);
        } else if (--familiesLeft <= 0) {
            finish(false);
        }
    }

    private void finish(boolean ok) {
        if (!reported) {
            reported = true;
            onDone.accept(ok);
        }
    }
}
