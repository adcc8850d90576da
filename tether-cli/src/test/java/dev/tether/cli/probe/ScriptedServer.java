package dev.tether.cli.probe;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A server on loopback that answers each request (a head, no body) with whatever its script
 * writes: the hostile servers a probe must survive. One thread per connection; closing the server
 * closes them all.
 */
final class ScriptedServer implements AutoCloseable {

    /** What to answer; returns whether the connection stays open for another request. */
    interface Script {
        boolean answer(int requestOnConnection, OutputStream out) throws IOException;
    }

    /** Answers whatever arrives first (a TLS ClientHello as well as a request) with {@code response}, then closes. */
    static ScriptedServer onFirstBytes(String response) throws IOException {
        return new ScriptedServer((n, out) -> {
            out.write(response.getBytes(StandardCharsets.ISO_8859_1));
            return false;
        }, Duration.ZERO, null, false);
    }

    /** Every request answered with {@code response}, the connection kept open. */
    static Script always(String response) {
        return (n, out) -> {
            out.write(response.getBytes(StandardCharsets.ISO_8859_1));
            return true;
        };
    }

    private final ServerSocket server;
    private final Script script;
    private final Duration idleTimeout;
    private final String idleNotice;
    private final boolean waitForHead;
    private final Set<Socket> live = ConcurrentHashMap.newKeySet();

    private ScriptedServer(Script script, Duration idleTimeout, String idleNotice, boolean waitForHead) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.script = script;
        this.idleTimeout = idleTimeout;
        this.idleNotice = idleNotice;
        this.waitForHead = waitForHead;
        Thread accept = new Thread(this::acceptLoop, "scripted-server");
        accept.setDaemon(true);
        accept.start();
    }

    static ScriptedServer start(Script script) throws IOException {
        return new ScriptedServer(script, Duration.ZERO, null, true);
    }

    /** A server that, when no request follows an answer within {@code idleTimeout}, writes {@code notice} and closes. */
    static ScriptedServer start(Script script, Duration idleTimeout, String notice) throws IOException {
        return new ScriptedServer(script, idleTimeout, notice, true);
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                live.add(s);
                Thread t = new Thread(() -> serve(s), "scripted-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            for (int n = 1; ; n++) {
                s.setSoTimeout(n == 1 ? 0 : (int) idleTimeout.toMillis());
                int first;
                try {
                    first = in.read();
                } catch (SocketTimeoutException idle) {
                    out.write(idleNotice.getBytes(StandardCharsets.ISO_8859_1));
                    return;
                }
                s.setSoTimeout(0);
                if (first < 0 || waitForHead && !readHead(in, first)) {
                    return;
                }
                boolean open = script.answer(n, out);
                out.flush();
                if (!open) {
                    return;
                }
            }
        } catch (IOException gone) {
            // the client closed, or the script wrote until it could not
        } finally {
            live.remove(s);
        }
    }

    /** Reads the rest of a request head after its first byte; false at the end of the stream. */
    private static boolean readHead(InputStream in, int first) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int b = first; b >= 0; b = in.read()) {
            matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
            if (matched == end.length) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : live) {
            s.close();
        }
    }
}
