package dev.tether.jdbc;

import dev.tether.pool.Redact;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Passwords never show, in any URL shape; the config names the field, value and rule of a bad setting. */
class SecretsAndConfigTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "jdbc:postgresql://db:5432/app?user=u&password=s3cret&ssl=true | jdbc:postgresql://db:5432/app?user=u&password=***&ssl=true",
            "jdbc:postgresql://db/app?sslpassword=s3cret | jdbc:postgresql://db/app?sslpassword=***",
            "jdbc:mysql://u:s3cret@db:3306/app | jdbc:mysql://u:***@db:3306/app",
            "jdbc:mariadb://db/app?user=u&password=s3cret | jdbc:mariadb://db/app?user=u&password=***",
            "jdbc:sqlserver://db;databaseName=app;password=s3cret;encrypt=true | jdbc:sqlserver://db;databaseName=app;password=***;encrypt=true",
            "jdbc:oracle:thin:scott/s3cret@db:1521/app | jdbc:oracle:thin:scott/***@db:1521/app",
            "jdbc:postgresql://db/app | jdbc:postgresql://db/app",
    })
    void urlSecretsAreMasked(String url, String shown) {
        assertThat(Redact.jdbcUrl(url)).isEqualTo(shown).doesNotContain("s3cret");
    }

    @Test
    void toStringHidesThePasswordAndSecretProperties() {
        JdbcPoolConfig c = JdbcPoolConfig.builder().url("jdbc:postgresql://db/app?password=s3cret").user("app")
                .password("hunter2").property("sslpassword", "k3y").property("ApplicationName", "orders").build();
        assertThat(c.toString()).doesNotContain("s3cret", "hunter2", "k3y").contains("orders").contains("password=***");
        assertThat(c.password()).isEqualTo("hunter2");
    }

    @Test
    void badSettingsNameTheFieldTheValueAndTheRule() {
        assertThatThrownBy(() -> JdbcPoolConfig.builder().url("postgresql://db/app").build())
                .hasMessage("url: \"postgresql://db/app\" (expected: a JDBC URL, jdbc:<driver>:...)");
        assertThatThrownBy(() -> JdbcPoolConfig.builder().url("jdbc:x:y").pool(p -> p.maxPerKey(0)).build())
                .hasMessage("pool.maxPerKey: 0 (expected: >= 1)");
        assertThatThrownBy(() -> JdbcPoolConfig.builder().url("jdbc:x:y").keepAliveIdle(Duration.ofMillis(500)).build())
                .hasMessageStartingWith("keepAliveIdle: PT0.5S (expected: whole seconds");
        assertThatThrownBy(() -> JdbcPoolConfig.builder().url("jdbc:x:y").validationTimeout(Duration.ofMillis(1500)).build())
                .hasMessageStartingWith("validationTimeout: PT1.5S (expected: whole seconds >= 1 s");
        assertThatThrownBy(() -> JdbcPoolConfig.builder().url("jdbc:x:y").transactionIsolation(3).build())
                .hasMessageStartingWith("transactionIsolation: 3");
        assertThatThrownBy(() -> JdbcPoolConfig.builder().url("jdbc:x:y").failFastTimeout(Duration.ofSeconds(-1)).build())
                .hasMessage("failFastTimeout: PT-1S (expected: a Duration >= 0)");
        assertThatThrownBy(() -> JdbcPoolConfig.builder().url("jdbc:x:y").initSql(" ").build())
                .hasMessageStartingWith("initSql:");
    }

    @Test
    void theDefaultsAndACopy() {
        JdbcPoolConfig c = JdbcPoolConfig.builder().url("jdbc:x:y").pool(p -> p.maxPerKey(20)).build();
        assertThat(c.pool().name()).isEqualTo("jdbc");
        assertThat(c.pool().maxPerKey()).isEqualTo(20);
        assertThat(c.pool().idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.watchIdle()).isTrue();
        assertThat(c.keepAlive()).isTrue();
        assertThat(c.keepAliveIdle()).isEqualTo(Duration.ofSeconds(15));
        JdbcPoolConfig d = c.toBuilder().initSql("set x = 1").build();
        assertThat(d.toString()).isEqualTo(c.toBuilder().initSql("set x = 1").build().toString());
        assertThat(d.initSql()).containsExactly("set x = 1");
        assertThat(c.initSql()).isEmpty();
    }
}
