package dev.tether.redis;

import dev.tether.pool.Redact;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;

/**
 * A parsed {@code redis://} or {@code rediss://} (TLS) URI:
 * {@code redis[s]://[[user][:password]@]host[:port][/database]}. Userinfo is percent-decoded
 * (a password with {@code @} or {@code :} is written {@code %40}, {@code %3A}).
 * {@link #toString()} never shows the password. Immutable.
 *
 * @param tls      true for {@code rediss://}
 * @param user     the ACL user, or null (the default user)
 * @param password the password, or null
 * @param host     host name or IP literal (without brackets)
 * @param port     6379 when not given
 * @param database 0 when not given
 */
public record RedisUri(boolean tls, String user, String password, String host, int port, int database) {

    /**
     * The port when the URI names none: 6379.
     */
    public static final int DEFAULT_PORT = 6379;

    /**
     * Parses {@code uri}; a malformed one fails with a message that quotes it without its password.
     *
     * @param uri {@code redis[s]://[[user][:password]@]host[:port][/database]}
     * @return the parts
     * @throws IllegalArgumentException if it is null, not a URI, not redis or rediss, names no host, or its database is not a number &gt;= 0
     */
    public static RedisUri parse(String uri) {
        if (uri == null) {
            throw new IllegalArgumentException("uri: null (expected: redis://host:port or rediss://host:port)");
        }
        URI u;
        try {
            u = new URI(uri);
        } catch (URISyntaxException e) {
            throw bad(uri, "it is not a URI (" + e.getReason() + ")");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw bad(uri, "the scheme must be redis or rediss");
        }
        String host = u.getHost();
        if (host == null || host.isEmpty()) {
            throw bad(uri, "it names no host");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = u.getPort() < 0 ? DEFAULT_PORT : u.getPort();
        String user = null;
        String password = null;
        String info = u.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            String rawUser = colon < 0 ? info : info.substring(0, colon);
            user = rawUser.isEmpty() ? null : decode(rawUser, uri);
            if (colon >= 0) {
                password = decode(info.substring(colon + 1), uri);
            } else if (user != null) {
                // redis://secret@host: a single userinfo part is the password of the default user, as redis-cli reads it.
                password = user;
                user = null;
            }
        }
        int db = 0;
        String path = u.getRawPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            try {
                db = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw bad(uri, "the path must be a database number, not " + path);
            }
            if (db < 0) {
                throw bad(uri, "the database must be >= 0");
            }
        }
        return new RedisUri(scheme.equals("rediss"), user, password, host, port, db);
    }

    /** The URI with {@code ****} for the password: for messages and logs. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(tls ? "rediss://" : "redis://");
        if (user != null || password != null) {
            sb.append(Redact.MASK).append('@'); // what tether shows of user info: nothing (Redact.uri)
        }
        sb.append(host.indexOf(':') >= 0 ? "[" + host + "]" : host).append(':').append(port);
        if (database != 0) {
            sb.append('/').append(database);
        }
        return sb.toString();
    }

    private static String decode(String raw, String uri) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        int i = 0;
        while (i < raw.length()) {
            if (raw.charAt(i) == '%') {
                if (i + 2 >= raw.length() || Character.digit(raw.charAt(i + 1), 16) < 0 || Character.digit(raw.charAt(i + 2), 16) < 0) {
                    throw bad(uri, "a % in the user or password is not followed by two hex digits");
                }
                out.write(Character.digit(raw.charAt(i + 1), 16) * 16 + Character.digit(raw.charAt(i + 2), 16));
                i += 3;
            } else {
                int next = raw.indexOf('%', i);
                int end = next < 0 ? raw.length() : next;
                out.writeBytes(raw.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static IllegalArgumentException bad(String uri, String why) {
        return new IllegalArgumentException("uri: " + redact(uri) + " (expected: redis[s]://[user[:password]@]host[:port][/database]; " + why + ")");
    }

    /** {@code uri} without its user info, for a message about a URI that did not parse (the one redaction helper). */
    static String redact(String uri) {
        return '"' + Redact.uri(uri) + '"';
    }
}
