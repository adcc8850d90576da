package dev.tether.cli.probe;

import dev.tether.cli.wire.MiniHttp;
import dev.tether.pool.Redact;
import dev.tether.redis.RedisUri;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code redis://} or {@code rediss://} URL as the command line takes it (the probe's target,
 * the lab's {@code --redis}), checked before anything connects: a host, a port from 1 to 65535
 * (6379 when none), an optional database number as the path, no query. The user and password are
 * percent-decoded as tether-redis reads them ({@link RedisUri}: a lone userinfo part is the
 * default user's password). {@link #toString()} is {@link ProbeTarget#shown()}: without userinfo.
 *
 * @param target   the URL's scheme, host, port, and its redacted form
 * @param user     the ACL user, or null for the default user
 * @param password the password, or null; never shown
 * @param database the database to SELECT, 0 when the URL names none
 */
public record RedisUrl(ProbeTarget target, String user, String password, int database) {

    static final String SHAPE = "redis[s]://[[user]:password@]host[:port][/database]";

    /**
     * @throws IllegalArgumentException saying what is wrong (it is a wrong command line), the URL redacted
     */
    public static RedisUrl parse(String text) {
        ProbeTarget t = ProbeTarget.parse(text);
        if (!t.scheme().equals("redis") && !t.scheme().equals("rediss")) {
            throw new IllegalArgumentException("not a Redis URL: " + t.shown() + " (expected: " + SHAPE + ")");
        }
        String path = t.requestTarget();
        if (path.contains("?")) {
            throw new IllegalArgumentException("a query in " + t.shown() + ", which tether does not read (expected: " + SHAPE + ")");
        }
        int database = 0;
        if (!path.equals("/")) {
            String db = path.substring(1);
            if (!db.matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException("bad database number " + MiniHttp.quote(db) + " in " + t.shown()
                        + " (expected: a number from 0, as in redis://127.0.0.1:6379/2)");
            }
            database = Integer.parseInt(db);
        }
        RedisUri u;
        try {
            u = RedisUri.parse(text);
        } catch (IllegalArgumentException e) {
            // Only the userinfo is left to fail; tether-redis's message would show the user name.
            throw new IllegalArgumentException("bad user or password in " + t.shown() + " (expected: percent-encoded, a % followed"
                    + " by two hex digits, as in redis://:p%40ss@127.0.0.1:6379)");
        }
        return new RedisUrl(t, u.user(), u.password(), database);
    }

    /**
     * The commands that put a new connection in the URL's state: AUTH (with the user when there is
     * one), SELECT; then CLIENT SETNAME when {@code clientName} is not null.
     */
    public List<List<String>> setup(String clientName) {
        List<List<String>> s = new ArrayList<>(3);
        if (password != null) {
            s.add(user != null ? List.of("AUTH", user, password) : List.of("AUTH", password));
        }
        if (database != 0) {
            s.add(List.of("SELECT", Integer.toString(database)));
        }
        if (clientName != null) {
            s.add(List.of("CLIENT", "SETNAME", clientName));
        }
        return s;
    }

    /**
     * {@code text} (a server's reply, an exception's message) with this URL's user name and password
     * masked wherever they appear, whole or cut short: a server may echo what it was sent, and output
     * must not.
     */
    public String mask(String text) {
        return Redact.echoed(text, password, user);
    }

    @Override
    public String toString() {
        return target.shown();
    }
}
