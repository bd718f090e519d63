package io.connectdelta.transforms.reselect;

import org.apache.kafka.common.config.ConfigException;

import java.util.List;
import java.util.Locale;

/**
 * What differs between the source databases we re-select from: how identifiers are quoted and how text
 * parameters are bound. Every identifier that reaches SQL goes through {@link #quote(String)}, so names taken
 * from events (tables, columns, key fields) can never change the statement's meaning.
 */
public enum SqlDialect {
    POSTGRESQL('"'),
    MARIADB('`');

    private final char quote;

    SqlDialect(char quote) {
        this.quote = quote;
    }

    /** The dialect of a JDBC URL: jdbc:postgresql:, jdbc:mariadb: or jdbc:mysql:. */
    public static SqlDialect fromUrl(String url) {
        String lower = url == null ? "" : url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        if (lower.startsWith("jdbc:mariadb:") || lower.startsWith("jdbc:mysql:")) {
            return MARIADB;
        }
        throw new ConfigException("connection.url", url,
                "must be a PostgreSQL (jdbc:postgresql:) or MariaDB/MySQL (jdbc:mariadb:, jdbc:mysql:) JDBC URL");
    }

    /**
     * The URL as the bundled MariaDB Connector/J accepts it: 3.x refuses {@code jdbc:mysql:} unless the URL says
     * {@code permitMysqlScheme}, so that option is added to such a URL; any other URL is returned unchanged.
     */
    public static String driverUrl(String url) {
        if (url == null || !url.regionMatches(true, 0, "jdbc:mysql:", 0, "jdbc:mysql:".length())
                || url.contains("permitMysqlScheme")) {
            return url;
        }
        return url + (url.indexOf('?') < 0 ? "?" : "&") + "permitMysqlScheme";
    }

    /** The identifier quoted for this database; an embedded quote character is doubled, as SQL requires. */
    public String quote(String identifier) {
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

    /** A qualified name (e.g. schema and table), each part quoted, joined by dots. */
    public String quote(List<String> qualifiedName) {
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
    boolean bindsTextUntyped() {
        return this == POSTGRESQL;
    }
}
