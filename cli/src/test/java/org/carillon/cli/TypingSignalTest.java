package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TypingSignalTest {
    private final TypingSignal typing = new TypingSignal();

    @Test
    void theFirstKeyTellsActiveAndLaterKeysStaySilent() {
        assertThat(typing.onEdit(1_000, false)).contains(true);
        assertThat(typing.onEdit(1_500, false)).isEmpty();
        assertThat(typing.onEdit(2_000, false)).isEmpty();
    }

    @Test
    void sendingOrEmptyingTheLineTellsIdleOnce() {
        typing.onEdit(1_000, false);
        assertThat(typing.onLineDone()).contains(false);
        assertThat(typing.onLineDone()).isEmpty();
        typing.onEdit(2_000, false);
        assertThat(typing.onEdit(2_100, true)).contains(false);
        assertThat(typing.onEdit(2_200, true)).isEmpty();
    }

    @Test
    void aPauseWithoutKeysTellsIdle() {
        typing.onEdit(1_000, false);
        assertThat(typing.onTick(1_000 + TypingSignal.IDLE_AFTER_MILLIS - 1)).isEmpty();
        assertThat(typing.onTick(1_000 + TypingSignal.IDLE_AFTER_MILLIS)).contains(false);
        assertThat(typing.onTick(1_000 + 2 * TypingSignal.IDLE_AFTER_MILLIS)).isEmpty();
        assertThat(typing.onEdit(20_000, false)).contains(true);
    }

    @Test
    void longTypingIsToldAgainSoThePeersIndicatorDoesNotTimeOut() {
        long t = 1_000;
        assertThat(typing.onEdit(t, false)).contains(true);
        int repeats = 0;
        for (int i = 1; i <= 50; i++) {
            Optional<Boolean> told = typing.onEdit(t + i * 1_000L, false);
            if (told.isPresent()) {
                assertThat(told).contains(true);
                repeats++;
            }
        }
        assertThat(repeats).isEqualTo(50_000 / (int) TypingSignal.REPEAT_MILLIS);
    }

    @Test
    void nothingIsToldWhileNobodyTypes() {
        assertThat(typing.onTick(100_000)).isEmpty();
        assertThat(typing.onLineDone()).isEmpty();
        assertThat(typing.onEdit(5, true)).isEmpty();
    }
}
