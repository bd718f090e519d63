package io.connectdelta.sink.dialect;

import io.connectdelta.jdbc.JdbcDialects;
import io.connectdelta.sink.dialect.mariadb.MariaDbDialect;
import io.connectdelta.sink.dialect.postgres.PostgresDialect;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Function;

/**
 * The sink's dialect of a JDBC URL. Each dialect accepts the URLs of its database's {@link
 * io.connectdelta.jdbc.dialect.JdbcDialect}; a new database is one more entry in {@link #DIALECTS}.
 */
public final class SinkDialects {
    private static final List<Function<ZoneId, Dialect>> DIALECTS = List.of(
            timeZone -> new PostgresDialect(),
            MariaDbDialect::new);

    private SinkDialects() {
    }

    public static Dialect forUrl(String url) {
        return forUrl(url, ZoneOffset.UTC);
    }

    /** The dialect of {@code url}, writing zoned values into zoneless columns in {@code timeZone}. */
    public static Dialect forUrl(String url, ZoneId timeZone) {
        for (Function<ZoneId, Dialect> build : DIALECTS) {
            Dialect dialect = build.apply(timeZone);
            if (dialect.accepts(url)) {
                return dialect;
            }
        }
        throw JdbcDialects.unsupported(url);
    }
}
