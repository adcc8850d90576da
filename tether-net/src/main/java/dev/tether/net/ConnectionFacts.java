package dev.tether.net;

import java.time.Duration;

/**
 * What is known about a connection at one moment: the facts a retry decision needs (was it
 * reused, were request bytes written, did a response byte arrive) and the history a failure
 * message reports. Immutable: a snapshot taken when it was made.
 *
 * @param endpoint            where it goes
 * @param connectionId        its id (also given to an open that failed)
 * @param opened              false when the failure happened while opening it
 * @param age                 time since it was opened (ZERO when not opened)
 * @param idleBeforeUse       how long it sat unused before the current exchange began
 * @param useCount            exchanges begun on it, the current one included (0: none yet)
 * @param requestBytesWritten bytes of the current exchange handed to the socket, including a
 *                            write that failed (the kernel may have sent part of it)
 * @param responseStarted     whether any byte was read in the current exchange
 */
public record ConnectionFacts(Endpoint endpoint, long connectionId, boolean opened, Duration age,
                              Duration idleBeforeUse, int useCount, long requestBytesWritten,
                              boolean responseStarted) {

    /**
     * The facts of a connection that failed while it was being opened.
     *
     * @param endpoint     where it was to go
     * @param connectionId the id the open was given
     * @return facts with {@code opened} false and every count zero
     */
    public static ConnectionFacts notOpened(Endpoint endpoint, long connectionId) {
        return new ConnectionFacts(endpoint, connectionId, false, Duration.ZERO, Duration.ZERO, 0, 0, false);
    }

    /**
     * Whether the current exchange runs on a connection that served an earlier one.
     *
     * @return {@code useCount > 1}
     */
    public boolean reused() {
        return useCount > 1;
    }
}
