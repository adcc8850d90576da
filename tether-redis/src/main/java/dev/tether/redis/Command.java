package dev.tether.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * One command as it goes on the wire: a name and its arguments, plus how this call may be
 * retried and how long its reply may take. Immutable; the {@code with} methods return copies.
 *
 * <p>Arguments may be {@code byte[]} (sent as they are: binary-safe), {@code String} (sent as
 * UTF-8), or a {@code Number} (sent in decimal). Replies keep bulk strings as {@code byte[]}
 * unless the command was made with {@link #text}, which decodes them as UTF-8 {@code String}s.
 * The argument array is used as given, not copied (a command is built per call): do not change it
 * after passing it. Apart from that array, a command is thread-safe.
 *
 * <pre>{@code
 * client.send(Command.of("EVAL", script, "1", "counter")
 *         .retry(Command.Retry.SAFE_TO_REPEAT));   // the caller knows this script may run twice
 * }</pre>
 */
public final class Command {

    /** How a call may be retried after its connection failed. */
    public enum Retry {
        /** As the command table says (see the README's table): reads and repeat-safe writes once, the rest never. */
        BY_TABLE,
        /** The caller declares this call safe to repeat: it is retried like a read. */
        SAFE_TO_REPEAT,
        /** Never sent twice, not even when none of its bytes had been written. */
        NEVER
    }

    private static final Object[] NO_ARGS = new Object[0];

    private final String name;
    private final Object[] args;
    private final boolean text;
    private final Retry retry;
    private final Duration readTimeout;

    private Command(String name, Object[] args, boolean text, Retry retry, Duration readTimeout) {
        this.name = name;
        this.args = args;
        this.text = text;
        this.retry = retry;
        this.readTimeout = readTimeout;
    }

    /**
     * A command whose bulk-string replies arrive as {@code byte[]}.
     *
     * @param name the command's name, printable ASCII without spaces, such as {@code GET}
     * @param args {@code byte[]}, {@code String} or {@code Number} arguments; the array is not copied
     * @return the command, retried by the command table, with the socket's read timeout
     * @throws IllegalArgumentException if the name is empty or holds a space or non-ASCII, or an argument is of another type (or null)
     */
    public static Command of(String name, Object... args) {
        return new Command(checkName(name), checkArgs(name, args), false, Retry.BY_TABLE, null);
    }

    /**
     * A command whose bulk-string replies are decoded as UTF-8 {@code String}s (in arrays and maps too).
     *
     * @param name the command's name, printable ASCII without spaces
     * @param args {@code byte[]}, {@code String} or {@code Number} arguments; the array is not copied
     * @return the command, retried by the command table, with the socket's read timeout
     * @throws IllegalArgumentException as {@link #of}
     */
    public static Command text(String name, Object... args) {
        return new Command(checkName(name), checkArgs(name, args), true, Retry.BY_TABLE, null);
    }

    /**
     * This command with another retry rule for this call.
     *
     * @param rule the rule (default {@link Retry#BY_TABLE})
     * @return a copy with that rule
     * @throws NullPointerException if {@code rule} is null
     */
    public Command retry(Retry rule) {
        return new Command(name, args, text, Objects.requireNonNull(rule, "retry"), readTimeout);
    }

    /**
     * This command with its own read timeout (at least 1 ms), instead of the socket's (or, for a
     * blocking command, instead of its own timeout plus the configured margin).
     */
    /**
     * This command with its own read timeout, instead of the socket's (or, for a
     * blocking command, instead of its own timeout plus the configured margin).
     *
     * @param timeout 1 ms to {@link Integer#MAX_VALUE} ms
     * @return a copy with that timeout
     * @throws IllegalArgumentException if the timeout is null or out of range
     */
    public Command readTimeout(Duration timeout) {
        if (timeout == null || timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("readTimeout: " + timeout + " (expected: >= 1 ms and <= " + Integer.MAX_VALUE + " ms)");
        }
        return new Command(name, args, text, retry, timeout);
    }

    /**
     * The command's name.
     *
     * @return the name as given
     */
    public String name() { return name; }

    /**
     * The number of arguments, the name excluded.
     *
     * @return the count
     */
    public int argCount() { return args.length; }

    /**
     * An argument, as given.
     *
     * @param i its index, from 0 (the name excluded)
     * @return the argument
     * @throws ArrayIndexOutOfBoundsException if {@code i} is not below {@link #argCount()}
     */
    public Object arg(int i) { return args[i]; }

    /**
     * Whether bulk-string replies are decoded as UTF-8 text.
     *
     * @return true for a {@link #text} command
     */
    public boolean textReplies() { return text; }

    /**
     * How this call may be retried after its connection failed.
     *
     * @return the rule (default {@link Retry#BY_TABLE})
     */
    public Retry retry() { return retry; }

    /**
     * This call's own read timeout.
     *
     * @return the timeout, or null (the default) for the socket's
     */
    public Duration readTimeout() { return readTimeout; }

    /** The name and argument count only: arguments may hold secrets and are never printed. */
    @Override
    public String toString() {
        return name + (args.length == 0 ? "" : " (" + args.length + (args.length == 1 ? " argument)" : " arguments)"));
    }

    private static String checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("name: " + (name == null ? "null" : "\"\"") + " (expected: a command name such as \"GET\")");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw new IllegalArgumentException("name: a character " + (int) c + " at " + i
                        + " (expected: printable ASCII without spaces; put arguments in args)");
            }
        }
        return name;
    }

    private static Object[] checkArgs(String name, Object[] args) {
        if (args == null || args.length == 0) {
            return NO_ARGS;
        }
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (!(a instanceof byte[] || a instanceof String || a instanceof Number)) {
                throw new IllegalArgumentException(name + " argument " + i + ": " + (a == null ? "null" : a.getClass().getName())
                        + " (expected: byte[], String or a Number)");
            }
        }
        return args;
    }
}
