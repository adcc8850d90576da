package dev.tether.jdbc.internal;

import java.util.Locale;

/** Whose database a JDBC URL names: it decides which vendor error codes and settings apply. */
public enum Vendor {
    POSTGRESQL, MYSQL, ORACLE, SQLSERVER, OTHER;

    public static Vendor of(String jdbcUrl) {
        String u = jdbcUrl == null ? "" : jdbcUrl.toLowerCase(Locale.ROOT);
        if (u.startsWith("jdbc:postgresql:") || u.startsWith("jdbc:pgsql:")) {
            return POSTGRESQL;
        }
        if (u.startsWith("jdbc:mariadb:") || u.startsWith("jdbc:mysql:")) {
            return MYSQL;
        }
        if (u.startsWith("jdbc:oracle:")) {
            return ORACLE;
        }
        if (u.startsWith("jdbc:sqlserver:") || u.startsWith("jdbc:jtds:sqlserver:")) {
            return SQLSERVER;
        }
        return OTHER;
    }
}
