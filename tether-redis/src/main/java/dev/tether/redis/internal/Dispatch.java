package dev.tether.redis.internal;

import dev.tether.net.ConnectionFailure;
import dev.tether.net.Endpoint;
import dev.tether.pool.Deadline;
import dev.tether.pool.EventLog;
import dev.tether.pool.Lease;
import dev.tether.pool.Pool;
import dev.tether.pool.PoolException;
import dev.tether.pool.PoolOpenException;
import dev.tether.pool.Reason;
import dev.tether.pool.RetryOutcome;
import dev.tether.pool.Ticker;
import dev.tether.redis.Command;
import dev.tether.redis.RedisConnectionException;
import dev.tether.redis.RedisServerException;
import dev.tether.redis.Replies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How a command, a pipeline or a transaction travels: on a pooled connection with one retry, or
 * on a session's pinned connection without one. A single command that may share
 * ({@link CommandTable#shareable}) goes through the {@link Combiner} when auto-pipelining is on:
 * {@link #roundTrip} does steps 1 to 3 below for every command of a shared round trip, and each
 * caller takes step 4 for its own command.
 *
 * <ol>
 *   <li>Lease a connection from the pool: an idle one that the idle watcher and the lease-time
 *       check consider alive, or a new one (opened with the handshake). If none can be had (the
 *       server is down, the pool is exhausted past the acquire timeout), fail at once with the
 *       pool's reason, which names the endpoint and the last connect error: nothing was sent,
 *       and nothing waits in a queue beyond the pool's bounded waiters.</li>
 *   <li>Write the command(s) in one flush; set the read timeout for the call (a blocking
 *       command's own timeout plus the margin, or the call's own); read one reply per command.</li>
 *   <li>Give the connection back (or retire it if bytes beyond the replies arrived). A server's
 *       error reply is thrown as a {@link RedisServerException}; its connection is fine.</li>
 *   <li>If the connection failed, retire it and let {@link RetryPolicy} decide: send it again
 *       once on a fresh connection opened outside the pool, or throw a
 *       {@link RedisConnectionException} whose message is the decision's.</li>
 * </ol>
 */
public final class Dispatch {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatch.class);
    private final Pool<RedisConnection> pool;
    private final RedisConnector connector;
    private final Endpoint endpoint;
    private final Ticker ticker;
    private final Duration openTimeout;
    private final Duration blockingMargin;
    private final String poolName;
    private final AtomicLongArray retries = new AtomicLongArray(RetryOutcome.values().length);
    private final EventLog events;
    /** Concurrent single commands' shared round trips; null when auto-pipelining is off. */
    private final Combiner combiner;
    /**
     * Why the last shared round trip got no connection, until one does: what a command that timed
     * out queued behind such round trips is told (in an outage, the connect error), rather than a
     * guess at a slow server.
     */
    private volatile PoolException lastLeaseFailure;

    /**
     * @param sharedConnections how many pooled connections concurrent single commands share
     *                          (auto-pipelining, see {@link Combiner}); 0 for a connection per command
     */
    public Dispatch(Pool<RedisConnection> pool, RedisConnector connector, Endpoint endpoint, Ticker ticker,
                    Duration openTimeout, Duration acquireTimeout, Duration blockingMargin, String poolName, int sharedConnections) {
        this.combiner = sharedConnections > 0 ? new Combiner(sharedConnections, this::roundTrip, ticker, acquireTimeout,
                c -> queuedTooLong(c, acquireTimeout, sharedConnections)) : null;
        this.poolName = poolName;
        this.events = new EventLog(LOG, ticker, Duration.ofSeconds(10));
        this.pool = pool;
        this.connector = connector;
        this.endpoint = endpoint;
        this.ticker = ticker;
        this.openTimeout = openTimeout;
        this.blockingMargin = blockingMargin;
    }

    /**
     * The failure of a command that waited the acquire timeout queued for a shared round trip: the
     * last round trip's lease failure while connections fail (in an outage, the connect error),
     * otherwise the round trips ahead of it that had not ended.
     */
    private RedisConnectionException queuedTooLong(Command c, Duration acquireTimeout, int sharedConnections) {
        PoolException failing = lastLeaseFailure; // read once: a round trip may clear it meanwhile
        if (failing != null) {
            return leaseFailure(c.name(), failing);
        }
        return new RedisConnectionException(c.name() + " was not sent: it waited " + acquireTimeout.toMillis()
                + " ms for a round trip on the connections it shares with other callers (" + sharedConnections
                + ", autoPipelining) to " + endpoint.authority() + ", and the round trips ahead of it had not ended (a slow or"
                + " stalled server); raise RedisClientConfig.pool(p -> p.acquireTimeout(...)), or give the commands more"
                + " connections with RedisClientConfig.autoPipelining(...)", null, null, false, null);
    }

    /** One command on a pooled connection; its reply, or its server error thrown. */
    public Object call(Command c) {
        ConnectionFailure first = null;
        if (combiner != null && CommandTable.shareable(c)) {
            Combiner.Slot s = combiner.call(c);
            if (s.error != null) {
                throw s.error;
            }
            if (s.failure == null) {
                if (s.reply instanceof RedisServerException) {
                    throw (RedisServerException) s.reply;
                }
                return s.reply;
            }
            // Decided as if the command had been alone on the connection: only its own reply's
            // bytes count as "the reply had begun"; a retry goes alone, on a fresh connection.
            RetryPolicy.Decision d = RetryPolicy.decideShared(c, s.replyStarted, s.failure);
            if (!d.retry()) {
                counted(null, false);
                throw RetryPolicy.explain(c.name(), s.failure, d, null, null);
            }
            retrying(c.name(), s.failure, d);
            first = s.failure;
        }
        Duration timeout = readTimeout(c, null);
        while (true) {
            Lease<RedisConnection> lease = first == null ? lease(c.name()) : null;
            RedisConnection rc = lease != null ? lease.get() : fresh(c.name(), first);
            Object reply;
            try {
                reply = one(rc, c, timeout);
            } catch (ConnectionFailure f) {
                discard(lease, rc);
                RetryPolicy.Decision d = RetryPolicy.decide(List.of(c), 0, false, f, first);
                if (!d.retry()) {
                    counted(first, false);
                    throw RetryPolicy.explain(c.name(), f, d, first, null);
                }
                retrying(c.name(), f, d);
                first = f;
                continue;
            } catch (IOException | RuntimeException | Error e) {
                discard(lease, rc);
                throw unexpected(c.name(), e);
            }
            release(lease, rc);
            counted(first, true);
            if (reply instanceof RedisServerException) {
                throw (RedisServerException) reply;
            }
            return reply;
        }
    }

    /**
     * Many commands in one round trip on a pooled connection: a pipeline, or with
     * {@code transaction} MULTI, the commands and EXEC. Returns the replies (a transaction's: EXEC's,
     * or null when a WATCHed key changed).
     */
    public Replies batch(List<Command> commands, boolean transaction) {
        // Its description is made only for a failure's message: a batch that goes well needs none.
        Duration timeout = batchTimeout(commands, transaction);
        ConnectionFailure first = null;
        while (true) {
            Lease<RedisConnection> lease = null;
            if (first == null) {
                try {
                    lease = pool.acquire();
                } catch (PoolException e) {
                    throw leaseFailure(describe(commands, transaction), e);
                }
            }
            RedisConnection rc = lease != null ? lease.get() : fresh(describe(commands, transaction), first);
            List<Object> received = new ArrayList<>(commands.size());
            Object result;
            try {
                result = many(rc, commands, transaction, timeout, received);
            } catch (ConnectionFailure f) {
                discard(lease, rc);
                int answered = transaction ? -1 : received.size();
                RetryPolicy.Decision d = RetryPolicy.decide(commands, answered, false, f, first);
                String what = describe(commands, transaction);
                if (!d.retry()) {
                    counted(first, false);
                    throw RetryPolicy.explain(what, f, d, first, new Replies(transaction ? List.of() : received));
                }
                retrying(what, f, d);
                first = f;
                continue;
            } catch (IOException | RuntimeException | Error e) {
                discard(lease, rc);
                throw unexpected(describe(commands, transaction), e);
            }
            release(lease, rc);
            counted(first, true);
            return batchResult(result, received, transaction);
        }
    }

    /**
     * One shared round trip (see {@link Combiner}): the commands written in one flush on a pooled
     * connection and their replies read in order, each slot filled with its reply, or with the
     * connection's failure and whether its own reply had begun, or with why nothing was sent.
     */
    private void roundTrip(Combiner.Slot batch) {
        long deadline = Long.MAX_VALUE;
        for (Combiner.Slot s = batch; s != null; s = s.next) {
            deadline = Math.min(deadline, s.deadline);
        }
        long left = deadline - ticker.nanoTime();
        PoolException failing = lastLeaseFailure;
        if (left <= 0 && failing != null) {
            // Out of time while connections fail: say why they fail rather than try one more
            // connect that has no time left (its failure would only say "within 0 ms").
            leaseFailed(batch, failing);
            return;
        }
        Lease<RedisConnection> lease;
        try {
            lease = pool.acquire(Duration.ofNanos(Math.max(0, left)));
        } catch (PoolException e) {
            lastLeaseFailure = e;
            leaseFailed(batch, e);
            return;
        }
        if (lastLeaseFailure != null) {
            lastLeaseFailure = null;
        }
        RedisConnection rc = lease.get();
        try {
            rc.begin();
            for (Combiner.Slot s = batch; s != null; s = s.next) {
                rc.write(s.command);
            }
            rc.flush();
            for (Combiner.Slot s = batch; s != null; s = s.next) {
                long at = rc.in.position();
                try {
                    s.reply(rc.read(s.command.textReplies(), s.command.name()));
                } catch (ConnectionFailure f) {
                    s.failed(f, rc.in.receivedBeyond(at));
                    throw f;
                }
            }
        } catch (ConnectionFailure f) {
            discard(lease, rc);
            for (Combiner.Slot s = batch; s != null; s = s.next) {
                if (!s.filled) {
                    s.failed(f, false);
                }
            }
            return;
        } catch (IOException | RuntimeException e) {
            discard(lease, rc);
            for (Combiner.Slot s = batch; s != null; s = s.next) {
                if (!s.filled) {
                    s.error(unexpected(s.command.name(), e));
                }
            }
            return;
        } catch (Error e) {
            discard(lease, rc);
            throw e;
        }
        release(lease, rc);
    }

    /** Fails every command of a shared round trip that got no connection: none of them was sent. */
    private void leaseFailed(Combiner.Slot batch, PoolException e) {
        for (Combiner.Slot s = batch; s != null; s = s.next) {
            s.error(leaseFailure(s.command.name(), e));
        }
    }

    /** Leases a connection for a session: its pool's failures said as "the session could not start". */
    public Lease<RedisConnection> leaseForSession() {
        return lease(null);
    }

    /**
     * Leases a connection for {@code what} (a command's name or a batch; null for a session); the
     * pool's failures become a {@link RedisConnectionException} that says nothing was sent.
     */
    private Lease<RedisConnection> lease(String what) {
        try {
            return pool.acquire();
        } catch (PoolException e) {
            throw leaseFailure(what, e);
        }
    }

    /** The pool's failure to lend a connection as the caller reads it: nothing of {@code what} was sent. */
    private RedisConnectionException leaseFailure(String what, PoolException e) {
        String prefix = what == null ? "the session could not start" : what + " was not sent";
        Throwable cause = e.getCause();
        if (e instanceof PoolOpenException && cause instanceof ConnectionFailure) {
            ConnectionFailure f = (ConnectionFailure) cause;
            return new RedisConnectionException(prefix + ": " + f.getMessage(), e, f, false, null);
        }
        if (e instanceof PoolOpenException) {
            return new RedisConnectionException(prefix + ": a new connection to " + endpoint.authority()
                    + " failed its handshake: " + cause.getMessage(), e, null, false, null);
        }
        return new RedisConnectionException(prefix + ": " + e.getMessage(), e, null, false, null);
    }

    /** One command on a session's connection: no retry; a connection failure is thrown for the session to end. */
    public Object callPinned(RedisConnection rc, Command c) {
        try {
            Object reply = one(rc, c, readTimeout(c, null));
            if (!rc.end()) {
                // A pooled call gives such a connection up after it; a session cannot, so its reply
                // is in doubt too (the bytes may have been an earlier reply's) and the session ends.
                throw rc.protocol("the server sent more than its reply to " + c.name() + ": the connection's framing is in doubt");
            }
            if (reply instanceof RedisServerException) {
                throw (RedisServerException) reply;
            }
            return reply;
        } catch (ConnectionFailure f) {
            throw RetryPolicy.explain(c.name(), f, RetryPolicy.decide(List.of(c), 0, true, f, null), null, null);
        } catch (IOException e) {
            throw unexpected(c.name(), e);
        }
    }

    /** A pipeline or transaction on a session's connection: no retry. */
    public Replies batchPinned(RedisConnection rc, List<Command> commands, boolean transaction) {
        List<Object> received = new ArrayList<>(commands.size());
        try {
            Object result = many(rc, commands, transaction, batchTimeout(commands, transaction), received);
            if (!rc.end()) {
                throw rc.protocol("the server sent more than the replies to " + describe(commands, transaction)
                        + ": the connection's framing is in doubt");
            }
            return batchResult(result, received, transaction);
        } catch (ConnectionFailure f) {
            int answered = transaction ? -1 : received.size();
            throw RetryPolicy.explain(describe(commands, transaction), f, RetryPolicy.decide(commands, answered, true, f, null), null,
                    new Replies(transaction ? List.of() : received));
        } catch (IOException e) {
            throw unexpected(describe(commands, transaction), e);
        }
    }

    private Object one(RedisConnection rc, Command c, Duration timeout) throws IOException {
        rc.begin();
        rc.write(c);
        rc.flush();
        rc.callTimeout(timeout);
        return rc.read(c.textReplies(), c.name());
    }

    /** Writes the batch in one flush and reads its replies into {@code received} as they come. */
    private static Object many(RedisConnection rc, List<Command> commands, boolean transaction, Duration timeout,
                               List<Object> received) throws IOException {
        rc.begin();
        if (transaction) {
            rc.out.command("MULTI");
        }
        // Indexed: the iterator of a pipeline's unmodifiable list is an allocation per batch that
        // escape analysis does not always remove. Pipelines hand over random-access lists.
        int size = commands.size();
        boolean text = true;
        for (int i = 0; i < size; i++) {
            Command c = commands.get(i);
            rc.write(c);
            text &= c.textReplies();
        }
        if (transaction) {
            rc.out.command("EXEC");
        }
        rc.flush();
        rc.callTimeout(timeout);
        if (transaction) {
            Object multi = rc.read(false, "MULTI");
            if (multi instanceof RedisServerException) {
                throw (RedisServerException) multi;
            }
        }
        for (int i = 0; i < size; i++) {
            Command c = commands.get(i);
            received.add(rc.read(c.textReplies(), c.name()));
        }
        return transaction ? rc.read(text, "EXEC") : null;
    }

    private static Replies batchResult(Object exec, List<Object> received, boolean transaction) {
        if (!transaction) {
            return new Replies(received);
        }
        if (exec instanceof RedisServerException) {
            // EXECABORT: a command was refused while queued; its error says which.
            RedisServerException e = (RedisServerException) exec;
            for (Object queued : received) {
                if (queued instanceof RedisServerException) {
                    e.addSuppressed((RedisServerException) queued);
                }
            }
            throw e;
        }
        if (exec == null) {
            return null; // a WATCHed key changed: the server discarded the transaction
        }
        @SuppressWarnings("unchecked")
        List<Object> replies = (List<Object>) exec;
        return new Replies(replies);
    }

    /** The read timeout of a call: its own, a blocking command's timeout plus the margin, or null for the socket's. */
    private Duration readTimeout(Command c, Duration atLeast) {
        if (c.readTimeout() != null) {
            return c.readTimeout();
        }
        long block = CommandTable.blockingTimeoutMillis(c);
        if (block < 0) {
            return atLeast;
        }
        // 0 blocks for ever, as the caller asked: the longest read timeout a socket takes (24.8 days),
        // with TCP keepalive to find a vanished server.
        long ms = block == 0 ? Integer.MAX_VALUE : Math.min(Integer.MAX_VALUE, block + blockingMargin.toMillis());
        Duration d = Duration.ofMillis(ms);
        return atLeast == null || d.compareTo(atLeast) > 0 ? d : atLeast;
    }

    private Duration batchTimeout(List<Command> commands, boolean transaction) {
        Duration t = null;
        for (int i = 0; i < commands.size(); i++) {
            Command c = commands.get(i);
            // Inside MULTI a blocking command does not block: it answers at once when EXEC runs.
            t = transaction && c.readTimeout() == null ? t : readTimeout(c, t);
        }
        return t;
    }

    private RedisConnection fresh(String what, ConnectionFailure first) {
        try {
            return connector.openFresh(endpoint, Deadline.after(ticker, openTimeout));
        } catch (ConnectionFailure f) {
            retries.incrementAndGet(RetryOutcome.FAILED.ordinal());
            f.addSuppressed(first);
            throw new RedisConnectionException(what + " failed: " + first.getMessage() + "; its retry on a fresh connection"
                    + " could not be sent: " + f.getMessage(), f, f, RetryPolicy.mayHaveBeenApplied(first), null);
        } catch (IOException | RuntimeException e) {
            retries.incrementAndGet(RetryOutcome.FAILED.ordinal());
            throw new RedisConnectionException(what + " failed: " + first.getMessage() + "; its retry on a fresh connection"
                    + " could not be sent: a new connection failed its handshake: " + e.getMessage(), e, first,
                    RetryPolicy.mayHaveBeenApplied(first), null);
        }
    }

    /**
     * Counts how a call whose connection failed ended: {@code first} is the failure that caused a
     * retry (null when there was none); {@code ok} whether the call got its answer.
     */
    private void counted(ConnectionFailure first, boolean ok) {
        if (first != null) {
            retries.incrementAndGet((ok ? RetryOutcome.SUCCEEDED : RetryOutcome.FAILED).ordinal());
        } else if (!ok) {
            retries.incrementAndGet(RetryOutcome.NOT_RETRIED.ordinal());
        }
    }

    /** A retry is about to be sent: one line per window, however many a restart causes. */
    private void retrying(String what, ConnectionFailure f, RetryPolicy.Decision d) {
        events.storm(Level.INFO, "command.retried", endpoint.toString(), "client", poolName, "route", endpoint,
                "command", what, "failure", f.kind(), "why", d.reason());
    }

    /**
     * Calls whose connection failed, by what became of them.
     *
     * @param outcome an outcome
     * @return how many ended so since the client started
     */
    public long retries(RetryOutcome outcome) {
        return retries.get(outcome.ordinal());
    }

    /** Logs how many retries the last window left out (the client is closing). */
    public void flushLog() {
        events.flush();
    }

    private void release(Lease<RedisConnection> lease, RedisConnection rc) {
        boolean clean = rc.end();
        if (lease == null) {
            // Opened outside the pool for a retry: it cannot join the pool, so it ends here.
            connector.close(rc, Reason.NOT_REUSABLE);
        } else if (clean) {
            lease.close();
        } else {
            lease.close(Reason.NOT_REUSABLE);
        }
    }

    private void discard(Lease<RedisConnection> lease, RedisConnection rc) {
        rc.end();
        if (lease != null) {
            lease.close(Reason.BROKEN);
        } else {
            connector.close(rc, Reason.BROKEN);
        }
    }

    private static RuntimeException unexpected(String what, Throwable e) {
        if (e instanceof RuntimeException) {
            return (RuntimeException) e;
        }
        if (e instanceof Error) {
            throw (Error) e;
        }
        // Connection streams only throw ConnectionFailure; anything else is a bug worth its stack.
        return new IllegalStateException(what + ": unexpected " + e, e);
    }

    private static String describe(List<Command> commands, boolean transaction) {
        return (transaction ? "transaction of " : "pipeline of ") + commands.size() + (commands.size() == 1 ? " command" : " commands");
    }
}
