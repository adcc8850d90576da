package dev.tether.cli.lab.scenarios;

import dev.tether.chaos.ChaosProxy;
import dev.tether.cli.lab.ClientResult;
import dev.tether.cli.lab.Format;
import dev.tether.cli.lab.Trial;
import dev.tether.cli.lab.db.DialectScenario;
import dev.tether.cli.lab.db.DbTarget;
import dev.tether.cli.lab.db.Dialect;

import java.time.Duration;
import java.util.Map;

/**
 * The field note's experiment on a database: every session of the client killed from the server
 * side while idle ({@code pg_terminate_backend}, {@code KILL CONNECTION}, standing for tcpkill),
 * then a query 50 ms later; round after round.
 */
public final class DbIdleKill extends DialectScenario {
    /** @param dialect the database this instance runs on */
    public DbIdleKill(Dialect dialect) {
        super(dialect);
    }

    public String id() { return dialect.prefix() + "-idle-kill"; }

    public String title() { return dialect.label() + ": idle sessions killed (the field note's tcpkill)"; }

    public String fault() {
        return (dialect == Dialect.POSTGRESQL ? "pg_terminate_backend" : "KILL CONNECTION") + " of every idle session of the"
                + " client, then a query 50 ms later; round after round";
    }

    public void run(Trial t) throws Exception {
        DbTarget db = t.db();
        ChaosProxy proxy = t.dbProxy();
        t.dbClient(proxy, Map.of(), Duration.ofSeconds(5));
        int rounds = (int) t.ms(5, 20);
        t.step(rounds + " rounds: a query, kill the idle sessions, 50 ms, a query");
        for (int i = 0; i < rounds; i++) {
            t.query("select 1");
            int killed = db.kill();
            t.fault("killed " + Format.count(killed, "idle session"));
            t.sleep(50); // pacing: the field note's next request, a moment after the kill
            t.query("select 1");
        }
        t.step("one more query");
        t.query("select 1");
    }

    public String explain(Map<String, ClientResult> r) {
        ClientResult naive = r.get("naive");
        ClientResult pool = r.get("naive pool");
        ClientResult tether = r.get("tether");
        return "The DriverManager connection failed the first query after the first kill and every one after it, "
                + naive.failed() + " of " + naive.sent() + ": the driver closes it and nothing opens another; HikariCP with its"
                + " defaults lent killed sessions unchecked when they had been used (or opened) less than 500 ms before, "
                + Format.count(pool.failed(), "failure") + " in " + Format.count((pool.sent() - 1) / 2, "round") + "; tether's"
                + " idle watcher saw each killed session's FIN on the driver's socket and dropped it before the next query,"
                + " with no validation query, so " + tether.failed() + " failed.";
    }
}
