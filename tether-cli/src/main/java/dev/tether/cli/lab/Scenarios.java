package dev.tether.cli.lab;

import dev.tether.cli.lab.db.Dialect;
import dev.tether.cli.lab.scenarios.Blackhole;
import dev.tether.cli.lab.scenarios.DbBlackhole;
import dev.tether.cli.lab.scenarios.DbFirewall;
import dev.tether.cli.lab.scenarios.DbIdleKill;
import dev.tether.cli.lab.scenarios.DbInFlight;
import dev.tether.cli.lab.scenarios.DbRestart;
import dev.tether.cli.lab.scenarios.DbServerTimeout;
import dev.tether.cli.lab.scenarios.ConnectTimeout;
import dev.tether.cli.lab.scenarios.IdleRace;
import dev.tether.cli.lab.scenarios.LoadBalancer;
import dev.tether.cli.lab.scenarios.PostAppliedThenReset;
import dev.tether.cli.lab.scenarios.RedisBlackhole;
import dev.tether.cli.lab.scenarios.RedisIdleKill;
import dev.tether.cli.lab.scenarios.RedisInFlight;
import dev.tether.cli.lab.scenarios.RedisLoadBalancer;
import dev.tether.cli.lab.scenarios.RedisRestart;
import dev.tether.cli.lab.scenarios.RedisServerTimeout;
import dev.tether.cli.lab.scenarios.Refused;
import dev.tether.cli.lab.scenarios.ResetInUse;
import dev.tether.cli.lab.scenarios.ShortConnections;
import dev.tether.cli.lab.scenarios.StaleConnection;

import java.util.ArrayList;
import java.util.List;

/** The scenarios, in the order the lab runs them: HTTP's, Redis's, PostgreSQL's, MariaDB's. Add a new one here. */
public final class Scenarios {
    private Scenarios() {
    }

    public static List<Scenario> all() {
        List<Scenario> all = new ArrayList<>(List.of(new StaleConnection(), new IdleRace(), new ResetInUse(), new Blackhole(),
                new Refused(), new ConnectTimeout(), new PostAppliedThenReset(), new LoadBalancer(), new ShortConnections(),
                new RedisIdleKill(), new RedisInFlight(), new RedisRestart(), new RedisServerTimeout(), new RedisLoadBalancer(),
                new RedisBlackhole()));
        for (Dialect d : Dialect.values()) {
            all.addAll(List.of(new DbIdleKill(d), new DbInFlight(d), new DbServerTimeout(d), new DbFirewall(d), new DbBlackhole(d),
                    new DbRestart(d)));
        }
        return List.copyOf(all);
    }

    /**
     * The scenarios named by number or id, in the lab's order.
     *
     * @throws IllegalArgumentException for an empty list or name, and naming a selector that matches
     *     nothing, with the valid ones
     */
    public static List<Scenario> select(List<String> selectors) {
        List<Scenario> all = all();
        if (selectors.isEmpty() || selectors.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("--only: " + (selectors.isEmpty() ? "no scenario" : "an empty scenario name in "
                    + String.join(",", selectors)) + " (expected: numbers or ids separated by commas, such as 2,post-twice)");
        }
        List<Scenario> chosen = new ArrayList<>();
        for (String sel : selectors) {
            Scenario match = null;
            for (int i = 0; i < all.size(); i++) {
                if (sel.equals(Integer.toString(i + 1)) || sel.equalsIgnoreCase(all.get(i).id())) {
                    match = all.get(i);
                }
            }
            if (match == null) {
                List<String> valid = new ArrayList<>();
                for (int i = 0; i < all.size(); i++) {
                    valid.add((i + 1) + "=" + all.get(i).id());
                }
                throw new IllegalArgumentException("--only: no scenario " + sel + " (expected one of " + String.join(", ", valid) + ")");
            }
            if (!chosen.contains(match)) {
                chosen.add(match);
            }
        }
        chosen.sort((a, b) -> Integer.compare(all.indexOf(a), all.indexOf(b)));
        return chosen;
    }
}
