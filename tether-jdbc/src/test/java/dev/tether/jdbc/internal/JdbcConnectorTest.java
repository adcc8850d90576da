package dev.tether.jdbc.internal;

import dev.tether.jdbc.Databases;
import dev.tether.jdbc.Databases.Db;
import dev.tether.jdbc.Databases.Kind;
import dev.tether.net.SocketConfig;
import dev.tether.pool.Deadline;
import dev.tether.pool.Reason;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.StandardSocketOptions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connector against the real drivers: it captures the socket pgjdbc and MariaDB open through
 * tether's factory, sets TCP keepalive on it, reads the server's idle cut after the init SQL, and
 * stays out of the way of a socket factory the caller chose.
 */
class JdbcConnectorTest {

    private static JdbcConnector connector(Db db, Properties props, List<String> initSql) throws SQLException {
        props.setProperty("user", db.user);
        if (db.kind == Kind.POSTGRESQL) {
            props.setProperty("ApplicationName", db.tag);
        }
        return new JdbcConnector(db.url, "connector-test", DriverManager.getDriver(db.url), props, initSql,
                SessionDefaults.of(null, null, null, null, null), true,
                SocketConfig.DEFAULT.toBuilder().keepAliveIdle(Duration.ofSeconds(11)).build(), true,
                Duration.ofSeconds(1), Duration.ZERO, System::nanoTime);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theDriversSocketIsCapturedKeptAliveAndTheServersIdleCutIsRead(Kind kind) throws Exception {
        try (Db db = Databases.of(kind)) {
            String cut = kind == Kind.POSTGRESQL ? "set idle_session_timeout = '10s'" : "set session wait_timeout = 10";
            JdbcConnector connector = connector(db, new Properties(), List.of(cut));
            assertThat(connector.watches()).isTrue();
            PooledConnection c = connector.open(Database.of(db.url, db.user), Deadline.none());
            try {
                assertThat(c.watched()).isTrue();
                assertThat(c.channel.isBlocking()).isTrue();
                assertThat(c.channel.getOption(StandardSocketOptions.SO_KEEPALIVE)).isTrue();
                assertThat(c.channel.getOption(ExtendedSocketOptions.TCP_KEEPIDLE)).isEqualTo(11);
                assertThat(c.channel.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL)).isEqualTo(5);
                assertThat(c.channel.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT)).isEqualTo(3);
                // 10 s cut less the 1 s margin: lent at 8.9 s idle, not at 9 s.
                assertThat(c.idleLimitNanos).isEqualTo(Duration.ofSeconds(9).toNanos());
                assertThat(connector.isReusable(c, Duration.ofMillis(8_900).toNanos())).isTrue();
                assertThat(connector.isReusable(c, Duration.ofSeconds(9).toNanos())).isFalse();
            } finally {
                connector.close(c, Reason.POOL_CLOSED);
            }
            assertThat(c.channel.isOpen()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aSocketFactoryOfTheCallersOwnIsLeftAloneAndTheSessionIsNotWatched(Kind kind) throws Exception {
        try (Db db = Databases.of(kind)) {
            Properties props = new Properties();
            props.setProperty("socketFactory", DefaultFactory.class.getName());
            JdbcConnector connector = connector(db, props, List.of());
            assertThat(connector.watches()).isFalse();
            PooledConnection c = connector.open(Database.of(db.url, db.user), Deadline.none());
            try {
                assertThat(c.watched()).isFalse();
                assertThat(connector.isReusable(c, 0)).isTrue();
                assertThat(c.needsValidation()).as("unwatched: isValid before reuse (validateAfterIdle ZERO)").isTrue();
            } finally {
                connector.close(c, Reason.POOL_CLOSED);
            }
        }
    }

    /** A caller's own factory: the JDK's plain sockets. */
    public static final class DefaultFactory extends javax.net.SocketFactory {
        public DefaultFactory() {
        }

        public DefaultFactory(Properties ignored) {
        }

        @Override public java.net.Socket createSocket() { return new java.net.Socket(); }
        @Override public java.net.Socket createSocket(String h, int p) throws java.io.IOException { return new java.net.Socket(h, p); }
        @Override public java.net.Socket createSocket(String h, int p, java.net.InetAddress l, int lp) throws java.io.IOException { return new java.net.Socket(h, p, l, lp); }
        @Override public java.net.Socket createSocket(java.net.InetAddress h, int p) throws java.io.IOException { return new java.net.Socket(h, p); }
        @Override public java.net.Socket createSocket(java.net.InetAddress h, int p, java.net.InetAddress l, int lp) throws java.io.IOException { return new java.net.Socket(h, p, l, lp); }
    }
}
