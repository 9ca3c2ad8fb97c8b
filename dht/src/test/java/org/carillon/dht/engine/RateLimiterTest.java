package org.carillon.dht.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    final RateLimiter limiter = new RateLimiter();

    @Test
    void aSourceGetsItsQuotaPerSlidingSecondWhateverHowItsRequestsAreSpread() throws Exception {
        InetAddress a = InetAddress.getByName("192.0.2.1");
        // half the quota early in the second, half late: the window must keep them in order as it grows
        for (int i = 0; i < RateLimiter.PER_SOURCE_PER_SECOND / 2; i++) {
            assertThat(limiter.allow(a, 1_000)).isTrue();
        }
        for (int i = 0; i < RateLimiter.PER_SOURCE_PER_SECOND / 2; i++) {
            assertThat(limiter.allow(a, 1_600)).isTrue();
        }
        assertThat(limiter.allow(a, 1_700)).isFalse();
        // the early half leaves the window: exactly that many fit again
        for (int i = 0; i < RateLimiter.PER_SOURCE_PER_SECOND / 2; i++) {
            assertThat(limiter.allow(a, 2_000)).as("request %d", i).isTrue();
        }
        assertThat(limiter.allow(a, 2_000)).isFalse();
        assertThat(limiter.allow(InetAddress.getByName("192.0.2.2"), 2_000))
                .as("another source has its own quota")
                .isTrue();
    }

    @Test
    void allSourcesTogetherShareTheGlobalQuota() throws Exception {
        int accepted = 0;
        for (int s = 0; s < 16; s++) {
            InetAddress from = InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) s});
            for (int i = 0; i < RateLimiter.PER_SOURCE_PER_SECOND; i++) {
                if (limiter.allow(from, 5_000)) {
                    accepted++;
                }
            }
        }
        assertThat(accepted).isEqualTo(RateLimiter.GLOBAL_PER_SECOND);
    }
}
