package dev.tether.cli.lab.scenarios;

import dev.tether.chaos.ChaosProxy;
import dev.tether.cli.lab.ClientResult;
import dev.tether.cli.lab.Format;
import dev.tether.cli.lab.Trial;
import dev.tether.cli.lab.db.DialectScenario;
import dev.tether.cli.lab.db.Dialect;

import java.time.Duration;
import java.util.Map;

/**
 * The database restarts between two queries of a steady load (a failover, a deploy): every session
 * dies, though the server is back before the next query. The restart is the proxy's
 * ({@code enabled: false}, then back), so the lab restarts nobody's server.
 */
public final class DbRestart extends DialectScenario {
    /** @param dialect the database this instance runs on */
    public DbRestart(Dialect dialect) {
        super(dialect);
    }

    public String id() { return dialect.prefix() + "-restart"; }

    public String title() { return dialect.label() + ": the database restarts between two queries"; }

    public String fault() {
        return "tether-chaos proxy disabled (every session closed, connects refused) for 200 ms, then enabled; queries 100 ms apart";
    }

    public void run(Trial t) throws Exception {
        ChaosProxy proxy = t.dbProxy();
        t.dbClient(proxy, Map.of(), Duration.ofSeconds(5));
        t.step("queries, 100 ms apart");
        t.queries(3, 100, "select 1");
        t.sleep(100); // pacing: the restart falls between two queries of the steady load
        t.step("the database restarts");
        proxy.disable();
        t.fault("down: every session closed, connects refused");
        t.sleep(200); // pacing: a quick restart
        proxy.enable();
        t.fault("back");
        t.sleep(50); // pacing: the next query of the load
        t.sample();
        t.step("queries after the restart");
        t.queries(3, 100, "select 1");
    }

    public String explain(Map<String, ClientResult> r) {
        ClientResult naive = r.get("naive");
        ClientResult pool = r.get("naive pool");
        ClientResult tether = r.get("tether");
        return "The database was back before the next query, yet the DriverManager connection failed every query after the"
                + " restart (" + naive.failed() + " of " + naive.sent() + "); " + (pool.failed() > 0
                ? "HikariCP lent its session, used less than 500 ms before, unchecked (" + Format.count(pool.failed(), "failure")
                + "), then checked the older ones"
                : "HikariCP checked its sessions first, since more than 500 ms had passed since their last use (this time:"
                + " under a busier load it lends them unchecked)") + "; tether's"
                + " watcher had dropped every session when the close arrived, so " + tether.failed() + " failed and the next"
                + " query opened a new session.";
    }
}
