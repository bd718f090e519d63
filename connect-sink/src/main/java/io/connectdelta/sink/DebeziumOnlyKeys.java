package io.connectdelta.sink;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Keys of the Debezium JDBC sink that have no meaning here (connection pooling, Hibernate, strategy classes, other
 * databases). They are declared so that a Debezium configuration is never silently half understood: a value that
 * would ask for something this sink does not do is refused, naming what to use instead. A value that asks for what
 * this sink does anyway (a default) is accepted.
 */
final class DebeziumOnlyKeys {
    static final String GROUP = "Debezium JDBC sink keys without a counterpart";
    static final String HIBERNATE_PREFIX = "hibernate.";

    private record Key(String name, Set<String> accepted, String instead) {
    }

    private static final String ONE_CONNECTION = "The sink holds one connection per task (no pool): remove the key; "
            + "scale with tasks.max.";
    private static final List<Key> KEYS = List.of(
            new Key("connection.pool.min_size", Set.of(), ONE_CONNECTION),
            new Key("connection.pool.max_size", Set.of(), ONE_CONNECTION),
            new Key("connection.pool.acquire_increment", Set.of(), ONE_CONNECTION),
            new Key("connection.pool.timeout", Set.of(), ONE_CONNECTION),
            new Key("connection.provider", Set.of(), "There is no Hibernate connection provider: the sink connects with "
                    + "the JDBC driver; put driver properties in connection.url."),
            new Key("connection.restart.on.errors", Set.of("true"), "The sink always reconnects after a lost "
                    + "connection and retries (max.retries, retry.backoff.ms); set max.retries=0 to fail on the "
                    + "first error instead."),
            new Key("collection.naming.strategy", Set.of("io.debezium.sink.naming.DefaultCollectionNamingStrategy"),
                    "Naming strategy classes are not loaded: the default strategy's naming is built in; shape table "
                            + "names with collection.name.format (placeholders ${topic}, ${source.db}, "
                            + "${source.schema}, ${source.table}) or a RegexRouter transform."),
            new Key("table.naming.strategy", Set.of("io.debezium.sink.naming.DefaultCollectionNamingStrategy"),
                    "Naming strategy classes are not loaded: the default strategy's naming is built in; shape table "
                            + "names with collection.name.format or a RegexRouter transform."),
            new Key("column.naming.strategy", Set.of("io.debezium.connector.jdbc.naming.DefaultColumnNamingStrategy"),
                    "Naming strategy classes are not loaded: columns are named after the fields (folded to lower case "
                            + "with quote.identifiers=false); rename fields with a ReplaceField transform."),
            new Key("collection.table.format", Set.of("${table}"), "Use collection.name.format with ${source.schema} "
                    + "and ${source.table}, e.g. ${source.schema}.${source.table}."),
            new Key("collection.naming.style", Set.of("default"), "Table names are not restyled: use "
                    + "collection.name.format or a RegexRouter transform."),
            new Key("collection.naming.prefix", Set.of(""), "Write the prefix into collection.name.format, e.g. "
                    + "prefix_${topic}."),
            new Key("collection.naming.suffix", Set.of(""), "Write the suffix into collection.name.format, e.g. "
                    + "${topic}_suffix."),
            new Key("column.naming.style", Set.of("default"), "Column names are not restyled: rename fields with a "
                    + "ReplaceField transform (quote.identifiers=false folds them to lower case)."),
            new Key("column.naming.prefix", Set.of(""), "Rename fields with a ReplaceField transform."),
            new Key("column.naming.suffix", Set.of(""), "Rename fields with a ReplaceField transform."),
            new Key("dialect.postgres.postgis.schema", Set.of(), "The sink does not write PostGIS types: remove the "
                    + "key."),
            new Key("dialect.postgres.unnest.insert.enabled", Set.of("false"), "The sink batches by itself (batched "
                    + "inserts, array UPDATEs for partial updates): remove the key."),
            new Key("dialect.sqlserver.identity.insert", Set.of("false"), "Only PostgreSQL and MariaDB/MySQL are "
                    + "targets: remove the key."),
            new Key("cloud.events.schema.name.pattern", Set.of(), "CloudEvents envelopes are not read: unwrap them "
                    + "before the sink, or remove the key."));

    private DebeziumOnlyKeys() {
    }

    static ConfigDef defineAll(ConfigDef def) {
        int order = 1;
        for (Key key : KEYS) {
            String accepted = key.accepted().isEmpty() ? "No value is accepted."
                    : "Accepted only as " + String.join(" or ", key.accepted().stream().map(v -> "'" + v + "'").toList())
                    + ", which asks for what this sink does anyway.";
            def.define(key.name(), Type.STRING, null, validator(key), Importance.LOW,
                    "Debezium JDBC sink key without a counterpart here. " + accepted + " " + key.instead(),
                    GROUP, order++, ConfigDef.Width.MEDIUM, key.name());
        }
        return def;
    }

    private static ConfigDef.Validator validator(Key key) {
        return (name, value) -> {
            if (value == null) {
                return;
            }
            String text = value.toString().trim();
            if (!key.accepted().contains(text) && !key.accepted().contains(text.toLowerCase(Locale.ROOT))) {
                throw new ConfigException(name, value, key.instead());
            }
        };
    }

    /** The first hibernate.* key of {@code props} (Hibernate settings the Debezium sink passes on), or null. */
    static String hibernateKey(Map<?, ?> props) {
        for (Object key : props.keySet()) {
            if (key.toString().startsWith(HIBERNATE_PREFIX)) {
                return key.toString();
            }
        }
        return null;
    }

    static String hibernateMessage(String key) {
        return "The sink does not use Hibernate, so " + key + " would have no effect: remove it; put JDBC driver "
                + "properties in connection.url and use the time zone key use.time.zone.";
    }
}
