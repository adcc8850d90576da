package dev.tether.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted HTTP/1.1 server on loopback for tests: one thread per connection runs the handler,
 * which reads requests with {@link Conn#readRequest()} and writes raw bytes back, so a test can
 * answer anything, well-formed or not, and break the connection wherever it likes.
 */
final class TestServer implements AutoCloseable {

    interface Handler {
        void serve(Conn c) throws Exception;
    }

    record Request(String method, String target, Map<String, String> headers, byte[] body, int connection, int exchange) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    final class Conn {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final int index;
        int exchanges;

        Conn(Socket socket, int index) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
            this.index = index;
        }

        /** The next request, or null when the client closed the connection. */
        Request readRequest() throws IOException {
            String line = readLine();
            if (line == null) {
                return null;
            }
            String[] parts = line.split(" ");
            Map<String, String> headers = new LinkedHashMap<>();
            String h;
            while ((h = readLine()) != null && !h.isEmpty()) {
                int c = h.indexOf(':');
                headers.merge(h.substring(0, c).trim().toLowerCase(Locale.ROOT), h.substring(c + 1).trim(), (a, b) -> a + ", " + b);
            }
            byte[] body = new byte[0];
            if ("100-continue".equalsIgnoreCase(headers.get("expect")) && continueOnExpect) {
                write("HTTP/1.1 100 Continue\r\n\r\n");
            }
            if (headers.containsKey("content-length")) {
                body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                while (true) {
                    int size = Integer.parseInt(readLine().split(";")[0].trim(), 16);
                    if (size == 0) {
                        while (!readLine().isEmpty()) {
                            // trailers
                        }
                        break;
                    }
                    b.write(in.readNBytes(size));
                    readLine();
                }
                body = b.toByteArray();
            }
            Request r = new Request(parts[0], parts[1], headers, body, index, ++exchanges);
            requests.add(r);
            return r;
        }

        String readLine() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n') {
                    String s = b.toString(StandardCharsets.ISO_8859_1);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                b.write(c);
            }
            return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
        }

        void write(String raw) throws IOException {
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        void write(byte[] raw) throws IOException {
            out.write(raw);
            out.flush();
        }

        /** A 200 with a Content-Length body. */
        void ok(String body, String... extraHeaders) throws IOException {
            StringBuilder sb = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Length: ")
                    .append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
            for (String e : extraHeaders) {
                sb.append(e).append("\r\n");
            }
            sb.append("\r\n");
            out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Closes with an RST (SO_LINGER 0). */
        void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }
    }

    private final ServerSocket server;
    private final Handler handler;
    private final Thread acceptor;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    final List<Socket> sockets = new CopyOnWriteArrayList<>();
    volatile boolean continueOnExpect = true;

    TestServer(Handler handler) throws IOException {
        this.handler = handler;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "test-server-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Serves every request on a connection with {@code answer} until the client closes it. */
    static TestServer answering(Responder answer) throws IOException {
        return new TestServer(c -> {
            Request r;
            while ((r = c.readRequest()) != null) {
                answer.answer(c, r);
            }
        });
    }

    interface Responder {
        void answer(Conn c, Request r) throws Exception;
    }

    int port() {
        return server.getLocalPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
            sockets.add(s);
            int index = connections.incrementAndGet();
            Thread t = new Thread(() -> {
                try (s) {
                    handler.serve(new Conn(s, index));
                } catch (SocketTimeoutException ignored) {
                    // the handler's own idle limit
                } catch (Exception ignored) {
                    // the client went away, or the script broke the connection on purpose
                }
            }, "test-server-conn-" + index);
            t.setDaemon(true);
            t.start();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }
}
