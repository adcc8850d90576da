package dev.tether.cli.lab.scenarios;

import dev.tether.chaos.ChaosProxy;
import dev.tether.chaos.Toxic;
import dev.tether.cli.lab.ClientResult;
import dev.tether.cli.lab.Format;
import dev.tether.cli.lab.Trial;
import dev.tether.cli.lab.db.DialectScenario;
import dev.tether.cli.lab.db.Dialect;

import java.time.Duration;
import java.util.Map;

/**
 * A firewall (or NAT, or load balancer) between the application and the database drops sessions
 * idle longer than it allows and resets them, though the database would keep them.
 */
public final class DbFirewall extends DialectScenario {
    private static final long CUT_MS = 300;
    /** @param dialect the database this instance runs on */
    public DbFirewall(Dialect dialect) {
        super(dialect);
    }

    public String id() { return dialect.prefix() + "-firewall"; }

    public String title() { return dialect.label() + ": a firewall cuts idle sessions (RST)"; }

    public String fault() { return "tether-chaos idle_close (RST) after " + CUT_MS + " ms idle, in front of the database"; }

    public void run(Trial t) throws Exception {
        ChaosProxy firewall = t.dbProxy();
        firewall.addToxic(Toxic.idleClose(Duration.ofMillis(CUT_MS), true));
        t.dbClient(firewall, Map.of(), Duration.ofSeconds(5));
        int cycles = (int) t.ms(2, 3);
        for (int i = 0; i < cycles; i++) {
            t.step("queries");
            t.queries(2, 0, "select 1");
            t.step("idle past the firewall's " + CUT_MS + " ms, until it cuts the sessions");
            t.sleep(CUT_MS); // pacing: the idle spell
            for (long waited = 0; firewall.connectionCount() > 0 && waited < 3000; waited += 10) {
                t.sleep(10); // pacing: until the firewall's timer has fired
            }
            t.fault("the firewall resets the idle sessions");
            t.sleep(50); // pacing: the next query comes a moment after the cut
        }
        t.queries(2, 0, "select 1");
    }

    public String explain(Map<String, ClientResult> r) {
        ClientResult naive = r.get("naive");
        ClientResult pool = r.get("naive pool");
        ClientResult tether = r.get("tether");
        return "The database would have kept the sessions, but the firewall reset them after " + CUT_MS + " ms idle: the"
                + " DriverManager connection failed every query after the first cut (" + naive.failed() + " of " + naive.sent()
                + "); HikariCP " + (pool.failed() > 0 ? "lent the reset session unchecked, since it had been used less than"
                + " 500 ms before (" + Format.count(pool.failed(), "failure") + "; a session idle longer it checks first, with a"
                + " round trip)" : "checked its sessions first, since more than 500 ms had passed since their last use (this"
                + " time; a shorter cut, or a query sooner after it, is lent unchecked)") + "; tether's"
                + " watcher saw each RST and dropped the session before the next query, so " + tether.failed() + " failed."
                + " Where the cut is silent (no RST), set the pool's idleTimeout below it and keep TCP keepalive on (the default).";
    }
}
