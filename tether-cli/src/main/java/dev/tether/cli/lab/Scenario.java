package dev.tether.cli.lab;

import dev.tether.http.HttpClientConfig;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * One failure the lab reproduces: a script that sets up servers or proxies, drives a client
 * through the failure and marks the fault on the timeline. The runner runs the script once per
 * client kind, side by side, each run on servers of its own, and measures what the application
 * saw. To add a scenario, write one class and list it in {@link Scenarios#all()}; a Redis one
 * implements {@link dev.tether.cli.lab.redis.RedisScenario} (a database one will join alike).
 */
public interface Scenario {

    /** A short stable name for --only, JSON and HTML ids, e.g. {@code stale-fin}. */
    String id();

    /** The failure, as a reader would name it. */
    String title();

    /** What the lab injects, one line. */
    String fault();

    /** The clients run side by side; by default the naive one and tether. */
    default List<ClientKind> clients() {
        return List.of(ClientKind.NAIVE, ClientKind.TETHER);
    }

    /** Whether TIME_WAIT sockets left on the client matter here (reported, else shown as "-"). */
    default boolean countsTimeWait() {
        return false;
    }

    /** tether's settings for this scenario: the defaults unless the failure needs a shorter timeout to show. */
    default HttpClientConfig tetherConfig(boolean quick) {
        return HttpClientConfig.builder().pool(p -> p.name("lab")).build();
    }

    /**
     * A measurement made once per run of the scenario apart from its clients (the blackhole's TCP
     * keepalive experiment in a child JVM). The runner starts it on a thread of its own when the
     * scenario starts, beside the clients' scripts, so that it costs no time of its own; scripts
     * wait for its value with {@link Trial#side(Class)} and {@link #explain(Map, Object)} gets it.
     * It should not throw: a failure is better reported in its value. Null: none.
     */
    default Callable<?> side(boolean quick) {
        return null;
    }

    /** The script, run once per client kind. */
    void run(Trial t) throws Exception;

    /** One sentence on what happened and why, from the results by client label. */
    String explain(Map<String, ClientResult> byClient);

    /** As {@link #explain(Map)}, with the value of {@link #side(boolean)} (null if none or it failed). */
    default String explain(Map<String, ClientResult> byClient, Object side) {
        return explain(byClient);
    }
}
