package dev.tether.bench.redis;

import dev.tether.redis.RedisAdmin;
import dev.tether.redis.RedisConnectionException;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Issue 12's kill tables for tether-redis, Jedis (JedisPool) and Lettuce, each with its defaults,
 * against the machine's Redis, killing only the connections named after the client (CLIENT KILL ID):
 *
 * <ol>
 *   <li>idle kill: 20 rounds of one GET, kill, 50 ms pause, one GET; how many second GETs failed;</li>
 *   <li>churn: an INCR every 1 ms while every connection of the client is killed every 100 ms,
 *       3,000 INCR; how many failed, and how many the server applied without acknowledging them
 *       (final counter minus acknowledged INCRs; for tether, how many failures said "may have been
 *       applied"); the same with GET (failures only).</li>
 * </ol>
 * Usage: {@code java -cp tether-bench/target/benchmarks.jar dev.tether.bench.redis.RedisKillTables}
 */
public final class RedisKillTables {
    private RedisKillTables() {
    }

    public static void main(String[] args) throws Exception {
        System.out.printf(Locale.ROOT, "JDK %s, %d cores, load average %.2f, Redis at %s%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                RedisAdmin.URL);
        StringBuilder table = new StringBuilder();
        table.append("| client (defaults) | idle connections killed, next command failed | INCR churn: failed | applied without acknowledgement"
                + " | failures that said \"may have been applied\" | GET churn: failed | INCR churn took |\n");
        table.append("| --- | --- | --- | --- | --- | --- | --- |\n");
        try (RedisAdmin admin = RedisAdmin.machine()) {
            for (String peer : RedisPeers.NAMES) {
                String name = RedisAdmin.uniqueName("tether-kill-" + peer);
                int idle = idleKill(admin, peer, name);
                int[] incr = churn(admin, peer, name + "-incr", true);
                int[] get = churn(admin, peer, name + "-get", false);
                String line = String.format(Locale.ROOT, "| %s | %d of 20 | %d | %d | %s | %d | %.1f s |", peer, idle, incr[0], incr[1],
                        peer.equals("tether") ? String.valueOf(incr[2]) : "-", get[0], incr[3] / 1000.0);
                System.out.println(line);
                table.append(line).append('\n');
            }
        }
        System.out.println();
        System.out.print(table);
        System.out.printf(Locale.ROOT, "load average at the end %.2f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.exit(0);
    }

    private static int idleKill(RedisAdmin admin, String peer, String name) {
        String key = name + ":k";
        admin.client().set(key, "v");
        int failed = 0;
        try (RedisPeers.Client c = RedisPeers.create(peer, RedisAdmin.URL, name, 8)) {
            for (int round = 0; round < 20; round++) {
                c.get(key);
                admin.kill(name);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                try {
                    c.get(key);
                } catch (RuntimeException e) {
                    failed++;
                }
            }
        } finally {
            admin.client().del(key);
        }
        return failed;
    }

    /** {failed, applied without acknowledgement, failures that said "may have been applied", elapsed ms}. */
    private static int[] churn(RedisAdmin admin, String peer, String name, boolean incr) throws InterruptedException {
        String key = name + ":counter";
        admin.client().set(key, "0");
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger saidMaybe = new AtomicInteger();
        long start;
        long elapsed;
        try (RedisPeers.Client c = RedisPeers.create(peer, RedisAdmin.URL, name, 8)) {
            ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
            ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
            CountDownLatch done = new CountDownLatch(3000);
            start = System.nanoTime();
            pace.scheduleAtFixedRate(() -> {
                if (done.getCount() == 0) {
                    return;
                }
                try {
                    if (incr) {
                        c.incr(key);
                    } else {
                        c.get(key);
                    }
                    acknowledged.incrementAndGet();
                } catch (RedisConnectionException e) {
                    failed.incrementAndGet();
                    if (e.mayHaveBeenApplied()) {
                        saidMaybe.incrementAndGet();
                    }
                } catch (RuntimeException e) {
                    failed.incrementAndGet();
                }
                done.countDown();
            }, 0, 1, TimeUnit.MILLISECONDS);
            killer.scheduleAtFixedRate(() -> admin.kill(name), 100, 100, TimeUnit.MILLISECONDS);
            done.await(600, TimeUnit.SECONDS);
            elapsed = System.nanoTime() - start;
            pace.shutdownNow();
            killer.shutdownNow();
            pace.awaitTermination(10, TimeUnit.SECONDS);
            killer.awaitTermination(10, TimeUnit.SECONDS);
        }
        long counter = incr ? admin.counter(key) : 0;
        admin.client().del(key);
        return new int[] {failed.get(), incr ? (int) (counter - acknowledged.get()) : 0, saidMaybe.get(), (int) (elapsed / 1_000_000)};
    }
}
