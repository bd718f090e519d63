package io.connectdelta.jdbc.mariadb;

import io.connectdelta.jdbc.dialect.JdbcDialect;

import java.sql.Driver;
import java.sql.SQLException;

/** MariaDB and MySQL: backquoted identifiers, a schema is a database, jdbc:mysql: URLs through Connector/J. */
public class MariaDbJdbcDialect implements JdbcDialect {
    private static final String MYSQL_SCHEME = "jdbc:mysql:";

    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public boolean accepts(String url) {
        return JdbcDialect.hasScheme(url, "jdbc:mariadb:") || JdbcDialect.hasScheme(url, MYSQL_SCHEME);
    }

    /**
     * The URL as the bundled MariaDB Connector/J accepts it: 3.x refuses {@code jdbc:mysql:} unless the URL says
     * {@code permitMysqlScheme}, so that option is added to such a URL; any other URL is returned unchanged.
     */
    @Override
    public String driverUrl(String url) {
        if (!JdbcDialect.hasScheme(url, MYSQL_SCHEME) || url.contains("permitMysqlScheme")) {
            return url;
        }
        return url + (url.indexOf('?') < 0 ? "?" : "&") + "permitMysqlScheme";
    }

    @Override
    public Driver driver() {
        return new org.mariadb.jdbc.Driver();
    }

    @Override
    public boolean schemaIsDatabase() {
        return true;
    }

    @Override
    public String quote(String identifier) {
        return JdbcDialect.quoteWith('`', identifier);
    }

    @Override
    public boolean isTransientState(SQLException error) {
        // 1213 deadlock, 1205 lock wait timeout, 1927 connection killed, 2006/2013 server gone or lost.
        int code = error.getErrorCode();
        return code == 1213 || code == 1205 || code == 1927 || code == 2006 || code == 2013;
    }
}
