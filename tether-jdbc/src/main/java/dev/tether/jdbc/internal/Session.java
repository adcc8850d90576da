package dev.tether.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A pooled session's state as leases change it, and the defaults the pool puts back: the state
 * right after the session was opened and set up. A default is read from the driver only the first
 * time a lease changes that property (most never are), so opening costs no extra round trip.
 * Used by one lease at a time (the pool's hand-over orders the accesses).
 */
final class Session {
    private static final Object UNKNOWN = new Object();

    private final Object[] defaults = new Object[SessionProperty.ALL.length];
    private final Object[] current = new Object[SessionProperty.ALL.length];
    /** The auto-commit mode now: read on every statement, so kept unboxed. */
    boolean autoCommit;

    Session(boolean autoCommit) {
        Arrays.fill(defaults, UNKNOWN);
        this.autoCommit = autoCommit;
        defaults[SessionProperty.AUTO_COMMIT.ordinal()] = autoCommit;
        current[SessionProperty.AUTO_COMMIT.ordinal()] = autoCommit;
    }

    /** Sets {@code p} to {@code value} through {@code raw}, reading its default first if it was never read. */
    void change(Connection raw, SessionProperty p, Object value) throws SQLException {
        int i = p.ordinal();
        if (defaults[i] == UNKNOWN) {
            Object d = p.read(raw);
            defaults[i] = d;
            current[i] = d;
        }
        p.write(raw, value);
        current[i] = value;
        if (p == SessionProperty.AUTO_COMMIT) {
            autoCommit = (Boolean) value;
        }
    }

    /**
     * Puts back each property in {@code changed} (bits of {@link SessionProperty}) that differs from
     * its default; auto-commit last, since switching it on commits.
     */
    void restore(Connection raw, int changed) throws SQLException {
        for (int i = SessionProperty.ALL.length - 1; i >= 0; i--) {
            SessionProperty p = SessionProperty.ALL[i];
            if ((changed & p.bit) != 0 && !Objects.equals(current[i], defaults[i])) {
                p.write(raw, defaults[i]);
                current[i] = defaults[i];
                if (p == SessionProperty.AUTO_COMMIT) {
                    autoCommit = (Boolean) defaults[i];
                }
            }
        }
    }
}
