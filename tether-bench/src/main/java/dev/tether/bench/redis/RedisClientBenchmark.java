package dev.tether.bench.redis;

import dev.tether.redis.RedisAdmin;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * GET, SET and pipelined batches of 100 against the machine's Redis ({@code TETHER_REDIS_URL},
 * default 127.0.0.1:6379), for tether-redis (32 connections), Jedis (JedisPool with its default 8
 * connections, and with 32) and Lettuce (one connection) in one run. Run it with
 * {@code -t 1}, {@code -t 8}, {@code -t 32} and {@code -prof gc} (whose {@code gc.alloc.rate.norm}
 * counts every thread's allocation, Lettuce's event loop included); the pipelined benchmarks count
 * one operation per command ({@code @OperationsPerInvocation(100)}), so every score is commands
 * per second. The 3-byte value and the one key match {@code redis-benchmark}'s defaults, the ceiling
 * these are compared with.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class RedisClientBenchmark {
    static final String KEY = "tether-bench:key";
    static final String VALUE = "xxx";

    @Param({"tether", "tether-solo", "jedis", "jedis-32", "lettuce"})
    public String client;

    private RedisPeers.Client peer;

    @Setup(Level.Trial)
    public void open() {
        peer = RedisPeers.create(client, RedisAdmin.URL, "tether-bench-" + client, 32);
        peer.set(KEY, VALUE);
    }

    @TearDown(Level.Trial)
    public void close() {
        peer.close();
    }

    @Benchmark
    public String get() {
        return peer.get(KEY);
    }

    @Benchmark
    public void set() {
        peer.set(KEY, VALUE);
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public String pipelinedGet() {
        return peer.pipelinedGets(KEY, 100);
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public void pipelinedSet() {
        peer.pipelinedSets(KEY, VALUE, 100);
    }
}
