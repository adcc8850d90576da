package dev.tether.http.internal;

import dev.tether.net.Endpoint;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** What a route learns from the idle closes it sees, with time given as numbers (no clock at all). */
class RouteStateTest {
    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    private static RouteState route(Duration ttl) {
        return new RouteState(Endpoint.of("127.0.0.1", 80), ttl, Duration.ofMillis(250), 0.1);
    }

    @Test
    void learnedTimeoutDropsToASmallerConfirmedObservationAndExpiresAfterItsTtl() {
        // The ring keeps the smallest recent observation that another one confirms, and forgets it
        // after the TTL. Observations a second apart: separate events.
        RouteState rs = route(Duration.ofSeconds(10));
        rs.observeIdleClose(5 * S, 0);
        assertThat(rs.learnedIdleNanos(0)).as("a single close proves nothing").isEqualTo(-1);
        rs.observeIdleClose(5_300 * MS, S);
        assertThat(rs.learnedIdleNanos(S)).as("5.0 s and 5.3 s agree within 10 %").isEqualTo(5 * S);
        rs.observeIdleClose(2 * S, 2 * S);
        rs.observeIdleClose(2_040 * MS, 3 * S);
        assertThat(rs.learnedIdleNanos(3 * S)).isEqualTo(2 * S);
        assertThat(rs.idleBudgetNanos(-1, 3 * S)).isEqualTo(1750 * MS);
        assertThat(rs.idleBudgetNanos(10 * S, 3 * S)).isEqualTo(1750 * MS);
        assertThat(rs.learnedIdleNanos(14 * S)).as("all aged out").isEqualTo(-1);
        rs.observeIdleClose(8 * S, 15 * S);
        rs.observeIdleClose(8 * S, 16 * S);
        assertThat(rs.learnedIdleNanos(16 * S)).isEqualTo(8 * S);
        // A 10 % margin applies above 2.5 s.
        assertThat(rs.idleBudgetNanos(60 * S, 16 * S)).isEqualTo(7200 * MS);
    }

