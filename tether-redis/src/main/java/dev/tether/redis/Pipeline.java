package dev.tether.redis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Commands collected to go in one round trip: written in one flush, their replies read in order,
 * one per command ({@link Replies}; a command the server refused has its error in its place).
 * From {@link RedisClient#pipeline()} (or a session's), or from {@link RedisClient#transaction()},
 * which wraps them in {@code MULTI} ... {@code EXEC} so the server applies them all or none.
 *
 * <pre>{@code
 * Replies r = client.pipeline()
 *         .add("SET", "a", "1")
 *         .add("INCR", "visits")
 *         .execute();
 * long visits = r.getLong(1);
 * }</pre>
 *
 * A pipeline is retried once on a fresh connection only when every command in it is safe to
 * repeat (or none of its bytes had been written); otherwise a failure is a
 * {@link RedisConnectionException} whose {@link RedisConnectionException#received()} holds the
 * replies that arrived, so the caller knows which commands were answered. Not thread-safe; run it
 * once.
 */
public final class Pipeline {
    private final Function<List<Command>, Replies> run;
    private final List<Command> commands = new ArrayList<>();
    private boolean executed;

    Pipeline(Function<List<Command>, Replies> run) {
        this.run = run;
    }

    /**
     * Adds {@code Command.of(name, args)}.
     *
     * @param name the command's name
     * @param args its arguments, as {@link Command#of}
     * @return this pipeline
     * @throws IllegalArgumentException as {@link Command#of}
     * @throws IllegalStateException if the pipeline has run
     */
    public Pipeline add(String name, Object... args) {
        return add(Command.of(name, args));
    }

    /**
     * Adds a command.
     *
     * @param command the command
     * @return this pipeline
     * @throws NullPointerException  if {@code command} is null
     * @throws IllegalStateException if the pipeline has run
     */
    public Pipeline add(Command command) {
        if (executed) {
            throw new IllegalStateException("this pipeline has run already; start another one");
        }
        commands.add(Objects.requireNonNull(command, "command"));
        return this;
    }

    /**
     * The number of commands added.
     *
     * @return the count
     */
    public int size() {
        return commands.size();
    }

    /**
     * The commands added so far.
     *
     * @return an unmodifiable view, in order
     */
    public List<Command> commands() {
        return Collections.unmodifiableList(commands);
    }

    /**
     * Sends the commands and returns their replies. For a transaction: EXEC's replies, or null
     * when a key WATCHed in the session changed and the server discarded it; a command refused while
     * queued fails the whole transaction with {@code EXECABORT} (its own error suppressed in it).
     *
     * @return one reply per command in order; empty for no command; null for a discarded transaction
     * @throws IllegalStateException     if the pipeline has run already
     * @throws RedisConnectionException  if the connection failed; {@code received()} holds the replies that arrived
     * @throws RedisServerException      if a transaction was aborted ({@code EXECABORT})
     */
    public Replies execute() {
        if (executed) {
            throw new IllegalStateException("this pipeline has run already; start another one");
        }
        executed = true;
        if (commands.isEmpty()) {
            return Replies.EMPTY;
        }
        // Handed over as it is, not copied: nothing can be added to a pipeline that has run.
        return run.apply(Collections.unmodifiableList(commands));
    }
}
