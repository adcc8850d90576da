package dev.tether.http.internal;

import dev.tether.net.Endpoint;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** What a route learns from the idle closes it sees, with time given as numbers (no clock at all). */
class RouteStateTest {

    @Test
    void learnedTimeoutDropsToASmallerConfirmedObservationAndExpiresAfterItsTtl() throws Exception {
        // Unit-level: the ring keeps the smallest recent observation that another one confirms,
        // and forgets it after the TTL.
        var rs = new RouteState(Endpoint.of("127.0.0.1", 80),
                Duration.ofSeconds(10), Duration.ofMillis(250), 0.1);
        long t = 0;
        rs.observeIdleClose(Duration.ofSeconds(5).toNanos(), t);
        assertThat(rs.learnedIdleNanos(t)).as("a single close proves nothing").isEqualTo(-1);
        rs.observeIdleClose(Duration.ofMillis(5_300).toNanos(), t);
        assertThat(rs.learnedIdleNanos(t)).as("5.0 s and 5.3 s agree within 10 %").isEqualTo(Duration.ofSeconds(5).toNanos());
        rs.observeIdleClose(Duration.ofSeconds(2).toNanos(), t + 1);
        rs.observeIdleClose(Duration.ofMillis(2_040).toNanos(), t + 1);
        assertThat(rs.learnedIdleNanos(t + 2)).isEqualTo(Duration.ofSeconds(2).toNanos());
        assertThat(rs.idleBudgetNanos(-1, t + 2)).isEqualTo(Duration.ofMillis(1750).toNanos());
        assertThat(rs.idleBudgetNanos(Duration.ofSeconds(10).toNanos(), t + 2)).isEqualTo(Duration.ofMillis(1750).toNanos());
        assertThat(rs.learnedIdleNanos(t + Duration.ofSeconds(11).toNanos())).isEqualTo(-1);
        rs.observeIdleClose(Duration.ofSeconds(8).toNanos(), t + Duration.ofSeconds(12).toNanos());
        rs.observeIdleClose(Duration.ofSeconds(8).toNanos(), t + Duration.ofSeconds(12).toNanos());
        assertThat(rs.learnedIdleNanos(t + Duration.ofSeconds(12).toNanos())).isEqualTo(Duration.ofSeconds(8).toNanos());
        // A 10 % margin applies above 2.5 s.
        assertThat(rs.idleBudgetNanos(Duration.ofSeconds(60).toNanos(), t + Duration.ofSeconds(12).toNanos()))
                .isEqualTo(Duration.ofMillis(7200).toNanos());
    }

    @Test
    void aOneOffCloseAtARandomAgeDoesNotStopReuse() {
        // A killed connection (tcpkill, a restart, a middlebox) closes at whatever age it had: were
        // it trusted, a 5 ms "timeout" would end keep-alive on the route for the whole TTL.
        var rs = new RouteState(Endpoint.of("127.0.0.1", 80),
                Duration.ofMinutes(10), Duration.ofMillis(250), 0.1);
        rs.observeIdleClose(Duration.ofMillis(5).toNanos(), 0);
        rs.observeIdleClose(Duration.ofMillis(900).toNanos(), 1);
        rs.observeIdleClose(Duration.ofMillis(3_400).toNanos(), 2);
        assertThat(rs.learnedIdleNanos(3)).isEqualTo(-1);
        assertThat(rs.idleBudgetNanos(-1, 3)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aZeroTtlKeepsObservationsForEver() {
        var rs = new RouteState(Endpoint.of("127.0.0.1", 80), Duration.ZERO, Duration.ofMillis(250), 0.1);
        rs.observeIdleClose(Duration.ofSeconds(5).toNanos(), 0);
        rs.observeIdleClose(Duration.ofSeconds(5).toNanos(), 1);
        assertThat(rs.learnedIdleNanos(Long.MAX_VALUE - 1)).isEqualTo(Duration.ofSeconds(5).toNanos());
        assertThat(rs.learnedIdleNanos(-5)).as("any ticker value, even a negative one").isEqualTo(Duration.ofSeconds(5).toNanos());
    }
}
