package dev.tether.redis;

/**
 * The server answered a command with an error reply ({@code -ERR ...}, {@code -WRONGTYPE ...},
 * {@code -MOVED 3999 10.0.0.7:6381}, ...). The connection is fine and went back to the pool.
 *
 * <p>{@link #prefix()} is the error's first word as the server sent it (the part clients switch
 * on), {@link #serverMessage()} the whole text. The message adds the command and, for the prefixes
 * that need one, what to do: {@code MOVED} and {@code ASK} say the key lives on another cluster
 * node (tether-redis does not route cluster commands yet), {@code NOAUTH} and {@code WRONGPASS}
 * where the credentials go, {@code LOADING} and {@code BUSY} that the server is not ready.
 */
public final class RedisServerException extends RedisException {
    /** The command's name. */
    private final String command;
    /** The error's first word. */
    private final String prefix;
    /** The error text as the server sent it. */
    private final String serverMessage;

    /**
     * Creates the exception; the message adds advice for the prefixes that need it.
     *
     * @param command the command's name only, never its arguments
     * @param serverMessage the error text as the server sent it, without the leading {@code -}
     */
    public RedisServerException(String command, String serverMessage) {
        super(describe(command, serverMessage), null);
        this.command = command;
        this.serverMessage = serverMessage;
        this.prefix = prefixOf(serverMessage);
    }

    /**
     * The command that was answered so (its name only, never its arguments).
     *
     * @return the command's name
     */
    public String command() { return command; }

    /**
     * The error's first word: {@code ERR}, {@code WRONGTYPE}, {@code MOVED}, {@code NOAUTH}, ...
     *
     * @return the prefix, as sent (upper case by Redis's convention)
     */
    public String prefix() { return prefix; }

    /**
     * The error text exactly as the server sent it, without the leading {@code -}.
     *
     * @return the server's text
     */
    public String serverMessage() { return serverMessage; }

    /**
     * Whether the error has a prefix ({@code "MOVED"}, {@code "WRONGTYPE"}, ...); case-sensitive.
     *
     * @param prefix the prefix to compare
     * @return true when {@link #prefix()} equals it
     */
    public boolean is(String prefix) {
        return this.prefix.equals(prefix);
    }

    static String prefixOf(String text) {
        int sp = text.indexOf(' ');
        return sp < 0 ? text : text.substring(0, sp);
    }

    private static String describe(String command, String text) {
        String prefix = prefixOf(text);
        String base = command + ": the server replied " + text;
        switch (prefix) {
            case "MOVED":
            case "ASK": {
                String[] w = text.split(" ");
                String where = w.length >= 3 ? "slot " + w[1] + " is served by " + w[2] : "the key is served by another node";
                return base + " (this server is a Redis Cluster node and " + where
                        + "; tether-redis does not route cluster commands yet: connect to that node, or use a cluster-aware client)";
            }
            case "NOAUTH":
                return base + " (the server requires a password: put it in the URI, redis://user:password@host, or set"
                        + " RedisClientConfig.password(...))";
            case "WRONGPASS":
                return base + " (check RedisClientConfig.user(...) and password(...), or the user and password of the URI)";
            case "LOADING":
                return base + " (the server is still loading its data set into memory; try again when it has finished)";
            case "BUSY":
                return base + " (a script or function is running on the server and blocks every other command;"
                        + " wait for it, or end it with SCRIPT KILL or FUNCTION KILL)";
            case "READONLY":
                return base + " (this server is a read-only replica; send writes to the primary)";
            case "EXECABORT":
                return base + " (the transaction was discarded: a queued command was rejected; see the suppressed exception)";
            default:
                return base;
        }
    }
}
