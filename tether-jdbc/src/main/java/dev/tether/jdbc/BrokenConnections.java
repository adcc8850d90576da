package dev.tether.jdbc;

import dev.tether.jdbc.internal.Vendor;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which {@link SQLException}s mean that the connection itself is gone, so that the pool retires it
 * instead of lending it again. One table, read by every proxy of tether-jdbc; a failure that is not
 * in it (a syntax error, a constraint, a deadlock, a statement timeout or cancel) leaves the
 * connection in the pool.
 *
 * <p>Rules, in order; the first that matches decides. The exception, its causes and its
 * {@link SQLException#getNextException() next exceptions} (where batch drivers put the real one)
 * are all looked at.
 * <table>
 *   <caption>What retires a connection</caption>
 *   <tr><th>database</th><th>rule</th><th>meaning</th></tr>
 *   <tr><td>any</td><td>SQLState class {@code 08} (08000, 08001, 08003, 08004, 08006, 08007, 08S01, 08P01)</td>
 *       <td>connection exception: I/O error, connection closed or lost, communication link failure, protocol violation</td></tr>
 *   <tr><td>any</td><td>{@link SQLNonTransientConnectionException}, {@link SQLRecoverableException}</td>
 *       <td>the driver says the connection cannot be used again</td></tr>
 *   <tr><td>PostgreSQL</td><td>SQLState 57P01, 57P02, 57P03</td>
 *       <td>admin_shutdown ({@code pg_terminate_backend}, smart/fast shutdown), crash_shutdown, cannot_connect_now</td></tr>
 *   <tr><td>PostgreSQL</td><td>SQLState 57P04, 57P05, 25P03</td>
 *       <td>database_dropped, idle_session_timeout, idle_in_transaction_session_timeout: the server ended the session</td></tr>
 *   <tr><td>MariaDB, MySQL</td><td>error 1927, 4031; 1053, 1077-1081, 1152, 1184; 2006, 2013</td>
 *       <td>connection killed ({@code KILL}), disconnected for inactivity ({@code wait_timeout}, MySQL 8.0.24+);
 *       server shutdown, forced close, aborted connection; client: server gone away, lost connection</td></tr>
 *   <tr><td>Oracle</td><td>ORA-00028, 01012, 01033, 01034, 01089, 01090, 01092, 02396, 02399, 03113, 03114,
 *       03135, 12153, 12537, 12570; driver 17002, 17008, 17410, 17447</td>
 *       <td>session killed, not logged on, instance starting/down/shutting down, idle or connect time exceeded,
 *       end-of-file on communication channel, not connected, connection lost contact, TNS closed;
 *       I/O error, closed connection, no more data to read from socket</td></tr>
 *   <tr><td>SQL Server</td><td>error 233, 596, 6005, 10053, 10054, 10060, 40197, 40501, 40613</td>
 *       <td>no process on the other end, session in kill state, shutdown in progress, connection aborted/reset/timed
 *       out; Azure SQL: service error, busy, database unavailable (the session is terminated)</td></tr>
 * </table>
 * Vendor error codes are read only for the database the JDBC URL names ({@code jdbc:postgresql:},
 * {@code jdbc:mariadb:} / {@code jdbc:mysql:}, {@code jdbc:oracle:}, {@code jdbc:sqlserver:}), since
 * the numbers mean other things elsewhere; SQLState rules hold for every driver. Stateless and
 * thread-safe.
 */
public final class BrokenConnections {

    private static final Map<String, String> POSTGRESQL_STATES = Map.of(
            "57P01", "the server terminated the session (admin_shutdown: pg_terminate_backend or a shutdown)",
            "57P02", "the server crashed (crash_shutdown)",
            "57P03", "the server cannot accept connections now (cannot_connect_now)",
            "57P04", "the database was dropped (database_dropped)",
            "57P05", "the server ended the idle session (idle_session_timeout)",
            "25P03", "the server ended the session idle in a transaction (idle_in_transaction_session_timeout)");

    private static final Map<Integer, String> MYSQL_CODES = Map.ofEntries(
            Map.entry(1927, "the connection was killed (KILL)"),
            Map.entry(4031, "the server disconnected the idle client (wait_timeout)"),
            Map.entry(1053, "the server is shutting down"),
            Map.entry(1077, "the server shut down"),
            Map.entry(1078, "the server got a signal and is shutting down"),
            Map.entry(1079, "the server shut down"),
            Map.entry(1080, "the server forced the connection closed"),
            Map.entry(1081, "the server's socket failed"),
            Map.entry(1152, "the server aborted the connection"),
            Map.entry(1184, "the server aborted the connection"),
            Map.entry(2006, "the server has gone away"),
            Map.entry(2013, "the connection to the server was lost"));

    private static final Map<Integer, String> ORACLE_CODES = Map.ofEntries(
            Map.entry(28, "ORA-00028: the session was killed"),
            Map.entry(1012, "ORA-01012: not logged on"),
            Map.entry(1033, "ORA-01033: the instance is starting up or shutting down"),
            Map.entry(1034, "ORA-01034: the instance is not available"),
            Map.entry(1089, "ORA-01089: immediate shutdown in progress"),
            Map.entry(1090, "ORA-01090: shutdown in progress"),
            Map.entry(1092, "ORA-01092: the instance terminated, disconnection forced"),
            Map.entry(2396, "ORA-02396: the session exceeded its maximum idle time"),
            Map.entry(2399, "ORA-02399: the session exceeded its maximum connect time"),
            Map.entry(3113, "ORA-03113: end-of-file on communication channel"),
            Map.entry(3114, "ORA-03114: not connected to Oracle"),
            Map.entry(3135, "ORA-03135: the connection lost contact"),
            Map.entry(12153, "ORA-12153: TNS: not connected"),
            Map.entry(12537, "ORA-12537: TNS: connection closed"),
            Map.entry(12570, "ORA-12570: TNS: packet reader failure"),
            Map.entry(17002, "Oracle driver 17002: I/O error"),
            Map.entry(17008, "Oracle driver 17008: closed connection"),
            Map.entry(17410, "Oracle driver 17410: no more data to read from the socket"),
            Map.entry(17447, "Oracle driver 17447: OALL8 is in an inconsistent state"));

    private static final Map<Integer, String> SQLSERVER_CODES = Map.of(
            233, "no process is on the other end of the pipe",
            596, "the session is in the kill state",
            6005, "the server is shutting down",
            10053, "the connection was aborted",
            10054, "the connection was reset",
            10060, "the connection timed out",
            40197, "Azure SQL: the service failed while processing the request",
            40501, "Azure SQL: the service is busy",
            40613, "Azure SQL: the database is not available");

    /** Bounds the walk over causes and next exceptions (a long batch chains one per row). */
    private static final int MAX_VISITS = 64;

    private BrokenConnections() {
    }

    /**
     * Why {@code failure} means the connection is gone, or null if it does not.
     *
     * @param jdbcUrl the URL the connection was opened with: it says whose vendor codes apply
     * @param failure what the driver threw; its causes and next exceptions are read too
     * @return a sentence saying why the connection is gone, or null when it may be used again
     */
    public static String reason(String jdbcUrl, SQLException failure) {
        return reason(Vendor.of(jdbcUrl), failure);
    }

    private static String reason(Vendor vendor, SQLException failure) {
        ArrayDeque<Throwable> todo = new ArrayDeque<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        todo.add(failure);
        for (int visited = 0; !todo.isEmpty() && visited < MAX_VISITS; visited++) {
            Throwable t = todo.poll();
            if (!seen.add(t)) {
                continue;
            }
            if (t instanceof SQLException) {
                String r = one(vendor, (SQLException) t);
                if (r != null) {
                    return r;
                }
                if (((SQLException) t).getNextException() != null) {
                    todo.add(((SQLException) t).getNextException());
                }
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
        }
        return null;
    }

    /** The rules of the table for one exception, without its causes. */
    private static String one(Vendor vendor, SQLException e) {
        String state = e.getSQLState();
        if (state != null && state.startsWith("08")) {
            return "SQLState " + state + ": connection exception";
        }
        if (e instanceof SQLNonTransientConnectionException || e instanceof SQLRecoverableException) {
            return e.getClass().getSimpleName() + (state != null ? " (SQLState " + state + ")" : "");
        }
        int code = e.getErrorCode();
        String r;
        switch (vendor) {
            case POSTGRESQL:
                r = state == null ? null : POSTGRESQL_STATES.get(state);
                return r == null ? null : "SQLState " + state + ": " + r;
            case MYSQL:
                r = MYSQL_CODES.get(code);
                return r == null ? null : "error " + code + ": " + r;
            case ORACLE:
                return ORACLE_CODES.get(code);
            case SQLSERVER:
                r = SQLSERVER_CODES.get(code);
                return r == null ? null : "error " + code + ": " + r;
            default:
                return null;
        }
    }
}
