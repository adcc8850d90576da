package dev.tether.cli.probe;

import java.io.IOException;

/**
 * The server answered, but in a way the probe cannot measure (a body too large to read, data
 * nobody asked for, no TLS on an https port). The message is a sentence that names the server
 * (its URL redacted) and the next step.
 */
public final class ProbeFailure extends IOException {

    public ProbeFailure(String message, Throwable cause) {
        super(message, cause);
    }

    public ProbeFailure(String message) {
        super(message);
    }
}
