package dev.tether.cli.lab.scenarios;

import dev.tether.chaos.ChaosProxy;
import dev.tether.cli.lab.ClientResult;
import dev.tether.cli.lab.Trial;
import dev.tether.cli.lab.db.DialectScenario;
import dev.tether.cli.lab.db.DbTarget;
import dev.tether.cli.lab.db.Dialect;

import java.time.Duration;

import java.util.Map;

/**
 * The server's own idle timeout ends sessions idle longer than it allows ({@code idle_session_timeout},
 * {@code wait_timeout}). Set per session through the driver, so the lab changes nothing server-wide
 * and the scenario runs on a shared server too.
 */
public final class DbServerTimeout extends DialectScenario {
    /** @param dialect the database this instance runs on */
    public DbServerTimeout(Dialect dialect) {
        super(dialect);
    }

    public String id() { return dialect.prefix() + "-server-timeout"; }

    public String title() { return dialect.label() + ": the server's idle timeout ends sessions (" + dialect.idleSetting() + ")"; }

    public String fault() {
        return dialect.idleSetting() + " of 1 s (--quick) or 2 s, set per session; pauses past it";
    }

    public void run(Trial t) throws Exception {
        DbTarget db = t.db();
        ChaosProxy proxy = t.dbProxy();
        int timeout = (int) t.ms(1, 2);
        t.dbClient(proxy, dialect.idleTimeout(timeout), Duration.ofSeconds(5));
        int cycles = (int) t.ms(1, 2);
        for (int i = 0; i < cycles; i++) {
            t.step("queries");
            t.queries(2, 0, "select 1");
            t.step("idle until the server's " + dialect.idleSetting() + " (" + timeout + " s) ends the sessions");
            long earliest = System.nanoTime() + timeout * 1_000_000_000L;
            long deadline = earliest + 3_000_000_000L;
            while (System.nanoTime() < deadline && (System.nanoTime() < earliest || db.sessions() > 0)) {
                t.sleep(50); // pacing: polls the server's session list
            }
            t.fault("the server ended the idle sessions (" + dialect.idleSetting() + " " + timeout + " s)");
            t.sleep(200); // pacing: the next query comes a moment later, when a socket left in CLOSE_WAIT counts
            t.sample();
        }
        t.step("queries after");
        t.queries(2, 0, "select 1");
    }

    public String explain(Map<String, ClientResult> r) {
        ClientResult naive = r.get("naive");
        ClientResult pool = r.get("naive pool");
        ClientResult tether = r.get("tether");
        return "The server ends a session idle past its " + dialect.idleSetting() + ": the DriverManager connection failed "
                + naive.failed() + " of its " + naive.sent() + " queries (it never reconnects)" + (naive.closeWait() > 0
                ? " and held the dead socket in CLOSE_WAIT meanwhile" : "") + "; HikariCP checked its sessions idle past 500 ms with"
                + " isValid, a round trip each, and failed " + pool.failed() + (pool.closeWait() > 0 ? ", holding up to "
                + pool.closeWait() + " dead sockets in CLOSE_WAIT until it did" : "") + "; tether read the session's "
                + dialect.idleSetting() + " and stopped lending a session before it, and its watcher saw the server's"
                + " close, so " + tether.failed() + " failed. tether probe reads the setting from a server.";
    }
}
