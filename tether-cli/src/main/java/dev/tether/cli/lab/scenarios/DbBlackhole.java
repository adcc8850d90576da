package dev.tether.cli.lab.scenarios;

import dev.tether.chaos.ChaosProxy;
import dev.tether.chaos.Toxic;
import dev.tether.cli.lab.ClientResult;
import dev.tether.cli.lab.Format;
import dev.tether.cli.lab.Trial;
import dev.tether.cli.lab.db.DialectScenario;
import dev.tether.cli.lab.db.Dialect;
import dev.tether.jdbc.JdbcPoolConfig;

import java.util.Map;

/**
 * The database vanishes without a packet (a crashed host, a dropped route, a failover that leaves
 * the old address silent): with no socket timeout, a query waits for ever.
 */
public final class DbBlackhole extends DialectScenario {
    /** @param dialect the database this instance runs on */
    public DbBlackhole(Dialect dialect) {
        super(dialect);
    }

    public String id() { return dialect.prefix() + "-blackhole"; }

    public String title() { return dialect.label() + ": the database vanishes (blackhole): only a timeout ends the wait"; }

    public String fault() { return "tether-chaos blackhole: the proxy stops forwarding, sockets stay open; then it forwards again"; }

    /** A read timeout through the driver (socketTimeout): tether-jdbc leaves timeouts to the driver, where JDBC puts them. */
    @Override
    public JdbcPoolConfig.Builder tetherJdbc(boolean quick) {
        JdbcPoolConfig.Builder b = super.tetherJdbc(quick);
        dialect.readTimeout(quick ? 500 : 1000).forEach(b::property);
        return b;
    }

    public void run(Trial t) throws Exception {
        ChaosProxy proxy = t.dbProxy();
        t.dbClient(proxy, Map.of(), t.duration(1500, 3000));
        t.step("queries");
        t.queries(2, 0, "select 1");
        t.step("the database vanishes; one query");
        Toxic hole = proxy.addToxic(Toxic.blackhole());
        t.fault("blackhole: nothing comes back");
        t.query("select 1");
        proxy.removeToxic(hole.name());
        t.fault("the database is back");
        t.step("queries after");
        t.queries(2, 0, "select 1");
    }

    public String explain(Map<String, ClientResult> r) {
        ClientResult naive = r.get("naive");
        ClientResult pool = r.get("naive pool");
        ClientResult tether = r.get("tether");
        return "With no socket timeout the DriverManager connection and HikariCP (its defaults set none) would wait for ever,"
                + " their caller's thread held all along, until the lab gave up and closed the socket: the DriverManager"
                + " connection was lost with it (" + naive.failed() + " of " + naive.sent() + " failed, recovered: "
                + Format.ms(naive.recoverMs()) + "), HikariCP took another session (recovered in " + Format.ms(pool.recoverMs())
                + ", the hang included); tether's sessions had the driver's socketTimeout (set through JdbcPoolConfig.property,"
                + " as any driver setting), so the query failed after it, the session was retired and tether recovered in "
                + Format.ms(tether.recoverMs()) + ".";
    }
}
