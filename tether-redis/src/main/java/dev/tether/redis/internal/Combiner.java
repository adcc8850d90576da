package dev.tether.redis.internal;

import dev.tether.net.ConnectionFailure;
import dev.tether.pool.Ticker;
import dev.tether.redis.Command;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Auto-pipelining without a thread of its own: concurrent callers' single commands travel
 * together, one write and one read loop per round trip, on at most {@code rounds} connections at
 * once.
 *
 * <p>Why: Redis answers commands one at a time on one thread, and on a busy host most of its time
 * and the client's goes to one {@code read} and one {@code write} system call per command on each
 * side. Commands that share a round trip share those calls. A client that waits for every round
 * trip on a connection of its own (Jedis's model) pays them per command; one that hands every
 * command to an I/O thread (Lettuce's) pays a thread switch per command instead. Here the caller
 * that finds a round trip free leads it: it takes every command waiting in the queue (its own
 * among them, or not), leases a pooled connection (idle-watched and checked at lease as any other),
 * writes them in one flush, reads their replies in order, and hands each to its caller. Callers
 * whose commands are in someone else's round trip park until their reply is in. A caller that
 * finds the queue empty and a round trip free leads at once, without queueing: alone, the cost of
 * sharing is a CAS and a slot. A leader that is awake anyway leads one round trip more before it
 * returns, for the commands that queued behind it: waking the next leader is the costliest step.
 *
 * <p>No caller waits for ever on another's luck: every leader, when it gives its round trip back,
 * wakes the caller at the head of the queue so that it leads the next one; a woken caller whose
 * command was answered meanwhile still leads one round trip if commands wait and a round trip is
 * free (one whose command got no connection wakes the new head instead), so the wake-up is never
 * lost. A round trip waits for a connection no longer than its oldest command may, so in an
 * outage every command fails within its acquire timeout, with the connect error. The queue holds at most one command per calling thread: each
 * caller waits for its own reply, so nothing piles up beyond the callers that exist; and a command
 * that waited the pool's acquire timeout without being taken into a round trip (the ones ahead of
 * it stalled) leaves the queue and fails, unsent, as a caller waiting for a pooled connection would.
 *
 * <p>What fills a slot is the {@link Runner}'s job (Dispatch): the reply, or the connection's
 * failure with whether this command's own reply had begun, so that each caller decides its own
 * retry by the command table as if it had been alone on the connection.
 */
final class Combiner {
    /** At most this many commands per round trip: bounds the write and the wait of the last one. */
    static final int MAX_BATCH = 128;

    /** One caller's command on its way; the fields are written by the round trip's leader before {@link #done}. */
    static final class Slot {
        final Command command;
        final Thread owner;
        /** When this command stops waiting for a connection ({@link Ticker} nanos): the pool's acquire timeout after its call. */
        final long deadline;
        /** The reply (a {@code RedisServerException} for an error reply). */
        Object reply;
        /** The connection failed before this command's reply was whole. */
        ConnectionFailure failure;
        /** With {@link #failure}: a byte of this command's own reply had arrived. */
        boolean replyStarted;
        /** Nothing was sent, or something unexpected: thrown to the caller as it is. */
        RuntimeException error;
        /** One of the three above was set (a reply may be null: a nil). */
        boolean filled;
        volatile boolean done;
        /** The next command of the same round trip: the leader links them (no list to allocate). */
        Slot next;

        Slot(Command command, Thread owner, long deadline) {
            this.command = command;
            this.owner = owner;
            this.deadline = deadline;
        }

        void reply(Object r) {
            reply = r;
            filled = true;
        }

        void failed(ConnectionFailure f, boolean started) {
            failure = f;
            replyStarted = started;
            filled = true;
        }

        void error(RuntimeException e) {
            error = e;
            filled = true;
        }
    }

    /**
     * Sends a round trip's commands, {@code first} and those linked after it by {@link Slot#next},
     * and fills their slots; must not throw for a connection's failure. It waits for a connection
     * no later than the earliest {@link Slot#deadline} of them: the younger commands then fail with
     * the oldest, a little before their own deadline, rather than the oldest well after its own.
     */
    interface Runner {
        void run(Slot first);
    }

    private final ConcurrentLinkedQueue<Slot> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger free;
    private final Runner runner;
    private final Ticker ticker;
    private final long maxWaitNanos;
    private final Function<Command, RuntimeException> notSent;

    /**
     * @param rounds  round trips in flight at once (connections shared)
     * @param runner  sends a round trip
     * @param ticker  the client's clock
     * @param maxWait how long a command may wait in the queue before it fails unsent (the pool's acquire timeout)
     * @param notSent the failure of a command that waited that long
     */
    Combiner(int rounds, Runner runner, Ticker ticker, Duration maxWait, Function<Command, RuntimeException> notSent) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds: " + rounds + " (expected: >= 1)");
        }
        this.free = new AtomicInteger(rounds);
        this.runner = runner;
        this.ticker = ticker;
        this.maxWaitNanos = maxWait.toNanos();
        this.notSent = notSent;
    }

    /** Sends {@code c} with whatever other callers' commands wait beside it; returns its filled slot. */
    Slot call(Command c) {
        long deadline = ticker.nanoTime() + maxWaitNanos;
        Slot s = new Slot(c, Thread.currentThread(), deadline);
        if (queue.isEmpty() && take()) {
            // Alone (the common case at low load): lead a round trip that starts with this command,
            // without passing it through the queue.
            hold(s, s);
            return s;
        }
        queue.add(s);
        try {
            while (!s.done) {
                if (!queue.isEmpty() && take()) {
                    hold(s, null);
                    continue;
                }
                long left = deadline - ticker.nanoTime();
                if (left > 0) {
                    LockSupport.parkNanos(this, left);
                } else if (queue.remove(s)) {
                    // Not sent after the pool's acquire timeout: the round trips ahead of it did not
                    // end in time (a stalled server). Nothing of it left this client.
                    s.error(notSent.apply(c));
                    break;
                } else {
                    LockSupport.park(this); // a leader took it: in flight, bounded by its reads' timeouts
                }
            }
            // A leader that gave its round trip back may have woken this caller to lead the next one
            // just as its own reply came in: lead it, so that the commands behind are not stranded.
            // A caller whose own command got no connection hands that on instead: leading, it could
            // wait out one more acquire timeout before it returns its own failure.
            if (!queue.isEmpty()) {
                if (s.error != null) {
                    Slot head = queue.peek();
                    if (head != null) {
                        LockSupport.unpark(head.owner);
                    }
                } else if (take()) {
                    try {
                        lead(null);
                    } finally {
                        release();
                    }
                }
            }
        } catch (Error e) {
            // Nothing of ours may go out after we have thrown: take our command back if it still waits.
            queue.remove(s);
            throw e;
        }
        return s;
    }

    private boolean take() {
        for (int n = free.get(); n > 0; n = free.get()) {
            if (free.compareAndSet(n, n - 1)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Holding a round trip ({@link #take}), awake: leads while {@code own} is not answered (the
     * caller would only wait), and one round trip more for the commands that queued behind it,
     * which saves the next leader's wake-up, the costliest step on a busy host; then gives it back.
     * Not after a round trip that got no connection: another could wait out one more acquire
     * timeout before this caller hears of its own failure, and the next leader is woken anyway.
     */
    private void hold(Slot own, Slot first) {
        try {
            lead(first);
            boolean more = true;
            while (!queue.isEmpty() && (!own.done || (more && own.error == null))) {
                more &= !own.done;
                lead(null);
            }
        } finally {
            release();
        }
    }

    /**
     * One round trip: {@code first} (a command that did not queue, or null) and whatever waits;
     * the caller holds a round trip ({@link #take}) and gives it back.
     */
    private void lead(Slot first) {
        Slot head = first;
        Slot tail = first;
        int n = first == null ? 0 : 1;
        for (Slot s; n < MAX_BATCH && (s = queue.poll()) != null; n++) {
            if (tail == null) {
                head = s;
            } else {
                tail.next = s;
            }
            tail = s;
        }
        if (head == null) {
            return;
        }
        try {
            runner.run(head);
        } catch (RuntimeException e) {
            // A bug in the runner: each command it carried fails with it; the leader's own command,
            // carried or not, ends as its slot says.
            fail(head, e);
        } catch (Error e) {
            fail(head, new IllegalStateException("the round trip failed: " + e, e));
            throw e;
        } finally {
            Thread me = Thread.currentThread();
            for (Slot s = head; s != null; ) {
                Slot next = s.next;
                s.next = null;
                s.done = true; // after this the owner may return: nothing of the slot is touched again
                if (s.owner != me) {
                    LockSupport.unpark(s.owner);
                }
                s = next;
            }
        }
    }

    /** Gives a round trip back and wakes the caller at the head of the queue to lead the next one. */
    private void release() {
        free.incrementAndGet();
        Slot next = queue.peek();
        if (next != null) {
            LockSupport.unpark(next.owner);
        }
    }

    private static void fail(Slot head, RuntimeException e) {
        for (Slot s = head; s != null; s = s.next) {
            if (!s.filled) {
                s.error(e);
            }
        }
    }

    /** Commands waiting for a round trip (for tests and the pool's view). */
    int waiting() {
        return queue.size();
    }
}
