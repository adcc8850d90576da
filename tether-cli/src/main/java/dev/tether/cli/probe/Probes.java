package dev.tether.cli.probe;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The probes by scheme. Add the Redis and JDBC probes here when tether has those clients. */
public final class Probes {
    private Probes() {
    }

    public static List<Probe> all() {
        return List.of(new HttpProbe());
    }

    /**
     * The probe for {@code target}'s scheme.
     *
     * @throws IllegalArgumentException naming the target and the schemes there are probes for
     */
    public static Probe forTarget(URI target) {
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        List<String> known = new ArrayList<>();
        for (Probe p : all()) {
            if (p.schemes().contains(scheme) && target.getHost() != null) {
                return p;
            }
            known.addAll(p.schemes());
        }
        throw new IllegalArgumentException("no probe for " + (scheme.isEmpty() ? target.toString() : scheme + "://") + " (expected a URL"
                + " with a host and one of the schemes " + String.join(", ", known) + "; redis:// and jdbc: probes come with"
                + " tether's clients for them)");
    }
}
