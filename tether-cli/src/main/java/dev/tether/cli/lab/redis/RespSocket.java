package dev.tether.cli.lab.redis;

import dev.tether.cli.lab.support.LabServer;
import dev.tether.cli.wire.MiniResp;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

/**
 * One plain socket speaking RESP, what the naive Redis clients and the lab's admin connection are
 * made of: connect, send the setup commands (AUTH, SELECT, CLIENT SETNAME: what a client
 * configured with a password, a database and a name sends first), then one command at a time.
 * No check, no retry; timeouts only when the caller gives them (the naive clients do not).
 */
final class RespSocket implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RespSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to {@code host:port} and runs {@code setup}; a setup command the server refuses is an
     * IOException naming the command (never its arguments: AUTH's are a password).
     *
     * @param timeout connect and read timeout; {@link Duration#ZERO} for none (the naive clients)
     */
    static RespSocket open(String host, int port, Duration timeout, List<List<String>> setup) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) timeout.toMillis());
            RespSocket r = new RespSocket(s);
            for (List<String> command : setup) {
                Object reply = r.call(command);
                if (reply instanceof MiniResp.Err e) {
                    throw new IOException(command.get(0) + " refused: " + e.text());
                }
            }
            return r;
        } catch (IOException | RuntimeException e) {
            LabServer.closeQuietly(s);
            throw e;
        }
    }

    /** Sends one command and reads its reply (an error reply is a {@link MiniResp.Err}, not an exception). */
    Object call(List<String> command) throws IOException {
        MiniResp.write(out, command);
        return MiniResp.read(in);
    }

    Socket socket() {
        return socket;
    }

    @Override
    public void close() {
        LabServer.closeQuietly(socket);
    }
}
