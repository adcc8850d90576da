package dev.tether.cli.lab.db;

import dev.tether.chaos.ChaosProxy;
import dev.tether.cli.lab.ClientKind;
import dev.tether.cli.lab.support.ClientView;
import dev.tether.cli.lab.support.LabClient.Outcome;
import dev.tether.cli.lab.support.Patience;
import dev.tether.jdbc.JdbcPoolConfig;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

/**
 * A database client as an application uses it: run a query, get its first value or an error. The
 * lab runs three side by side on the same failure ({@link #of}). Implementations never throw from
 * {@link #query}.
 */
public interface DbLabClient extends ClientView {

    /**
     * The client of {@code kind} for {@code target}, connecting to {@code proxy} (the trial's, in front
     * of the server) with the driver properties {@code session} adds (per-session settings).
     *
     * @param kind     which client: NAIVE (a DriverManager connection), NAIVE_POOL (HikariCP's defaults) or TETHER
     * @param target   the trial's database: credentials and session tag
     * @param proxy    where the client connects; the lab resets its connections to end a hang
     * @param session  per-session driver properties (an idle timeout)
     * @param patience how long the lab waits for a client without a timeout
     * @param tether   tether's settings, for {@link ClientKind#TETHER}
     * @return the client, not yet connected (HikariCP opens its sessions at once)
     * @throws IllegalArgumentException a kind the lab has no database client of
     */
    static DbLabClient of(ClientKind kind, DbTarget target, ChaosProxy proxy, Map<String, String> session, Duration patience,
                          JdbcPoolConfig.Builder tether) {
        int port = proxy.port();
        // Giving up on a hang resets the proxy's connections: closing a driver's connection from outside may itself block
        // (MariaDB Connector/J's abort drains the socket), and the lab's one watchdog thread must never wait.
        Runnable giveUp = proxy::resetConnections;
        return switch (kind) {
            case NAIVE -> new NaiveJdbc(target, port, session, patience, giveUp);
            case NAIVE_POOL -> new HikariJdbc(target, port, session, patience, giveUp);
            case TETHER -> new TetherJdbc(target, port, session, tether);
            case RETRYING, NO_POOL -> throw new IllegalArgumentException("no " + kind.label() + " database client in the lab");
        };
    }

    /**
     * Runs a query as an application would.
     *
     * @param sql the query
     * @return what the application saw: the first value, or the error
     */
    Outcome query(String sql);

    /** @return the sessions this client opened, or -1 where it cannot tell */
    int opened();

    /**
     * One lease of {@code pool} for {@code sql}, as {@link #run} runs it: the pools' query.
     *
     * @param pool     the pool
     * @param sql      the query
     * @param patience how long to wait for the answer, or null for as long as the driver does
     * @param giveUp   what ends a hang (null with no patience)
     * @return the first value, or the error
     */
    static Outcome lease(javax.sql.DataSource pool, String sql, Duration patience, Runnable giveUp) {
        try (Connection c = pool.getConnection()) {
            return run(c, sql, patience, giveUp);
        } catch (SQLException | RuntimeException e) {
            return Outcome.failed(describe(e));
        }
    }

    /**
     * {@code sql} on {@code c}, bounded by the lab's patience (null: none): a call still waiting after
     * it is ended by {@code giveUp} (which resets its socket) and reported as a hang.
     *
     * @param c        the connection
     * @param sql      the query
     * @param patience how long to wait for the answer, or null for as long as the driver does
     * @param giveUp   what ends a hang (null with no patience)
     * @return the first value, or the error
     */
    static Outcome run(Connection c, String sql, Duration patience, Runnable giveUp) {
        Patience watch = patience == null ? null : Patience.watch(patience, giveUp);
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return Outcome.replied(rs.next() ? String.valueOf(rs.getObject(1)) : "(no row)");
        } catch (SQLException | RuntimeException e) {
            return Outcome.failed(watch != null && watch.aborted() ? watch.hang() : describe(e));
        } finally {
            if (watch != null) {
                watch.done();
            }
        }
    }

    /**
     * An error as the timeline shows it.
     *
     * @param e the error
     * @return its SQLState and first line, at most 160 characters of it
     */
    static String describe(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("").strip();
        String state = e instanceof SQLException s && s.getSQLState() != null ? s.getSQLState() + " " : "";
        return state + (m.length() > 160 ? m.substring(0, 160) + "..." : m);
    }
}
