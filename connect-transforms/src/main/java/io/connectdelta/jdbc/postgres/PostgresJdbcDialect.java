package io.connectdelta.jdbc.postgres;

import io.connectdelta.jdbc.dialect.JdbcDialect;

import java.sql.Driver;
import java.sql.SQLException;

/** PostgreSQL: double-quoted identifiers, untyped text parameters, its own transient SQLStates. */
public class PostgresJdbcDialect implements JdbcDialect {

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public boolean accepts(String url) {
        return JdbcDialect.hasScheme(url, "jdbc:postgresql:");
    }

    @Override
    public Driver driver() {
        return new org.postgresql.Driver();
    }

    @Override
    public boolean schemaIsDatabase() {
        return false;
    }

    @Override
    public String quote(String identifier) {
        return JdbcDialect.quoteWith('"', identifier);
    }

    @Override
    public boolean bindsTextUntyped() {
        return true;
    }

    @Override
    public boolean isTransientState(SQLException error) {
        String state = error.getSQLState();
        // 57P01..03: server shutting down or restarting; 53300: too many connections; 55P03: lock not available.
        return state != null && (state.startsWith("57P") || state.equals("53300") || state.equals("55P03"));
    }
}
