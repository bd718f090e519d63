package io.connectdelta.sink.plan;

import io.connectdelta.sink.DeltaJdbcSinkConfig;
import io.connectdelta.sink.dialect.Dialect;
import io.connectdelta.sink.dialect.SinkDialects;

import java.util.Locale;

/**
 * How names become the database's identifiers. With quote.identifiers=true a name is kept as it is; with false it is
 * the name the database gives the unquoted identifier, as the Debezium JDBC sink's names are: columns in lower case
 * (its rule for every database), tables and schemas as the database folds them (PostgreSQL: lower case). Then a
 * name longer than the database allows is cut as the database cuts it, or refused (null).
 */
public final class Identifiers {
    /** Names this short fit every target: 21 UTF-16 units are at most 63 bytes (PostgreSQL's limit). */
    public static final int ALWAYS_FITS = 21;

    private final Dialect dialect;
    private final boolean quoted;

    public Identifiers(Dialect dialect, boolean quoted) {
        this.dialect = dialect;
        this.quoted = quoted;
    }

    public static Identifiers of(DeltaJdbcSinkConfig config) {
        return new Identifiers(SinkDialects.forUrl(config.connectionUrl()), config.quoteIdentifiers());
    }

    /** True when names are kept as they are (apart from their length). */
    public boolean quoted() {
        return quoted;
    }

    /** A table or schema name as the database names it, or null when it is too long for the database. */
    public String table(String name) {
        return dialect.fitIdentifier(unfitted(name));
    }

    String unfitted(String name) {
        return quoted ? name : dialect.unquotedName(name);
    }

    /** A field's column name, or null when it is too long for the database. */
    public String column(String field) {
        return dialect.fitIdentifier(quoted ? field : field.toLowerCase(Locale.ROOT));
    }
}
