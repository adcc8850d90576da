package dev.tether.bench.net;

import dev.tether.net.Connection;
import dev.tether.net.Endpoint;
import dev.tether.net.TcpConnector;
import dev.tether.pool.Connector.IdleHandle;
import dev.tether.pool.Reason;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The cost of checking, when a connection leaves the pool, that an idle loopback connection is
 * still alive (it is, in every case here, so each check says "reusable"):
 * <ul>
 *   <li>{@code tetherNonBlockingRead}: tether's lease-time check, one non-blocking read of at most
 *       one byte (0 bytes read: alive);</li>
 *   <li>{@code tetherIdleLeaseCycle}: the whole round trip through the connector on the
 *       keep-alive hot path, onIdle (hand to the shared watcher: mark it pending, due for
 *       registration a few ms later) + onLease (take it back before it was registered, the check
 *       with its two mode switches) + isReusable;</li>
 *   <li>{@code hc5BlockingRead1ms}: Apache HttpClient 5's stale check: SO_TIMEOUT 1 ms and a
 *       blocking read that times out;</li>
 *   <li>{@code urllib3ZeroTimeoutPoll}: urllib3's {@code is_connection_dropped}, a poll with zero
 *       timeout, here {@code selectNow()} on a private selector holding the channel.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class LivenessCheckBenchmark {
    private ServerSocket server;
    private final List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
    private SocketChannel nonBlocking;
    private final ByteBuffer one = ByteBuffer.allocateDirect(1);
    private Socket blocking;
    private InputStream blockingIn;
    private SocketChannel polled;
    private Selector privateSelector;
    private TcpConnector connector;
    private Connection connection;
    private final IdleHandle handle = reason -> false;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(server.accept());
                }
            } catch (IOException closed) {
                // trial over
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());

        nonBlocking = SocketChannel.open(address);
        nonBlocking.configureBlocking(false);

        blocking = new Socket();
        blocking.connect(address);
        blockingIn = blocking.getInputStream();

        polled = SocketChannel.open(address);
        polled.configureBlocking(false);
        privateSelector = Selector.open();
        polled.register(privateSelector, SelectionKey.OP_READ);

        connector = TcpConnector.create();
        connection = connector.open(Endpoint.of("127.0.0.1", server.getLocalPort()));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        connector.close(connection, Reason.POOL_CLOSED);
        nonBlocking.close();
        blocking.close();
        privateSelector.close();
        polled.close();
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
    }

    @Benchmark
    public boolean tetherNonBlockingRead() throws IOException {
        one.clear();
        return nonBlocking.read(one) == 0;
    }

    @Benchmark
    public boolean tetherIdleLeaseCycle() {
        connector.onIdle(connection, handle);
        connector.onLease(connection);
        return connector.isReusable(connection, 0);
    }

    @Benchmark
    public boolean hc5BlockingRead1ms() throws IOException {
        int saved = blocking.getSoTimeout();
        blocking.setSoTimeout(1);
        try {
            blockingIn.read();
            return false; // a byte or the end of the stream: not reusable
        } catch (SocketTimeoutException alive) {
            return true;
        } finally {
            blocking.setSoTimeout(saved);
        }
    }

    @Benchmark
    public boolean urllib3ZeroTimeoutPoll() throws IOException {
        int ready = privateSelector.selectNow();
        privateSelector.selectedKeys().clear();
        return ready == 0;
    }
}
