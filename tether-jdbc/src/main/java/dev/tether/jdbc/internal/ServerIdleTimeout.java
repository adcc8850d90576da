package dev.tether.jdbc.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * Reads how long the server lets this session sit idle before it ends it: PostgreSQL's
 * {@code idle_session_timeout} (14+; 0 is off), MariaDB's and MySQL's session {@code wait_timeout}
 * (which the server sets from {@code interactive_timeout} for interactive clients). One query on a
 * new session, so a value set per role, per database or by the init SQL is the one read.
 */
final class ServerIdleTimeout {
    private ServerIdleTimeout() {
    }

    /** The cut in nanoseconds, or 0 when there is none or it cannot be read (then only the watcher guards it). */
    static long read(Vendor vendor, Connection raw) {
        switch (vendor) {
            case POSTGRESQL:
                // pg_settings shows the session's value, in the setting's unit; no row before 14.
                return query(raw, "select setting, unit from pg_settings where name = 'idle_session_timeout'");
            case MYSQL:
                return query(raw, "select @@session.wait_timeout, 's'");
            default:
                return 0;
        }
    }

    private static long query(Connection raw, String sql) {
        try (Statement s = raw.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                return 0;
            }
            long value = Long.parseLong(rs.getString(1).trim());
            return value <= 0 ? 0 : unit(rs.getString(2)).toNanos(value);
        } catch (SQLException | NumberFormatException e) {
            JdbcConnector.LOG.debug("could not read the server's idle timeout ({}): {}", sql, e.toString());
            return 0;
        }
    }

    private static TimeUnit unit(String unit) {
        if (unit == null) {
            return TimeUnit.MILLISECONDS;
        }
        switch (unit) {
            case "s": return TimeUnit.SECONDS;
            case "min": return TimeUnit.MINUTES;
            case "h": return TimeUnit.HOURS;
            case "us": return TimeUnit.MICROSECONDS;
            default: return TimeUnit.MILLISECONDS;
        }
    }
}
