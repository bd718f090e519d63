package io.connectdelta.sink;

import io.connectdelta.testing.TestDatabase;
import io.connectdelta.testing.TestDatabases;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * validate() over every key of the Debezium JDBC sink (3.5.0.Final's ConfigDef and its documentation): each is
 * declared here, and a value either is understood (no error) or refused with a message saying what to use instead.
 */
class DebeziumKeysValidationTest {
    /** Debezium keys with a value a user would set, and whether this sink understands that value. */
    private static final Map<String, String> UNDERSTOOD = new LinkedHashMap<>();
    private static final Map<String, String> REFUSED = new LinkedHashMap<>();

    static {
        UNDERSTOOD.put("insert.mode", "upsert");
        UNDERSTOOD.put("delete.enabled", "true");
        UNDERSTOOD.put("truncate.enabled", "true");
        UNDERSTOOD.put("primary.key.mode", "record_key");
        UNDERSTOOD.put("primary.key.fields", "id");
        UNDERSTOOD.put("schema.evolution", "basic");
        UNDERSTOOD.put("collection.name.format", "${source.schema}.${source.table}");
        UNDERSTOOD.put("quote.identifiers", "false");
        UNDERSTOOD.put("use.time.zone", "Europe/Berlin");
        UNDERSTOOD.put("batch.size", "500");
        UNDERSTOOD.put("use.reduction.buffer", "true");
        UNDERSTOOD.put("field.exclude.list", "srv.public.items:secret");
        UNDERSTOOD.put("flush.max.retries", "5");
        UNDERSTOOD.put("flush.retry.delay.ms", "1000");
        UNDERSTOOD.put("connection.restart.on.errors", "true");
        UNDERSTOOD.put("collection.naming.strategy", "io.debezium.sink.naming.DefaultCollectionNamingStrategy");
        UNDERSTOOD.put("column.naming.strategy", "io.debezium.connector.jdbc.naming.DefaultColumnNamingStrategy");
        UNDERSTOOD.put("dialect.postgres.unnest.insert.enabled", "false");
        UNDERSTOOD.put("dialect.sqlserver.identity.insert", "false");

        REFUSED.put("connection.pool.min_size", "5");
        REFUSED.put("connection.pool.max_size", "32");
        REFUSED.put("connection.pool.acquire_increment", "32");
        REFUSED.put("connection.pool.timeout", "1800");
        REFUSED.put("connection.provider", "org.hibernate.c3p0.internal.C3P0ConnectionProvider");
        REFUSED.put("connection.restart.on.errors", "false");
        REFUSED.put("collection.naming.strategy", "com.example.MyNaming");
        REFUSED.put("table.naming.strategy", "com.example.MyNaming");
        REFUSED.put("column.naming.strategy", "com.example.MyColumns");
        REFUSED.put("collection.table.format", "${schema}_${table}");
        REFUSED.put("collection.naming.style", "snake_case");
        REFUSED.put("collection.naming.prefix", "pre_");
        REFUSED.put("collection.naming.suffix", "_suf");
        REFUSED.put("column.naming.style", "camel_case");
        REFUSED.put("column.naming.prefix", "c_");
        REFUSED.put("column.naming.suffix", "_c");
        REFUSED.put("dialect.postgres.postgis.schema", "public");
        REFUSED.put("dialect.postgres.unnest.insert.enabled", "true");
        REFUSED.put("dialect.sqlserver.identity.insert", "true");
        REFUSED.put("cloud.events.schema.name.pattern", ".*CloudEvents\\.Envelope$");
        REFUSED.put("primary.key.mode", "record_header");
    }

    private static TestDatabase postgres;

    @BeforeAll
    static void start() {
        postgres = TestDatabases.postgres();
    }

    private static Map<String, String> base() {
        Map<String, String> config = new HashMap<>();
        config.put("name", "debezium-keys");
        config.put("topics", "srv.public.items");
        config.put("connection.url", postgres.jdbcUrl());
        config.put("connection.username", postgres.user());
        config.put("connection.password", postgres.password());
        return config;
    }

    private static Map<String, List<String>> errors(Map<String, String> config) {
        Config result = new DeltaJdbcSinkConnector().validate(config);
        Map<String, List<String>> errors = new LinkedHashMap<>();
        for (ConfigValue value : result.configValues()) {
            if (!value.errorMessages().isEmpty()) {
                errors.put(value.name(), value.errorMessages());
            }
        }
        return errors;
    }

    @Test
    void everyDebeziumKeyIsDeclared() {
        for (String key : List.of("connection.url", "connection.username", "connection.password",
                "connection.pool.min_size", "connection.pool.max_size", "connection.pool.acquire_increment",
                "connection.pool.timeout", "connection.provider", "connection.restart.on.errors", "insert.mode",
                "delete.enabled", "truncate.enabled", "collection.name.format", "table.name.format",
                "primary.key.mode", "primary.key.fields", "schema.evolution", "quote.identifiers",
                "collection.naming.strategy", "table.naming.strategy", "column.naming.strategy",
                "collection.table.format", "collection.naming.style", "collection.naming.prefix",
                "collection.naming.suffix", "column.naming.style", "column.naming.prefix", "column.naming.suffix",
                "use.time.zone", "database.time_zone", "dialect.postgres.postgis.schema",
                "dialect.postgres.unnest.insert.enabled", "dialect.sqlserver.identity.insert", "batch.size",
                "use.reduction.buffer", "field.include.list", "field.exclude.list", "flush.max.retries",
                "flush.retry.delay.ms", "cloud.events.schema.name.pattern")) {
            assertTrue(DeltaJdbcSinkConfig.CONFIG_DEF.configKeys().containsKey(key), key + " is declared");
        }
    }

    @Test
    void understoodValuesPassValidation() {
        Map<String, String> config = base();
        config.putAll(UNDERSTOOD);
        assertEquals(Map.of(), errors(config));
    }

    @Test
    void valuesWithoutACounterpartAreRefusedWithWhatToUseInstead() {
        REFUSED.forEach((key, value) -> {
            Map<String, String> config = base();
            config.put(key, value);
            Map<String, List<String>> errors = errors(config);
            assertEquals(List.of(key), List.copyOf(errors.keySet()), key + "=" + value + " is refused: " + errors);
            String message = errors.get(key).get(0);
            assertTrue(message.matches("(?si).*(use|remove|set|shape|write|rename|put).*"), message);
        });
    }

    @Test
    void hibernateKeysAreRefused() {
        Map<String, String> config = base();
        config.put("hibernate.c3p0.max_size", "10");
        Map<String, List<String>> errors = errors(config);
        assertTrue(errors.containsKey("hibernate.c3p0.max_size"), errors.toString());
        assertTrue(errors.get("hibernate.c3p0.max_size").get(0).contains("does not use Hibernate"));
    }

    @Test
    void aliasesTakeEffectAndConflictsAreRefused() {
        Map<String, String> config = base();
        config.put("table.name.format", "t_${topic}");
        config.put("flush.max.retries", "2");
        config.put("flush.retry.delay.ms", "10");
        config.put("database.time_zone", "Europe/Berlin");
        DeltaJdbcSinkConfig parsed = new DeltaJdbcSinkConfig(config);
        assertEquals("t_${topic}", parsed.collectionNameFormat());
        assertEquals(2, parsed.maxRetries());
        assertEquals(10L, parsed.retryBackoffMs());
        assertEquals("Europe/Berlin", parsed.timeZone().getId());

        config.put("collection.name.format", "other");
        assertTrue(errors(config).containsKey("table.name.format"), errors(config).toString());
    }

    @Test
    void bothFieldListsAtOnceAreRefused() {
        Map<String, String> config = base();
        config.put("field.include.list", "a");
        config.put("field.exclude.list", "b");
        assertTrue(errors(config).containsKey("field.exclude.list"));
        config.remove("field.exclude.list");
        assertFalse(errors(config).containsKey("field.include.list"));
    }

    @Test
    void kafkaKeyModeIsUnderstoodButNotWithDeletes() {
        Map<String, String> config = base();
        config.put("primary.key.mode", "kafka");
        assertEquals(Map.of(), errors(config));
        config.put("delete.enabled", "true");
        assertTrue(errors(config).containsKey("delete.enabled"), errors(config).toString());
    }
}
