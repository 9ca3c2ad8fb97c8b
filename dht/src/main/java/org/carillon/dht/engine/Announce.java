package org.carillon.dht.engine;

import java.util.function.Consumer;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;

/**
 * A value being put, by the searches of every family: done as soon as one family stored it,
 * failed when all gave up. A permanent announce lives on, refreshed, until cancelled.
 */
final class Announce {
    private final InfoHash key;
    private final Value value;
    private final boolean permanent;
    private final long created;
    private final long lifetime;
    private final Consumer<Boolean> onDone;
    private int familiesLeft;
    private boolean reported;
    private boolean cancelled;

    Announce(InfoHash key, Value value, boolean permanent, long created, long lifetime, Consumer<Boolean> onDone) {
        this.key = key;
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
