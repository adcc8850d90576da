package dev.tether.cli.lab.scenarios;

import dev.tether.chaos.ChaosProxy;
import dev.tether.cli.lab.ClientResult;
import dev.tether.cli.lab.Format;
import dev.tether.cli.lab.Trial;
import dev.tether.cli.lab.db.DialectScenario;
import dev.tether.cli.lab.db.DbTarget;
import dev.tether.cli.lab.db.Dialect;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A session killed while its statement runs (an operator ending a long query, a failover): that
 * statement fails for every client, since it may have done its work; what differs is the next one.
 */
public final class DbInFlight extends DialectScenario {
    /** @param dialect the database this instance runs on */
    public DbInFlight(Dialect dialect) {
        super(dialect);
    }

    public String id() { return dialect.prefix() + "-in-flight"; }

    public String title() { return dialect.label() + ": sessions killed during a statement"; }

    public String fault() { return "every session of the client killed while one runs a 1 s statement; then queries"; }

    public void run(Trial t) throws Exception {
        DbTarget db = t.db();
        ChaosProxy proxy = t.dbProxy();
        t.dbClient(proxy, Map.of(), Duration.ofSeconds(5));
        t.step("queries");
        t.queries(2, 0, "select 1");
        t.step("a 1 s statement; the sessions are killed while it runs");
        CompletableFuture<Void> kill = CompletableFuture.runAsync(() -> {
            try {
                boolean running = db.awaitSleeping(3000);
                int killed = db.kill();
                t.fault("killed " + Format.count(killed, "session") + (running ? " during the statement" : " (the statement was not seen running)"));
            } catch (SQLException e) {
                throw new CompletionException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.query(dialect.sleep(1000));
        kill.join();
        t.step("queries after");
        t.queries(3, t.ms(50, 200), "select 1");
    }

    public String explain(Map<String, ClientResult> r) {
        ClientResult naive = r.get("naive");
        ClientResult pool = r.get("naive pool");
        ClientResult tether = r.get("tether");
        return "Each client failed the statement its session was killed in: it had started, so it may have done its work, and"
                + " tether does not run it again (only a statement whose session was already gone before it ran is re-run);"
                + " after it, the DriverManager connection failed every query (" + naive.failed() + " of " + naive.sent()
                + "), HikariCP " + pool.failed() + " in all and tether " + tether.failed() + " in all: both pools retired the broken session and opened another.";
    }
}
