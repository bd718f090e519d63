package io.connectdelta.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A database server the tests can reach, with one database selected.
 *
 * @param kind     "postgresql" or "mariadb"
 * @param host     host name or address
 * @param port     TCP port
 * @param user     login user
 * @param password login password (may be empty)
 * @param database the database this handle points at
 * @param origin   how the server was provided (for the test log), e.g. "embedded", "local server", "container"
 */
public record TestDatabase(String kind, String host, int port, String user, String password, String database,
                           String origin) {

    public boolean isPostgres() {
        return "postgresql".equals(kind);
    }

    public boolean isMariaDb() {
        return "mariadb".equals(kind);
    }

    /** The JDBC URL of the selected database. */
    public String jdbcUrl() {
        return isPostgres()
                ? "jdbc:postgresql://" + host + ":" + port + "/" + database
                : "jdbc:mariadb://" + host + ":" + port + "/" + database;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, password);
    }

    /** The same server with another database selected. */
    public TestDatabase withDatabase(String name) {
        return new TestDatabase(kind, host, port, user, password, name, origin);
    }

    /**
     * Creates a new, empty database with a unique name starting with {@code prefix}, so that test classes (and
     * several builds on one machine) never see each other's tables.
     */
    public TestDatabase createDatabase(String prefix) {
        String name = (prefix + "_" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36))
                .toLowerCase(Locale.ROOT);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create database " + name + " on " + this, e);
        }
        return withDatabase(name);
    }

    /** Runs statements in autocommit mode. */
    public void execute(String... sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Failed on " + this + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return kind + " " + host + ":" + port + "/" + database + " (" + origin + ")";
    }
}
