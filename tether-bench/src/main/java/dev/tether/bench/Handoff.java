package dev.tether.bench;

import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * What it costs this machine to hand the turn from one thread to another: two threads pass a
 * token back and forth, either parking until the other unparks them (what every blocking wait in
 * the JDK comes down to, and what a caller of a shared round trip does until its reply is in) or
 * spinning on it. On a host whose idle CPUs halt and are woken through the hypervisor, the parked
 * handoff costs far more than on bare metal: it is the floor under any design in which a thread
 * waits for another's result. Run:
 * {@code java -cp tether-bench/target/benchmarks.jar dev.tether.bench.Handoff [handoffs] [repeats]}
 */
public final class Handoff {
    private static volatile int turn;

    private Handoff() {
    }

    public static void main(String[] args) throws InterruptedException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        System.out.printf(Locale.ROOT, "%d CPUs, %d handoffs per run%n", Runtime.getRuntime().availableProcessors(), n);
        for (int r = 0; r < repeats; r++) {
            for (boolean spin : new boolean[] {false, true}) {
                System.out.printf(Locale.ROOT, "%-5s %.2f us per handoff%n", spin ? "spin" : "park", run(n, spin));
            }
        }
    }

    /** Microseconds per handoff over {@code n} round trips of the token. */
    private static double run(int n, boolean spin) throws InterruptedException {
        turn = 0;
        Thread[] t = new Thread[2];
        for (int k = 0; k < 2; k++) {
            int me = k;
            t[k] = new Thread(() -> {
                for (int i = 0; i < n; i++) {
                    while (turn != me) {
                        if (spin) {
                            Thread.onSpinWait();
                        } else {
                            LockSupport.park();
                        }
                    }
                    turn = 1 - me;
                    if (!spin) {
                        LockSupport.unpark(t[1 - me]);
                    }
                }
            }, "handoff-" + k);
        }
        long t0 = System.nanoTime();
        t[0].start();
        t[1].start();
        t[0].join();
        t[1].join();
        return (System.nanoTime() - t0) / 1000.0 / (2.0 * n);
    }
}
