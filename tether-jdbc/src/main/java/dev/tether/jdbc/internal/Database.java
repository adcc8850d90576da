package dev.tether.jdbc.internal;

import dev.tether.pool.Redact;

/**
 * The one key of a JDBC pool: the database, as messages name it (the URL with its secrets masked,
 * and the user). The pool's per-key limit ({@code maxPerKey}) is therefore the pool's size.
 */
public record Database(String redactedUrl, String user) {

    public static Database of(String url, String user) {
        return new Database(Redact.jdbcUrl(url), user);
    }

    @Override
    public String toString() {
        return redactedUrl + (user == null ? "" : " as " + user);
    }
}
