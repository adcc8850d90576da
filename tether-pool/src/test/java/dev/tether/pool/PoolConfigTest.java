package dev.tether.pool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PoolConfigTest {

    @Test
    void defaultsAreSaneAndRoundTripThroughToBuilder() {
        PoolConfig d = PoolConfig.DEFAULT;
        assertThat(d.name()).isEqualTo("pool");
        assertThat(d.maxPerKey()).isEqualTo(10);
        assertThat(d.maxTotal()).isEqualTo(100);
        assertThat(d.idleTimeout()).isLessThan(Duration.ofSeconds(60)); // below AWS ALB's 60 s
        assertThat(d.leakDetectionThreshold()).isZero();
        assertThat(d.openBackoff()).isEqualTo(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(10)))
                .isSameAs(Backoff.DEFAULT);
        assertThat(d.toString()).contains("openBackoff=Backoff.exponential(PT0.1S, PT10S)");
        assertThat(d.toBuilder().build().toString()).isEqualTo(d.toString());

        PoolConfig c = d.toBuilder().name("orders").maxPerKey(3).build();
        assertThat(c.name()).isEqualTo("orders");
        assertThat(c.maxPerKey()).isEqualTo(3);
        assertThat(c.maxTotal()).isEqualTo(d.maxTotal());
        assertThat(d.maxPerKey()).isEqualTo(10); // the original is untouched
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad(b -> b.name(" "), "name: \" \" (expected: not blank)"),
                bad(b -> b.name(null), "name: null (expected: not blank)"),
                bad(b -> b.maxPerKey(0), "maxPerKey: 0 (expected: >= 1)"),
                bad(b -> b.maxTotal(0), "maxTotal: 0 (expected: >= 1)"),
                bad(b -> b.maxPerKey(20).maxTotal(10), "maxPerKey: 20 (expected: <= maxTotal 10)"),
                bad(b -> b.minIdle(-1), "minIdle: -1 (expected: >= 0)"),
                bad(b -> b.maxPerKey(5).minIdle(6), "minIdle: 6 (expected: <= maxPerKey 5)"),
                bad(b -> b.maxWaiters(-1), "maxWaiters: -1 (expected: >= 0)"),
                bad(b -> b.maxOpensPerKey(0), "maxOpensPerKey: 0 (expected: >= 1)"),
                bad(b -> b.acquireTimeout(Duration.ofMillis(-1)), "acquireTimeout: PT-0.001S (expected: >= 0)"),
                bad(b -> b.acquireTimeout(null), "acquireTimeout: null (expected: a Duration >= 0)"),
                bad(b -> b.idleTimeout(Duration.ofSeconds(-2)), "idleTimeout: PT-2S (expected: >= 0)"),
                bad(b -> b.maxLifetime(Duration.ofSeconds(-1)), "maxLifetime: PT-1S (expected: >= 0)"),
                bad(b -> b.lifetimeJitter(Duration.ofSeconds(-1)), "lifetimeJitter: PT-1S (expected: >= 0)"),
                bad(b -> b.openTimeout(Duration.ZERO), "openTimeout: PT0S (expected: > 0)"),
                bad(b -> b.openTimeout(null), "openTimeout: null (expected: a Duration > 0)"),
                bad(b -> b.openBackoff(null), "openBackoff: null (expected: a Backoff, such as Backoff.exponential(first, max))"),
                bad(b -> b.openBackoff(Backoff.exponential(Duration.ZERO, Duration.ofSeconds(1))),
                        "openBackoff: Backoff.exponential(PT0S, PT1S) (expected: first > 0)"),
                bad(b -> b.openBackoff(Backoff.exponential(Duration.ofMillis(-5), Duration.ofSeconds(1))),
                        "openBackoff: Backoff.exponential(PT-0.005S, PT1S) (expected: first > 0)"),
                bad(b -> b.openBackoff(Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1))),
                        "openBackoff: Backoff.exponential(PT2S, PT1S) (expected: max >= first)"),
                bad(b -> b.leakDetectionThreshold(Duration.ofSeconds(-1)), "leakDetectionThreshold: PT-1S (expected: >= 0)"),
                bad(b -> b.maxLifetime(Duration.ofMinutes(10)).lifetimeJitter(Duration.ofMinutes(6)),
                        "lifetimeJitter: PT6M (expected: <= half of maxLifetime PT10M)"));
    }

    private static Arguments bad(UnaryOperator<PoolConfig.Builder> change, String message) {
        return Arguments.of(change, message);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalid")
    void everyRuleFailsFastNamingFieldValueAndRule(UnaryOperator<PoolConfig.Builder> change, String message) {
        assertThatThrownBy(() -> change.apply(PoolConfig.builder()).build())
                .isInstanceOfAny(IllegalArgumentException.class, NullPointerException.class)
                .hasMessage(message);
    }

    @Test
    void zeroTurnsExpiryOffAndJitterIsFreeWithoutALifetime() {
        PoolConfig c = PoolConfig.builder().idleTimeout(Duration.ZERO).maxLifetime(Duration.ZERO)
                .lifetimeJitter(Duration.ofHours(1)).acquireTimeout(Duration.ZERO).build();
        assertThat(c.idleTimeout()).isZero();
        assertThat(c.maxLifetime()).isZero();
    }
}
