package dev.tether.cli.lab.db;

/** A {@link DbScenario} written once for both databases: an instance per {@link Dialect}. */
public abstract class DialectScenario implements DbScenario {
    /** The database this instance runs on. */
    protected final Dialect dialect;

    /** @param dialect the database this instance runs on */
    protected DialectScenario(Dialect dialect) {
        this.dialect = dialect;
    }

    /** @return the database this instance runs on */
    @Override
    public final Dialect dialect() {
        return dialect;
    }
}
