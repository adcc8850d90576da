package dev.tether.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A scripted server on a loopback port that reads RESP commands and answers each with the raw
 * bytes its script returns (null: close the connection; ending with {@link #THEN_CLOSE}: write,
 * then close): for replies a real Redis never sends. A script may also take the number of the
 * connection the command came on (1 for the first accepted), to check which connection a
 * client used.
 */
final class FakeRedis implements AutoCloseable {
    /** At the end of a script's reply: write what comes before it, then close the connection. */
    static final String THEN_CLOSE = "\u0000close";
    private final ServerSocket server;
    private final BiFunction<Integer, List<String>, String> script;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> open = new java.util.concurrent.CopyOnWriteArrayList<>();

    FakeRedis(Function<List<String>, String> script) throws IOException {
        this((connection, command) -> script.apply(command));
    }

    /** A server whose script is given each command with the number of the connection it came on. */
    FakeRedis(BiFunction<Integer, List<String>, String> script) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.script = script;
        Thread t = new Thread(this::accept, "fake-redis");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    int connections() {
        return connections.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                int number = connections.incrementAndGet();
                open.add(s);
                Thread t = new Thread(() -> serve(s, number), "fake-redis-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket s, int number) {
        try (s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
            while (true) {
                List<String> cmd = readCommand(in);
                if (cmd == null) {
                    return;
                }
                String reply = script.apply(number, cmd);
                if (reply == null) {
                    return;
                }
                boolean thenClose = reply.endsWith(THEN_CLOSE);
                if (thenClose) {
                    reply = reply.substring(0, reply.length() - THEN_CLOSE.length());
                }
                out.write(reply.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (thenClose) {
                    return;
                }
            }
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private static List<String> readCommand(InputStream in) throws IOException {
        String head = line(in);
        if (head == null) {
            return null;
        }
        int n = Integer.parseInt(head.substring(1));
        List<String> args = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int len = Integer.parseInt(line(in).substring(1));
            byte[] b = in.readNBytes(len + 2);
            args.add(new String(b, 0, len, StandardCharsets.UTF_8));
        }
        return args;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
