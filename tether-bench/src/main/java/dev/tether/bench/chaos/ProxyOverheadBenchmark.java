package dev.tether.bench.chaos;

import dev.tether.chaos.ChaosLab;
import dev.tether.chaos.ChaosProxy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a tether-chaos proxy without toxics costs, against a direct loopback connection, in one
 * run: {@code transfer} sends {@code size} bytes and waits for a one-byte acknowledgement (its
 * time per op gives throughput); {@code roundTrip} sends 100 bytes and reads them back (its
 * sample distribution gives p50 and p99). Each trial uses one connection, kept open.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class ProxyOverheadBenchmark {

    @Param({"direct", "proxy"})
    public String path;

    @Param({"65536", "1048576"})
    public int size;

    private ServerSocket server;
    private ChaosLab lab;
    private Socket socket;
    private OutputStream out;
    private InputStream in;
    private byte[] payload;
    private final byte[] message = new byte[100];
    private final byte[] reply = new byte[100];

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::serve, "bench-server");
        t.setDaemon(true);
        t.start();
        int port = server.getLocalPort();
        if (path.equals("proxy")) {
            lab = ChaosLab.create();
            ChaosProxy proxy = lab.createProxy("bench", "127.0.0.1:" + port);
            port = proxy.port();
        }
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        in = socket.getInputStream();
        payload = new byte[size];
    }

    /**
     * The server side of both benchmarks: a first byte 'T' announces a transfer of a 4-byte
     * length and that many bytes, answered with one byte; 'E' announces 99 bytes to echo with it.
     */
    private void serve() {
        try {
            serve(server.accept());
        } catch (IOException e) {
            // the trial is over
        }
    }

    /** Serves one connection with that protocol until it ends (also {@link ProxyRounds}'s server). */
    static void serve(Socket accepted) {
        try (Socket s = accepted) {
            s.setTcpNoDelay(true);
            InputStream sin = s.getInputStream();
            OutputStream sout = s.getOutputStream();
            byte[] buf = new byte[64 * 1024];
            int kind;
            while ((kind = sin.read()) >= 0) {
                if (kind == 'T') {
                    byte[] len = sin.readNBytes(4);
                    long left = ((len[0] & 0xffL) << 24) | ((len[1] & 0xff) << 16) | ((len[2] & 0xff) << 8) | (len[3] & 0xff);
                    while (left > 0) {
                        int n = sin.read(buf, 0, (int) Math.min(buf.length, left));
                        if (n < 0) {
                            return;
                        }
                        left -= n;
                    }
                    sout.write(1);
                } else {
                    buf[0] = (byte) kind;
                    int got = sin.readNBytes(buf, 1, 99);
                    sout.write(buf, 0, got + 1);
                }
            }
        } catch (IOException e) {
            // the trial is over
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        socket.close();
        server.close();
        if (lab != null) {
            lab.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int transfer() throws IOException {
        out.write(new byte[] {'T', (byte) (size >>> 24), (byte) (size >>> 16), (byte) (size >>> 8), (byte) size});
        out.write(payload);
        return in.read();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int roundTrip() throws IOException {
        message[0] = 'E';
        out.write(message);
        return in.readNBytes(reply, 0, 100);
    }
}
