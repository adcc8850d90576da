package dev.tether.bench.http;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * One keep-alive {@code GET /hello} against a local nginx per operation, each client as
 * {@link HttpClientBenchmark} calls it: the JMH view of the same request, for {@code -prof gc}
 * (bytes allocated per request on every thread of the JVM, the peers' own threads included) and
 * for profilers.
 *
 * <pre>
 * java -jar tether-bench/target/benchmarks.jar 'http.HttpGetBenchmark' -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HttpGetBenchmark {

    @Param({"tether", "apache", "okhttp"})
    public String client;

    private Process nginx;
    private Peers.Client c;
    private String url;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path dir = Files.createTempDirectory("tether-bench-nginx");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        nginx = HttpClientBenchmark.startNginx(dir, port);
        url = "http://127.0.0.1:" + port + "/hello";
        c = Peers.create(client);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        c.close();
        nginx.destroy();
        nginx.waitFor(10, TimeUnit.SECONDS);
    }

    @Benchmark
    public byte[] get() throws Exception {
        return c.send("GET", url, null);
    }
}
