package dev.tether.chaos;

/**
 * A request the lab cannot carry out. {@link #status()} is the HTTP status the control API
 * answers with, so the Java API and the HTTP API fail the same way with the same message.
 */
public final class ChaosException extends RuntimeException {

    private final int status;

    public ChaosException(int status, String message) {
        super(message);
        this.status = status;
    }

    public ChaosException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status: 400 bad request, 404 not found, 409 already exists, 500 the lab failed. */
    public int status() {
        return status;
    }

    public static ChaosException badRequest(String message) {
        return new ChaosException(400, message);
    }

    public static ChaosException notFound(String message) {
        return new ChaosException(404, message);
    }

    public static ChaosException conflict(String message) {
        return new ChaosException(409, message);
    }
}
