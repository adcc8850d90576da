package dev.tether.cli.probe;

import dev.tether.pool.Redact;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A database server as the command line names it: {@code postgresql://[user[:password]@]host[:port][/database]}
 * ({@code postgres://} too), {@code mysql://...} or {@code mariadb://...}, each also with a leading
 * {@code jdbc:}. The user defaults to {@code postgres} (PostgreSQL) or {@code root} (MariaDB/MySQL),
 * the port to 5432 or 3306, the database to {@code postgres} or none. The password goes to the
 * driver and nowhere else: {@link #toString()} and every message show the URL with its userinfo
 * and query masked.
 *
 * @param postgres whether the server is PostgreSQL (else MariaDB or MySQL, spoken to by MariaDB Connector/J)
 * @param scheme   the scheme as given, lower case, without {@code jdbc:}
 * @param host     without IPv6 brackets
 * @param port     the URL's, or the default
 * @param user     the URL's user, or the default
 * @param password the URL's password, or null
 * @param database the URL's database, or the default (null: none, for MariaDB/MySQL)
 * @param shown    the URL as output shows it
 */
public record DbUrl(boolean postgres, String scheme, String host, int port, String user, String password, String database,
                    String shown) {

    /**
     * Parses a database URL as the command line gives it.
     *
     * @param text the URL, with or without a leading {@code jdbc:}
     * @return its parts, defaults filled in
     * @throws IllegalArgumentException what is wrong with the URL, which it names redacted (a wrong command line)
     */
    public static DbUrl parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.regionMatches(true, 0, "jdbc:", 0, 5)) {
            t = t.substring(5);
        }
        URI uri;
        try {
            uri = new URI(t);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a database URL: " + Redact.uri(t) + " (expected: postgresql://USER@HOST:PORT/DB or"
                    + " mysql://USER@HOST:PORT)");
        }
        String shown = Redact.uri(uri);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean pg = scheme.equals("postgresql") || scheme.equals("postgres");
        if (!pg && !scheme.equals("mysql") && !scheme.equals("mariadb")) {
            throw new IllegalArgumentException("not a database URL: " + shown + " (expected a scheme postgresql, postgres, mysql or"
                    + " mariadb, as in postgresql://postgres@127.0.0.1:5432/postgres)");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host, or a bad port, in " + shown + " (expected: " + scheme
                    + "://USER@HOST:PORT" + (pg ? "/DATABASE" : "") + ")");
        }
        int port = uri.getPort();
        if (port == 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " in " + shown + " is out of range (expected: 1 to 65535)");
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String user = pg ? "postgres" : "root";
        String password = null;
        String info = uri.getRawUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            String u = decode(colon < 0 ? info : info.substring(0, colon));
            user = u.isEmpty() ? user : u;
            password = colon < 0 ? null : decode(info.substring(colon + 1));
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String database = path.length() > 1 ? path.substring(1) : pg ? "postgres" : null;
        return new DbUrl(pg, scheme, host, port < 0 ? (pg ? 5432 : 3306) : port, user, password, database, shown);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** @return PostgreSQL or MariaDB/MySQL, as sentences name the server */
    public String kind() {
        return postgres ? "PostgreSQL" : "MariaDB/MySQL";
    }

    /**
     * The JDBC URL of this server at another address.
     *
     * @param host the host (the server's, or a proxy's in front of it)
     * @param port its port
     * @return the URL, with the database and no secret in it
     */
    public String jdbcUrl(String host, int port) {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return (postgres ? "jdbc:postgresql://" : "jdbc:mariadb://") + h + ":" + port + "/" + (database == null ? "" : database);
    }

    /** @return the JDBC URL of the server itself, no secret in it */
    public String jdbcUrl() {
        return jdbcUrl(host, port);
    }

    /**
     * Masks the password in a driver's message that might echo it.
     *
     * @param text a message, or null
     * @return {@code text} with the password replaced by {@code ***}
     */
    public String mask(String text) {
        return password == null || password.isEmpty() || text == null ? text : text.replace(password, Redact.MASK);
    }

    @Override
    public String toString() {
        return shown;
    }
}
