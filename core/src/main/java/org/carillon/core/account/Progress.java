package org.carillon.core.account;

/** Hears how far a long piece of work (key generation, archive import) has got. */
@FunctionalInterface
public interface Progress {
    Progress NONE = (done, total, step) -> {};

    /** {@code done} of {@code total} steps finished; {@code step} names the one now running. */
    void update(int done, int total, String step);
}
