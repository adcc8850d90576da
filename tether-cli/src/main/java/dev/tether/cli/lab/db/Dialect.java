package dev.tether.cli.lab.db;

import java.util.Map;

/**
 * What differs between the two kinds of database the lab drives: how a session is found and
 * killed, how a statement is made to run for a while, and how one session is given a short idle
 * timeout of its own (never the server's: that setting is per session, so it works on a shared
 * server too).
 */
public enum Dialect {
    /** PostgreSQL, through pgjdbc. */
    POSTGRESQL("PostgreSQL", "pg"),
    /** MariaDB or MySQL, through MariaDB Connector/J. */
    MARIADB("MariaDB", "mariadb");

    private final String label;
    private final String prefix;

    Dialect(String label, String prefix) {
        this.label = label;
        this.prefix = prefix;
    }

    /** @return the database as sentences name it */
    public String label() {
        return label;
    }

    /** @return the start of its scenarios' ids: {@code pg} as in {@code pg-idle-kill}, {@code mariadb} */
    public String prefix() {
        return prefix;
    }

    /**
     * A statement that keeps the server busy.
     *
     * @param ms how long it runs on the server
     * @return SQL returning one row
     */
    public String sleep(long ms) {
        String s = String.format(java.util.Locale.ROOT, "%.3f", ms / 1000.0);
        return this == POSTGRESQL ? "select pg_sleep(" + s + ")" : "select sleep(" + s + ")";
    }

    /** The text by which the server shows {@link #sleep} running ({@code pg_stat_activity.query}, processlist's info). */
    String sleepMarker() {
        return this == POSTGRESQL ? "pg_sleep(" : "sleep(";
    }

    /**
     * The driver property that gives one session an idle timeout of {@code seconds} (PostgreSQL
     * {@code idle_session_timeout} through the startup options, MariaDB {@code wait_timeout} through
     * Connector/J's sessionVariables): the server ends that session alone when it idles longer.
     *
     * @param seconds the idle timeout
     * @return the driver property that sets it
     */
    public Map<String, String> idleTimeout(int seconds) {
        return this == POSTGRESQL ? Map.of("options", "-c idle_session_timeout=" + seconds * 1000)
                : Map.of("sessionVariables", "wait_timeout=" + seconds);
    }

    /** @return the name of the server's setting {@link #idleTimeout} sets */
    public String idleSetting() {
        return this == POSTGRESQL ? "idle_session_timeout" : "wait_timeout";
    }

    /**
     * A read timeout through the driver: a read that gets no byte for that long fails the connection.
     *
     * @param ms the timeout (pgjdbc rounds it up to whole seconds)
     * @return the driver property, in the driver's units
     */
    public Map<String, String> readTimeout(long ms) {
        // pgjdbc counts socketTimeout in seconds, Connector/J in milliseconds.
        return this == POSTGRESQL ? Map.of("socketTimeout", Long.toString(Math.max(1, (ms + 999) / 1000)))
                : Map.of("socketTimeout", Long.toString(ms));
    }
}
