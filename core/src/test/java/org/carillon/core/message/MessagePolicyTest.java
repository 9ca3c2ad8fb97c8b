package org.carillon.core.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MessagePolicyTest {
    static final long MINUTE = 60_000;
    static final long HOUR = 60 * MINUTE;
    final MessagePolicy policy = MessagePolicy.DEFAULT;

    @Test
    void aYoungMessageIsPublishedBeforeItsFiveMinutesEnd() {
        assertThat(policy.nextAttempt(0, 0)).isEqualTo(4 * MINUTE);
        assertThat(policy.nextAttempt(0, 59 * MINUTE)).isEqualTo(63 * MINUTE);
    }

    @Test
    void thenThePausesGrowWithItsAgeUpToSixHours() {
        assertThat(policy.nextAttempt(0, 2 * HOUR) - 2 * HOUR).isEqualTo(30 * MINUTE);
        assertThat(policy.nextAttempt(0, 12 * HOUR) - 12 * HOUR).isEqualTo(3 * HOUR);
        assertThat(policy.nextAttempt(0, 10 * 24 * HOUR) - 10 * 24 * HOUR).isEqualTo(6 * HOUR);
    }

    @Test
    void thirtyDaysCostAboutAHundredAndFiftyPublications() {
        long t = 0;
        int publications = 0;
        while (t < policy.maxAge().toMillis()) {
            t = policy.nextAttempt(0, t);
            publications++;
        }
        assertThat(publications).isBetween(100, 200);
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> new MessagePolicy(
                        Duration.ofDays(1), Duration.ZERO, Duration.ofHours(1), Duration.ofHours(6), 10, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MessagePolicy(
                        Duration.ofDays(1), Duration.ofMinutes(4), Duration.ofHours(1), Duration.ofHours(6), 10, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