    @Test
    void aOneOffCloseAtARandomAgeDoesNotStopReuse() {
        // A killed connection (tcpkill, a middlebox) closes at whatever age it had: were it trusted,
        // a 900 ms "timeout" would end keep-alive on the route for the whole TTL.
        RouteState rs = route(Duration.ofMinutes(10));
        rs.observeIdleClose(900 * MS, 0);
        rs.observeIdleClose(3_400 * MS, S);
        rs.observeIdleClose(12 * S, 2 * S);
        assertThat(rs.learnedIdleNanos(3 * S)).isEqualTo(-1);
        assertThat(rs.idleBudgetNanos(-1, 3 * S)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aRestartIsOneEventAndTeachesNothing() {
        // A restart closes every pooled connection at the same instant, whatever their idle ages.
        RouteState rs = route(Duration.ofMinutes(10));
        rs.observeIdleClose(2_000 * MS, 10 * S);
        rs.observeIdleClose(2_030 * MS, 10 * S + MS);
        rs.observeFailure(3_100 * MS, 10 * S + 2 * MS);
        assertThat(rs.learnedIdleNanos(11 * S)).as("ages 2.0 s and 3.1 s at one instant: a restart").isEqualTo(-1);
        // A second restart with the same spread, later: still nothing.
        rs.observeIdleClose(2_000 * MS, 40 * S);
        rs.observeIdleClose(3_000 * MS, 40 * S);
        assertThat(rs.learnedIdleNanos(41 * S)).isEqualTo(-1);
    }

    @Test
    void connectionsThatWentIdleTogetherCountOnceWhenTheTimerClosesThem() {
        RouteState rs = route(Duration.ofMinutes(10));
        // Eight connections returned together, closed together by a 2 s timer: one observation.
        for (int i = 0; i < 8; i++) {
            rs.observeIdleClose(2 * S + i * MS, 10 * S + i * MS);
        }
        assertThat(rs.learnedIdleNanos(11 * S)).as("one event, however many connections").isEqualTo(-1);
        rs.observeIdleClose(2 * S, 20 * S);
        assertThat(rs.learnedIdleNanos(21 * S)).as("the timer again, later").isEqualTo(2 * S);
    }

    @Test
    void closesOfConnectionsIdleForAFewMillisecondsTeachNothing() {
        // Below the margin (250 ms) plus 100 ms, a learned timeout would leave no time to reuse a
        // connection: every return would be closed at once.
        RouteState rs = route(Duration.ofMinutes(10));
        rs.observeIdleClose(5 * MS, 0);
        rs.observeIdleClose(6 * MS, S);
        rs.observeFailure(300 * MS, 2 * S);
        rs.observeFailure(310 * MS, 3 * S);
        assertThat(rs.learnedIdleNanos(4 * S)).isEqualTo(-1);
        rs.observeIdleClose(400 * MS, 5 * S);
        rs.observeIdleClose(410 * MS, 6 * S);
        assertThat(rs.learnedIdleNanos(6 * S)).isEqualTo(400 * MS);
        assertThat(rs.idleBudgetNanos(-1, 6 * S)).as("still leaves reuse").isEqualTo(150 * MS);
    }

    @Test
    void aConnectionAliveBeyondTheLearnedValueDropsIt() {
        RouteState rs = route(Duration.ofMinutes(10));
        rs.observeIdleClose(2 * S, 0);
        rs.observeIdleClose(2 * S, S);
        assertThat(rs.learnedIdleNanos(S)).isEqualTo(2 * S);
        assertThat(rs.contradicts(2_100 * MS)).as("within the tolerance").isFalse();
        rs.aliveAfter(2_100 * MS, 2 * S);
        assertThat(rs.learnedIdleNanos(2 * S)).isEqualTo(2 * S);
        assertThat(rs.contradicts(3 * S)).isTrue();
        rs.aliveAfter(3 * S, 3 * S);
        assertThat(rs.learnedIdleNanos(3 * S)).as("the server keeps connections longer").isEqualTo(-1);
    }

    @Test
    void evidenceAgainstASmallValueRaisesItToALargerConfirmedOne() {
        RouteState rs = route(Duration.ofMinutes(10));
        rs.observeIdleClose(5 * S, 0);
        rs.observeIdleClose(5 * S, S);
        rs.observeIdleClose(2 * S, 2 * S);
        rs.observeIdleClose(2 * S, 3 * S);
        assertThat(rs.learnedIdleNanos(3 * S)).isEqualTo(2 * S);
        rs.aliveAfter(3 * S, 4 * S);
        assertThat(rs.learnedIdleNanos(4 * S)).isEqualTo(5 * S);
    }

    @Test
    void oneCanaryPerRoute() {
        RouteState rs = route(Duration.ofMinutes(10));
        Object a = new Object();
        Object b = new Object();
        assertThat(rs.canaryFor(a)).isTrue();
        assertThat(rs.canaryFor(a)).as("still").isTrue();
        assertThat(rs.canaryFor(b)).isFalse();
        rs.closed(b);
        assertThat(rs.canaryFor(b)).as("only the canary's close frees the role").isFalse();
        rs.closed(a);
        assertThat(rs.canaryFor(b)).isTrue();
        assertThat(RouteState.canaryHorizonNanos(2 * S)).isEqualTo(3 * S);
        assertThat(RouteState.canaryHorizonNanos(60 * S)).isEqualTo(90 * S);
    }

    @Test
    void aZeroTtlKeepsObservationsForEver() {
        RouteState rs = route(Duration.ZERO);
        rs.observeIdleClose(5 * S, 0);
        rs.observeIdleClose(5 * S, S);
        assertThat(rs.learnedIdleNanos(Long.MAX_VALUE - 1)).isEqualTo(5 * S);
        assertThat(rs.learnedIdleNanos(-5)).as("any ticker value, even a negative one").isEqualTo(5 * S);
    }
}
