package dev.tether.jdbc.internal;

import java.util.EnumMap;
import java.util.Map;

/** The session state the configuration asks every new session to start in (unset parts are the driver's). */
public final class SessionDefaults {
    private final Map<SessionProperty, Object> values = new EnumMap<>(SessionProperty.class);

    private SessionDefaults() {
    }

    public static SessionDefaults of(Boolean autoCommit, Integer isolation, Boolean readOnly, String catalog, String schema) {
        SessionDefaults d = new SessionDefaults();
        d.put(SessionProperty.AUTO_COMMIT, autoCommit);
        d.put(SessionProperty.ISOLATION, isolation);
        d.put(SessionProperty.READ_ONLY, readOnly);
        d.put(SessionProperty.CATALOG, catalog);
        d.put(SessionProperty.SCHEMA, schema);
        return d;
    }

    private void put(SessionProperty p, Object v) {
        if (v != null) {
            values.put(p, v);
        }
    }

    /** The value to set, or null to leave the driver's. */
    Object get(SessionProperty p) {
        return values.get(p);
    }
}
