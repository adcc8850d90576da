package dev.tether.http;

import java.io.IOException;

/**
 * A response body larger than the client takes into memory ({@link HttpClientConfig#maxBodyBytes()}),
 * or one that decodes to far more than arrived ({@link HttpClientConfig#maxDecompressionRatio()}).
 * The server chose the size, not the client: a header cannot make tether allocate it. The
 * connection of such a response is discarded, never reused.
 */
public final class ResponseTooLargeException extends IOException {
    /**
     * Creates the exception.
     *
     * @param message the limit, what the body reached, and the setting that raises it
     */
    public ResponseTooLargeException(String message) {
        super(message);
    }
}
