package io.connectdelta.jdbc.dialect;

import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * What differs between the databases the sink writes to and the transforms re-select from: the URLs a database
 * takes, its driver, identifier quoting, how text parameters are bound and which errors are transient. The SQL a
 * caller builds (writes, DDL, re-selects) lives with that caller.
 */
public interface JdbcDialect {

    String name();

    /** True when {@code url} is a JDBC URL of this database. */
    boolean accepts(String url);

    /** The URL to hand the driver for the user's {@code url}. */
    default String driverUrl(String url) {
        return url;
    }

    /** The bundled driver: drivers inside a plugin's class loader are not visible to DriverManager. */
    Driver driver();

    /** Driver properties the caller relies on, added to the user's connection properties. */
    default Properties connectionProperties() {
        return new Properties();
    }

    /** True when a schema of a table name is a database (MariaDB and MySQL), not a schema inside one. */
    boolean schemaIsDatabase();

    /** A quoted identifier that no name (quotes, semicolons, unicode) can break out of. */
    String quote(String identifier);

    /** A qualified name (e.g. schema and table), each part quoted, joined by dots. */
    default String quote(List<String> qualifiedName) {
        StringBuilder sb = new StringBuilder();
        for (String part : qualifiedName) {
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(quote(part));
        }
        return sb.toString();
    }

    /**
     * True when text parameters should be sent untyped, so that the server casts them to the column's type:
     * PostgreSQL compares uuid, enum, inet and json columns with text only that way.
     */
    default boolean bindsTextUntyped() {
        return false;
    }

    /**
     * True when retrying the same work may succeed: lost connections (SQLState class 08), serialization failures
     * and deadlocks (40001, 40P01), and what the driver itself calls transient or recoverable.
     */
    default boolean isTransient(SQLException error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException) {
                SQLException sql = (SQLException) t;
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || state.startsWith("40") || isTransientState(sql))) {
                    return true;
                }
                if (sql.getNextException() != null && sql.getNextException() != sql && isTransient(sql.getNextException())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Database-specific transient errors beyond the standard SQLStates. */
    boolean isTransientState(SQLException error);

    /**
     * True when the connection is gone and a new one may succeed: SQLState class 08 (connection exception),
     * 57P01..57P03 (the server shut the session down), or what the driver calls recoverable.
     */
    static boolean isConnectionLost(SQLException error) {
        if (error instanceof SQLRecoverableException || error instanceof SQLTransientConnectionException) {
            return true;
        }
        String state = error.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }

    /** True when {@code url} starts with {@code prefix}, in any case. */
    static boolean hasScheme(String url, String prefix) {
        return url != null && url.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    /** {@code identifier} between {@code quote} characters, the quote doubled inside; empty and NUL are refused. */
    static String quoteWith(char quote, String identifier) {
        if (identifier == null || identifier.isEmpty()) {
            throw new IllegalArgumentException("An SQL identifier must not be empty");
        }
        if (identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("An SQL identifier must not contain a NUL character: "
                    + identifier.replace('\0', '?'));
        }
        String q = String.valueOf(quote);
        return q + identifier.replace(q, q + q) + q;
    }

    /** The SQLState of the first cause that has one (for error messages). */
    static String sqlState(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException) {
                SQLException next = ((SQLException) t).getNextException();
                if (next != null && next.getSQLState() != null) {
                    return next.getSQLState();
                }
                if (((SQLException) t).getSQLState() != null) {
                    return ((SQLException) t).getSQLState();
                }
            }
        }
        return null;
    }

    /** Lower case, for comparing type names. */
    static String lower(String text) {
        return text == null ? "" : text.toLowerCase(Locale.ROOT);
    }
}
