package dev.tether.cli.lab;

/** The clients the lab compares. */
public enum ClientKind {
    /** One persistent connection over a plain socket, no checks, no timeouts, no retry. */
    NAIVE("naive"),
    /** The naive client that re-sends once after any failure (OkHttp's retryOnConnectionFailure). */
    RETRYING("naive+retry"),
    /** A new connection for every request, closed after the answer: no pool at all. */
    NO_POOL("no pool"),
    /** tether-http's HttpClient. */
    TETHER("tether");

    private final String label;

    ClientKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
