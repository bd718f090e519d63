package io.connectdelta.jdbc;

import io.connectdelta.jdbc.dialect.JdbcDialect;
import io.connectdelta.jdbc.mariadb.MariaDbJdbcDialect;
import io.connectdelta.jdbc.postgres.PostgresJdbcDialect;
import org.apache.kafka.common.config.ConfigException;

import java.util.List;

/** The database dialect of a JDBC URL. A new database is one more entry in {@link #DIALECTS}. */
public final class JdbcDialects {
    public static final String URL_CONFIG = "connection.url";
    private static final List<JdbcDialect> DIALECTS = List.of(new PostgresJdbcDialect(), new MariaDbJdbcDialect());

    private JdbcDialects() {
    }

    /** The dialect of {@code url}: jdbc:postgresql:, jdbc:mariadb: or jdbc:mysql:. */
    public static JdbcDialect forUrl(String url) {
        for (JdbcDialect dialect : DIALECTS) {
            if (dialect.accepts(url)) {
                return dialect;
            }
        }
        throw unsupported(url);
    }

    /** The error for a URL of no known database. */
    public static ConfigException unsupported(String url) {
        return new ConfigException(URL_CONFIG, url, "must start with jdbc:postgresql:, jdbc:mariadb: or jdbc:mysql:");
    }
}
