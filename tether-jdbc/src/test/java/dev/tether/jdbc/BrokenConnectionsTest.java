package dev.tether.jdbc;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;

import static org.assertj.core.api.Assertions.assertThat;

/** The table of {@link BrokenConnections}, row by row, with exceptions made up as each driver makes them. */
class BrokenConnectionsTest {

    @ParameterizedTest(name = "{0}: SQLState {1}, code {2} -> broken {3}")
    @CsvSource({
            // any driver: class 08
            "jdbc:postgresql://db/app, 08006, 0, true",
            "jdbc:postgresql://db/app, 08003, 0, true",
            "jdbc:postgresql://db/app, 08P01, 0, true",
            "jdbc:mariadb://db/app, 08S01, 0, true",
            "jdbc:h2:mem:app, 08001, 0, true",
            // PostgreSQL: the server ended the session
            "jdbc:postgresql://db/app, 57P01, 0, true",
            "jdbc:postgresql://db/app, 57P02, 0, true",
            "jdbc:postgresql://db/app, 57P03, 0, true",
            "jdbc:postgresql://db/app, 57P04, 0, true",
            "jdbc:postgresql://db/app, 57P05, 0, true",
            "jdbc:postgresql://db/app, 25P03, 0, true",
            // PostgreSQL: the statement failed, the session is fine
            "jdbc:postgresql://db/app, 57014, 0, false",
            "jdbc:postgresql://db/app, 40001, 0, false",
            "jdbc:postgresql://db/app, 23505, 0, false",
            "jdbc:postgresql://db/app, 42P01, 0, false",
            // 57P01 means nothing special to other databases
            "jdbc:h2:mem:app, 57P01, 0, false",
            // MariaDB / MySQL
            "jdbc:mariadb://db/app, 70100, 1927, true",
            "jdbc:mysql://db/app, HY000, 4031, true",
            "jdbc:mariadb://db/app, 08S01, 1053, true",
            "jdbc:mariadb://db/app, HY000, 1152, true",
            "jdbc:mysql://db/app, HY000, 2006, true",
            "jdbc:mysql://db/app, HY000, 2013, true",
            "jdbc:mariadb://db/app, 70100, 1317, false",
            "jdbc:mariadb://db/app, 40001, 1213, false",
            // Oracle
            "jdbc:oracle:thin:@db:1521/app, 61000, 28, true",
            "jdbc:oracle:thin:@db:1521/app, 72000, 1012, true",
            "jdbc:oracle:thin:@db:1521/app, 08006, 3113, true",
            "jdbc:oracle:thin:@db:1521/app, 66000, 3114, true",
            "jdbc:oracle:thin:@db:1521/app, 66000, 3135, true",
            "jdbc:oracle:thin:@db:1521/app, 72000, 2396, true",
            "jdbc:oracle:thin:@db:1521/app, 72000, 2399, true",
            "jdbc:oracle:thin:@db:1521/app, 99999, 17410, true",
            "jdbc:oracle:thin:@db:1521/app, 23000, 1, false",
            // the same code means something else to MySQL (1012: cannot read a system table record)
            "jdbc:mysql://db/app, HY000, 1012, false",
            // SQL Server
            "jdbc:sqlserver://db;databaseName=app, S0001, 10054, true",
            "jdbc:sqlserver://db;databaseName=app, S0001, 596, true",
            "jdbc:sqlserver://db;databaseName=app, S0001, 40613, true",
            "jdbc:sqlserver://db;databaseName=app, 40001, 1205, false",
    })
    void theTable(String url, String state, int code, boolean broken) {
        assertThat(BrokenConnections.reason(url, new SQLException("x", state, code)) != null).isEqualTo(broken);
    }

    @Test
    void driverExceptionClassesThatSayTheConnectionIsGone() {
        assertThat(BrokenConnections.reason("jdbc:h2:mem:x", new SQLNonTransientConnectionException("closed"))).isNotNull();
        assertThat(BrokenConnections.reason("jdbc:oracle:thin:@db", new SQLRecoverableException("IO Error: Connection reset", null, 17002)))
                .isNotNull();
        assertThat(BrokenConnections.reason("jdbc:postgresql://db/app", new SQLTimeoutException("statement timeout", "57014"))).isNull();
        assertThat(BrokenConnections.reason("jdbc:postgresql://db/app", new SQLTransactionRollbackException("deadlock", "40P01"))).isNull();
    }

    @Test
    void causesAndNextExceptionsAreLookedAt() {
        SQLException wrapped = new SQLException("wrapper", "HY000", new SQLException("inner", "08006", new IOException("reset")));
        assertThat(BrokenConnections.reason("jdbc:postgresql://db/app", wrapped)).contains("08006");

        BatchUpdateException batch = new BatchUpdateException("batch entry 3 failed", "HY000", new int[0]);
        batch.setNextException(new SQLException("terminating connection due to administrator command", "57P01"));
        assertThat(BrokenConnections.reason("jdbc:postgresql://db/app", batch)).contains("57P01").contains("pg_terminate_backend");

        SQLException loop = new SQLException("a", "HY000");
        loop.setNextException(loop);
        assertThat(BrokenConnections.reason("jdbc:postgresql://db/app", loop)).isNull();
    }
}
