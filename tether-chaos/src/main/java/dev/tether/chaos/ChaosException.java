package dev.tether.chaos;

/**
 * A request the lab cannot carry out. {@link #status()} is the HTTP status the control API
 * answers with, so the Java API and the HTTP API fail the same way with the same message.
 * Unchecked: a test that set a fault up wrongly has nothing to recover.
 */
public final class ChaosException extends RuntimeException {

    /** The HTTP status. */
    private final int status;

    /**
     * Creates the exception.
     *
     * @param status the HTTP status
     * @param message what was refused and why
     */
    public ChaosException(int status, String message) {
        super(message);
        this.status = status;
    }

    /**
     * Creates the exception.
     *
     * @param status the HTTP status
     * @param message what was refused and why
     * @param cause the underlying failure
     */
    public ChaosException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /**
     * The HTTP status: 400 bad request, 404 not found, 409 already exists, 500 the lab failed.
     *
     * @return the status
     */
    public int status() {
        return status;
    }

    /**
     * A request with a bad value (400).
     *
     * @param message names the field, the value and the rule
     * @return the exception
     */
    public static ChaosException badRequest(String message) {
        return new ChaosException(400, message);
    }

    /**
     * A proxy or toxic that does not exist (404).
     *
     * @param message names what was not found
     * @return the exception
     */
    public static ChaosException notFound(String message) {
        return new ChaosException(404, message);
    }

    /**
     * A proxy or toxic that exists already (409).
     *
     * @param message names what exists
     * @return the exception
     */
    public static ChaosException conflict(String message) {
        return new ChaosException(409, message);
    }
}
