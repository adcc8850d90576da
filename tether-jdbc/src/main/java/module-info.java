/**
 * tether-jdbc: a DataSource pool over any JDBC driver. Only {@code dev.tether.jdbc} is API; the
 * proxies, the connector and the session state in {@code dev.tether.jdbc.internal} are not exported.
 */
module dev.tether.jdbc {
    requires transitive java.sql;
    requires transitive dev.tether.pool;
    requires dev.tether.net;
    requires jdk.net;
    requires org.slf4j;

    exports dev.tether.jdbc;
}
