package dev.tether.redis.internal;

import dev.tether.net.Connection;
import dev.tether.net.Endpoint;
import dev.tether.net.TcpConnector;
import dev.tether.pool.Connector;
import dev.tether.pool.Deadline;
import dev.tether.pool.Reason;
import dev.tether.pool.Redact;
import dev.tether.redis.Command;
import dev.tether.redis.RedisServerException;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * tether-net's {@link TcpConnector} with Redis's handshake on every new connection, and Redis's
 * buffers around each. Every lifecycle call goes straight to the TCP connector, so idle watching,
 * the lease-time check and the one close with a reason stay where tether-net put them.
 *
 * <p>The handshake ({@code HELLO 3}, {@code AUTH}, {@code CLIENT SETNAME}, {@code SELECT}, as the
 * config asks) is written in one go and its replies read within the open's deadline, so a
 * connection reaches the pool, or a subscriber, only in the state the config describes; a refused
 * step (a wrong password) fails the open with the server's error, and the connection is closed.
 * That error is shown with the credentials masked: a server that does not know a step's command
 * echoes its arguments ({@code unknown command 'HELLO', with args beginning with: '3' 'AUTH' ...}).
 * The handshake is not an exchange: the connection's first command is its first use.
 */
public final class RedisConnector implements Connector<Endpoint, RedisConnection> {
    private final TcpConnector tcp;
    private final RespLimits limits;
    private final List<Command> handshake;
    /** The user name and password the handshake sends, masked in what a refusal says. */
    private final String[] secrets;

    /**
     * @param handshake the commands every new connection starts with
     * @param secrets   what of them must never be shown (the user name and password; nulls ignored)
     */
    public RedisConnector(TcpConnector tcp, RespLimits limits, List<Command> handshake, String... secrets) {
        this.tcp = tcp;
        this.limits = limits;
        this.handshake = List.copyOf(handshake);
        this.secrets = secrets.clone();
    }

    @Override
    public RedisConnection open(Endpoint key, Deadline deadline) throws IOException {
        Connection c = tcp.open(key, deadline);
        RedisConnection rc = new RedisConnection(c, limits);
        try {
            handshake(rc, deadline);
            return rc;
        } catch (IOException | RuntimeException | Error e) {
            tcp.close(c, Reason.OPEN_FAILED);
            throw e;
        }
    }

    private void handshake(RedisConnection rc, Deadline deadline) throws IOException {
        if (handshake.isEmpty()) {
            return;
        }
        for (Command cmd : handshake) {
            rc.write(cmd);
        }
        rc.flush();
        if (!deadline.isNone() && deadline.remainingNanos() < rc.conn.readTimeout().toNanos()) {
            rc.callTimeout(Duration.ofMillis(deadline.remainingMillisAtLeast(1)));
        }
        RedisServerException refused = null;
        for (Command cmd : handshake) {
            Object reply = rc.read(false, cmd.name());
            if (reply instanceof RedisServerException && refused == null) {
                refused = (RedisServerException) reply;
            }
        }
        if (!rc.end()) {
            throw rc.protocol("the server sent more than the handshake's replies");
        }
        if (refused != null) {
            String shown = Redact.echoed(refused.serverMessage(), secrets);
            throw shown.equals(refused.serverMessage()) ? refused : new RedisServerException(refused.command(), shown);
        }
    }

    @Override
    public boolean isReusable(RedisConnection c, long idleNanos) {
        return tcp.isReusable(c.conn, idleNanos);
    }

    @Override
    public void onIdle(RedisConnection c, IdleHandle handle) {
        tcp.onIdle(c.conn, handle);
    }

    @Override
    public void onLease(RedisConnection c) {
        tcp.onLease(c.conn);
    }

    @Override
    public int localPort(RedisConnection c) {
        return tcp.localPort(c.connection());
    }

    @Override
    public void close(RedisConnection c, Reason reason) {
        tcp.close(c.conn, reason);
    }

    /** Opens a connection outside the pool (a retry's fresh connection, a subscriber's own). */
    public RedisConnection openFresh(Endpoint key, Deadline deadline) throws IOException {
        return open(key, deadline);
    }
}
