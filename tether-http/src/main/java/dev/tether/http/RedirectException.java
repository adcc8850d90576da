package dev.tether.http;

import java.io.IOException;

/**
 * A redirect that tether refused to follow: its {@code Location} is not a URI it can send a
 * request to, or following it would send the request from https to plain http. The redirect
 * response has been closed (its connection went back to the pool or was discarded); the message
 * names both ends without user info or query values.
 */
public final class RedirectException extends IOException {
    /**
     * Creates the exception.
     *
     * @param message names both ends of the redirect, redacted
     */
    public RedirectException(String message) {
        super(message);
    }

    /**
     * Creates the exception.
     *
     * @param message names both ends of the redirect, redacted
     * @param cause why the Location could not be used
     */
    public RedirectException(String message, Throwable cause) {
        super(message, cause);
    }
}
