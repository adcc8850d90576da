package dev.tether.pool;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {

    @Test
    void exponentialDoublesUpToItsMaximumWithinTwentyPercent() {
        Backoff b = Backoff.exponential(ofMillis(100), ofSeconds(1));
        Random random = new Random(1);
        long[] steps = {100, 200, 400, 800, 1000, 1000};
        for (int failures = 1; failures <= steps.length; failures++) {
            long step = ofMillis(steps[failures - 1]).toNanos();
            for (int i = 0; i < 200; i++) {
                assertThat(b.delay(failures, random).toNanos()).as("failure %d", failures)
                        .isBetween(step - step / 5, step + step / 5);
            }
        }
    }

    @Test
    void exponentialIsTheDefaultAndTheSameRandomGivesTheSameWaits() {
        Backoff d = Backoff.DEFAULT;
        assertThat(d).isEqualTo(Backoff.exponential(ofMillis(100), ofSeconds(10)));
        assertThat(d).hasToString("Backoff.exponential(PT0.1S, PT10S)");
        assertThat(d.delay(3, new Random(42))).isEqualTo(d.delay(3, new Random(42)));
    }

    @Test
    void manyFailuresOrHugeBoundsNeverOverflow() {
        Backoff b = Backoff.exponential(ofSeconds(1), Duration.ofDays(365_000)); // max beyond a long of nanos
        Random random = new Random(3);
        assertThat(b.delay(Integer.MAX_VALUE, random)).isPositive();
        assertThat(Backoff.DEFAULT.delay(Integer.MAX_VALUE, random)).isBetween(ofSeconds(8), ofSeconds(12));
    }

    @Test
    void exponentialNeedsBothBounds() {
        assertThatThrownBy(() -> Backoff.exponential(null, ofSeconds(1))).isInstanceOf(NullPointerException.class)
                .hasMessage("first");
        assertThatThrownBy(() -> Backoff.exponential(ofSeconds(1), null)).isInstanceOf(NullPointerException.class)
                .hasMessage("max");
    }
}
