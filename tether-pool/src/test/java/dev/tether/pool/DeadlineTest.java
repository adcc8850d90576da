package dev.tether.pool;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DeadlineTest {
    private final FakeTicker ticker = new FakeTicker();

    @Test
    void noneNeverExpires() {
        Deadline none = Deadline.none();
        assertThat(none).isSameAs(Deadline.none());
        assertThat(none.isNone()).isTrue();
        assertThat(none.isExpired()).isFalse();
        assertThat(none.remainingNanos()).isEqualTo(Long.MAX_VALUE);
        assertThat(none.remaining()).isGreaterThan(Duration.ofDays(100 * 365));
        assertThat(none.remainingMillisAtLeast(1)).isEqualTo(Integer.MAX_VALUE);
        assertThat(none.atNanos()).isEqualTo(Long.MAX_VALUE);
        assertThat(none).hasToString("Deadline[none]");
    }

    @Test
    void atCountsDownOnItsTicker() {
        Deadline d = Deadline.at(ticker, ticker.now() + Duration.ofMillis(1500).toNanos());
        assertThat(d.isNone()).isFalse();
        assertThat(d.remaining()).isEqualTo(Duration.ofMillis(1500));
        assertThat(d.remainingMillisAtLeast(1)).isEqualTo(1500);
        ticker.advance(Duration.ofMillis(1500));
        assertThat(d.isExpired()).isTrue();
        assertThat(d.remaining()).isZero();
        assertThat(d.remainingMillisAtLeast(1)).as("a passed deadline still maps to a positive socket timeout").isEqualTo(1);
        assertThat(Deadline.at(ticker, Long.MAX_VALUE).isNone()).as("the pool's spelling of no deadline").isTrue();
    }

    @Test
    void afterSaturatesATimeoutTooLongToCountInNanosToNone() {
        Deadline d = Deadline.after(ticker, Duration.ofSeconds(2));
        assertThat(d.atNanos()).isEqualTo(ticker.now() + Duration.ofSeconds(2).toNanos());
        assertThat(Deadline.after(ticker, Duration.ofDays(365_000))).isSameAs(Deadline.none());
        assertThat(Deadline.after(ticker, Duration.ofDays(-365_000)).isExpired()).isTrue();
    }

    @Test
    void aDeadlineIsRightWhereverTheTickerStarts() {
        FakeTicker negative = new FakeTicker(-Duration.ofDays(1).toNanos());
        Deadline d = Deadline.after(negative, Duration.ofSeconds(1));
        assertThat(d.isExpired()).isFalse();
        negative.advance(Duration.ofSeconds(1));
        assertThat(d.isExpired()).isTrue();

        FakeTicker nearTheTop = new FakeTicker(Long.MAX_VALUE - Duration.ofMillis(10).toNanos());
        Deadline wraps = Deadline.after(nearTheTop, Duration.ofSeconds(1));
        assertThat(wraps.isNone()).isFalse();
        assertThat(wraps.remaining()).isEqualTo(Duration.ofSeconds(1));
        nearTheTop.advance(Duration.ofSeconds(1)); // the ticker wraps around, the deadline with it
        assertThat(wraps.isExpired()).isTrue();
    }
}
