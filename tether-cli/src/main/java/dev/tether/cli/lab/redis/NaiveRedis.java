package dev.tether.cli.lab.redis;

import dev.tether.cli.lab.Format;
import dev.tether.cli.lab.support.LabClient.Outcome;
import dev.tether.cli.lab.support.Patience;
import dev.tether.cli.wire.MiniResp;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The naive Redis clients, over plain sockets speaking RESP ({@link RespSocket}): no check before
 * use, no timeouts, no retry unless said. Each new connection sends the target's setup (its name,
 * so that the lab can kill it; AUTH and SELECT on a user's server). The lab bounds each command
 * by its patience ({@link Patience}): one still waiting after that is aborted and reported as a hang.
 *
 * <ul>
 *   <li>{@link Bare}: one connection, opened at the first command; after its first failure it is
 *       closed for good and every later command fails at once, as the field note's aioredis
 *       {@code create_connection} did after tcpkill. After a hang the lab gave up on, its later
 *       commands are not sent either: a real application's one socket would still be waiting for the
 *       reply, and they would wait behind it.</li>
 *   <li>{@link Pool}: JedisPool with its defaults: the most recently returned idle connection is
 *       lent without a check, a new one is opened when none is idle, and one whose command failed
 *       is closed. With {@code retry} it re-sends a failed command once on another connection,
 *       whatever the command (a hand-written retry loop; Lettuce replays its queue alike).</li>
 * </ul>
 */
final class NaiveRedis {
    private NaiveRedis() {
    }

    /** One socket, for good. */
    static final class Bare implements RedisLabClient {
        private final RedisTarget target;
        private final int port;
        private final String name;
        private final Duration patience;
        private volatile RespSocket socket;
        private volatile String dead;
        private volatile boolean hung; // the lab gave up on a command that had no answer, and closed the socket
        private volatile boolean inUse;
        private int opened;

        Bare(RedisTarget target, int port, String name, Duration patience) {
            this.target = target;
            this.port = port;
            this.name = name;
            this.patience = patience;
        }

        @Override
        public Outcome call(List<String> command) {
            if (hung) {
                return Outcome.failed("not sent: the bare connection's one socket was still waiting for the reply to an earlier"
                        + " command, with no timeout to end the wait, when the lab gave up on it after " + Format.ms(patience.toMillis())
                        + "; a real application would still be waiting there, and this command behind it");
            }
            if (dead != null) {
                return Outcome.failed("ConnectionClosedError: the connection was closed after an earlier failure (" + dead
                        + ") and a bare connection never reconnects");
            }
            inUse = true;
            try {
                if (socket == null) {
                    socket = RespSocket.open("127.0.0.1", port, Duration.ZERO, target.setup(name));
                    opened++;
                }
                Reply r = NaiveRedis.call(socket, command, patience);
                hung = r.hung();
                return r.outcome();
            } catch (IOException e) {
                return Outcome.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
            } finally {
                if (socket != null && socket.socket().isClosed()) {
                    dead = "its socket failed";
                    socket = null;
                }
                inUse = false;
            }
        }

        @Override
        public int idle() {
            return socket != null && !inUse ? 1 : 0;
        }

        @Override
        public int leased() {
            return inUse ? 1 : 0;
        }

        @Override
        public String detail() {
            return "one connection, opened " + (opened == 1 ? "once" : opened + " times")
                    + (hung ? ", closed by the lab after " + Format.ms(patience.toMillis()) + " waiting for a reply"
                    : dead != null ? ", dead since its first failure" : "");
        }

        @Override
        public void close() {
            RespSocket s = socket;
            if (s != null) {
                s.close();
            }
        }
    }

    /** A pool that lends its idle connections unchecked. */
    static final class Pool implements RedisLabClient {
        private final RedisTarget target;
        private final int port;
        private final String name;
        private final Duration patience;
        private final boolean retry;
        private final ReentrantLock lock = new ReentrantLock();
        private final Deque<RespSocket> idle = new ArrayDeque<>(); // guarded by lock
        private volatile int leased;
        private int staleLent;
        private int resent;

        Pool(RedisTarget target, int port, String name, Duration patience, boolean retry) {
            this.target = target;
            this.port = port;
            this.name = name;
            this.patience = patience;
            this.retry = retry;
        }

        @Override
        public Outcome call(List<String> command) {
            Outcome o = once(command);
            if (o.ok() || !retry) {
                return o;
            }
            resent++;
            return once(command);
        }

        private Outcome once(List<String> command) {
            RespSocket s;
            lock.lock();
            try {
                s = idle.pollFirst();
            } finally {
                lock.unlock();
            }
            boolean reused = s != null;
            leased++;
            try {
                if (s == null) {
                    s = RespSocket.open("127.0.0.1", port, Duration.ZERO, target.setup(name));
                }
                Outcome o = NaiveRedis.call(s, command, patience).outcome();
                if (s.socket().isClosed()) {
                    staleLent += reused && !o.ok() ? 1 : 0;
                } else {
                    lock.lock();
                    try {
                        idle.addFirst(s);
                    } finally {
                        lock.unlock();
                    }
                }
                return o;
            } catch (IOException e) {
                return Outcome.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
            } finally {
                leased--;
            }
        }

        @Override
        public int idle() {
            lock.lock();
            try {
                return idle.size();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int leased() {
            return leased;
        }

        @Override
        public String detail() {
            String lent = staleLent == 0 ? "no check before lending"
                    : Format.count(staleLent, "dead connection") + " lent (no check before lending)";
            return lent + (retry ? ", " + Format.count(resent, "blind re-send") : "");
        }

        @Override
        public void close() {
            lock.lock();
            try {
                idle.forEach(RespSocket::close);
                idle.clear();
            } finally {
                lock.unlock();
            }
        }
    }

    /** What one command came to, and whether it hung until the lab gave up on it (then its socket is closed). */
    private record Reply(Outcome outcome, boolean hung) {
    }

    /**
     * One command on {@code s}, bounded by the lab's patience. A failed socket is closed (the
     * caller sees it closed and drops it); an error reply is the application's error on a good
     * connection.
     */
    private static Reply call(RespSocket s, List<String> command, Duration patience) {
        Patience watch = Patience.watch(patience, s::close);
        try {
            Object reply = s.call(command);
            if (reply instanceof MiniResp.Err e) {
                return new Reply(Outcome.failed(e.text()), false);
            }
            return new Reply(Outcome.replied(RedisLabClient.shown(reply)), false);
        } catch (IOException | RuntimeException e) {
            s.close();
            boolean hung = watch.aborted();
            return new Reply(Outcome.failed(hung ? watch.hang() : e.getClass().getSimpleName() + ": " + e.getMessage()), hung);
        } finally {
            watch.done();
        }
    }
}
