package dev.tether.cli.lab;

/** The clients the lab compares. */
public enum ClientKind {
    /**
     * One persistent connection over a plain socket, no checks, no timeouts, no retry. Over HTTP it
     * reconnects after a failure dropped its socket; over Redis it is a bare connection that never
     * does (the field note's aioredis {@code create_connection}).
     */
    NAIVE("naive"),
    /**
     * A pool that trusts its idle connections (JedisPool's defaults: no check before lending, no
     * timeouts): it opens a new connection when none is idle and drops one that failed.
     */
    NAIVE_POOL("naive pool"),
    /**
     * A client that re-sends once after any failure, whatever the request: over HTTP the naive client
     * (OkHttp's retryOnConnectionFailure), over Redis the naive pool (a hand-written retry, Lettuce's replay).
     */
    RETRYING("naive+retry"),
    /** A new connection for every request, closed after the answer: no pool at all. */
    NO_POOL("no pool"),
    /** tether's client: tether-http's HttpClient, tether-redis's RedisClient. */
    TETHER("tether");

    private final String label;

    ClientKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
