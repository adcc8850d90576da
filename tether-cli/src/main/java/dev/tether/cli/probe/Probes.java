package dev.tether.cli.probe;

import java.util.ArrayList;
import java.util.List;

/** The probes by scheme: HTTP, Redis, databases. Add a new one here. */
public final class Probes {
    private Probes() {
    }

    public static List<Probe> all() {
        return List.of(new HttpProbe(), new RedisProbe(), new DbProbe());
    }

    /**
     * The probe for {@code target}'s scheme.
     *
     * @throws IllegalArgumentException naming the scheme and the schemes there are probes for
     */
    public static Probe forTarget(ProbeTarget target) {
        List<String> known = new ArrayList<>();
        for (Probe p : all()) {
            if (p.schemes().contains(target.scheme())) {
                return p;
            }
            known.addAll(p.schemes());
        }
        throw new IllegalArgumentException("no probe for " + target.scheme() + ":// (expected a URL with one of the schemes "
                + String.join(", ", known) + ")");
    }
}
