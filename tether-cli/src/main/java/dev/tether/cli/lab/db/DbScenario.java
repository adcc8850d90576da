package dev.tether.cli.lab.db;

import dev.tether.cli.lab.ClientKind;
import dev.tether.cli.lab.Scenario;
import dev.tether.jdbc.JdbcPoolConfig;

import java.util.List;

/**
 * A scenario against a database, for one {@link Dialect}: its trials get a session tag and a
 * database target of their own ({@link dev.tether.cli.lab.Trial#db()}), a proxy in front of the
 * server ({@link dev.tether.cli.lab.Trial#dbProxy()}) and a client ({@link dev.tether.cli.lab.Trial#dbClient}).
 * It runs only when the lab has that database ({@link LabDatabases#unavailable(Dialect)}). Nothing
 * it does changes a server's settings: idle timeouts are set per session, restarts are the proxy's.
 */
public interface DbScenario extends Scenario {

    /** @return the database it runs on */
    Dialect dialect();

    /**
     * The field note's pair beside tether: a DriverManager connection kept open (naive) and a pool
     * with defaults that trusts idle sessions (HikariCP, as "naive pool").
     */
    @Override
    default List<ClientKind> clients() {
        return List.of(ClientKind.NAIVE, ClientKind.NAIVE_POOL, ClientKind.TETHER);
    }

    /**
     * tether's settings for this scenario: the defaults (pool named {@code lab}) unless the failure
     * needs a shorter timeout to show. URL, credentials and the session's tag are set by the trial.
     *
     * @param quick whether the lab runs with --quick
     * @return a new builder
     */
    default JdbcPoolConfig.Builder tetherJdbc(boolean quick) {
        return JdbcPoolConfig.builder().pool(p -> p.name("lab"));
    }
}
