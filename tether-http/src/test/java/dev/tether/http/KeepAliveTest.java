package dev.tether.http;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class KeepAliveTest {

    @Test
    void readsTimeoutAndMax() {
        KeepAlive ka = KeepAlive.parse("timeout=5, max=100");
        assertThat(ka.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(ka.timeoutNanos()).isEqualTo(5_000_000_000L);
        assertThat(ka.max()).isEqualTo(100);
        assertThat(ka).hasToString("KeepAlive[timeout=5 s, max=100]");
    }

    @Test
    void namesAreCaseInsensitiveValuesMayBeQuotedAndUnknownOnesAreSkipped() {
        KeepAlive ka = KeepAlive.parse(" Timeout = \"7\" ,foo=bar, MAX=3, novalue");
        assertThat(ka.timeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(ka.max()).isEqualTo(3);
    }

    @Test
    void whatPromisesNothingIsIgnored() {
        assertThat(KeepAlive.parse(null)).isSameAs(KeepAlive.NONE);
        assertThat(KeepAlive.parse("")).isSameAs(KeepAlive.NONE);
        assertThat(KeepAlive.parse("timeout=-1, max=abc")).isSameAs(KeepAlive.NONE);
        KeepAlive onlyMax = KeepAlive.parse("timeout=soon, max=2");
        assertThat(onlyMax.hasTimeout()).isFalse();
        assertThat(onlyMax.timeout()).isNull();
        assertThat(onlyMax.timeoutNanos()).isEqualTo(-1);
        assertThat(onlyMax.max()).isEqualTo(2);
    }

    @Test
    void aHugeTimeoutSaturatesInsteadOfOverflowing() {
        KeepAlive ka = KeepAlive.parse("timeout=99999999999999999");
        assertThat(ka.timeoutNanos()).isPositive();
        assertThat(ka.timeout()).isGreaterThan(Duration.ofDays(365 * 100));
    }
}
