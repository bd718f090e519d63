package io.connectdelta.sink.dialect;

import io.connectdelta.sink.dialect.mariadb.MariaDbDialect;
import io.connectdelta.sink.dialect.postgres.PostgresDialect;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exact write SQL each dialect produces, hostile identifiers included. */
class StatementSqlTest {
    private static final String HOSTILE = "a\"b`c; DROP TABLE t; --";
    private final Dialect postgres = SinkDialects.forUrl("jdbc:postgresql://h/d");
    private final Dialect mariadb = SinkDialects.forUrl("jdbc:mariadb://h/d");

    @Test
    void sinkDialectsFollowTheSharedUrls() {
        assertInstanceOf(PostgresDialect.class, postgres);
        assertInstanceOf(MariaDbDialect.class, mariadb);
        assertInstanceOf(MariaDbDialect.class, SinkDialects.forUrl("jdbc:mysql://h/d"));
        assertEquals("jdbc:mysql://h/d?permitMysqlScheme", SinkDialects.forUrl("jdbc:mysql://h/d").driverUrl("jdbc:mysql://h/d"));
        assertTrue(assertThrows(org.apache.kafka.common.config.ConfigException.class,
                () -> SinkDialects.forUrl("jdbc:oracle:thin:@h:1521:d")).getMessage()
                .contains("must start with jdbc:postgresql:, jdbc:mariadb: or jdbc:mysql:"));
        assertEquals("stringtype", postgres.connectionProperties().stringPropertyNames().stream()
                .filter("stringtype"::equals).findFirst().orElse(null));
        assertEquals("false", mariadb.connectionProperties().getProperty("useBulkStmts"));
    }

    @Test
    void hostileIdentifiersAreQuoted() {
        assertEquals("\"a\"\"b`c; DROP TABLE t; --\"", postgres.quote(HOSTILE));
        assertEquals("`a\"b``c; DROP TABLE t; --`", mariadb.quote(HOSTILE));
        assertEquals("\"s\".\"a\"\"b`c; DROP TABLE t; --\"", postgres.quoteTable("s." + HOSTILE));
        assertEquals("`s`.`a\"b``c; DROP TABLE t; --`", mariadb.quoteTable("s." + HOSTILE));
    }

    @Test
    void upserts() {
        String k = postgres.quote("id");
        String c = postgres.quote(HOSTILE);
        assertEquals(" ON CONFLICT (\"id\") DO UPDATE SET \"a\"\"b`c; DROP TABLE t; --\" = EXCLUDED.\"a\"\"b`c; DROP TABLE t; --\"",
                postgres.upsertClause(List.of(k), List.of(c)));
        assertEquals(" ON CONFLICT (\"id\") DO NOTHING", postgres.upsertClause(List.of(k), List.of()));
        assertEquals(" ON CONFLICT (\"id\") DO UPDATE SET \"v\" = EXCLUDED.\"v\" WHERE \"v\" < EXCLUDED.\"v\"",
                postgres.upsertClause(List.of(k), List.of("\"v\""), "\"v\" < EXCLUDED.\"v\""));

        String mk = mariadb.quote("id");
        String mc = mariadb.quote(HOSTILE);
        assertEquals(" ON DUPLICATE KEY UPDATE `a\"b``c; DROP TABLE t; --` = VALUES(`a\"b``c; DROP TABLE t; --`)",
                mariadb.upsertClause(List.of(mk), List.of(mc)));
        assertEquals(" ON DUPLICATE KEY UPDATE `id` = `id`", mariadb.upsertClause(List.of(mk), List.of()));
        assertEquals(" ON DUPLICATE KEY UPDATE `v` = IF(`v` < VALUES(`v`), VALUES(`v`), `v`)",
                mariadb.upsertClause(List.of(mk), List.of("`v`"), "`v` < VALUES(`v`)"));
        assertTrue(postgres.upsertsOnPrimaryKeyOnly());
        assertFalse(mariadb.upsertsOnPrimaryKeyOnly());
    }

    @Test
    void ddlAndTruncate() {
        assertEquals("CREATE SCHEMA IF NOT EXISTS \"x\"\"y\"", postgres.createSchema("x\"y"));
        assertEquals("CREATE DATABASE IF NOT EXISTS `x``y`", mariadb.createSchema("x`y"));
        assertEquals("TRUNCATE TABLE \"t\"", postgres.truncate("\"t\""));
        assertEquals("DELETE FROM `t`", mariadb.truncate("`t`"));
    }

    @Test
    void columnTypes() {
        Schema decimal = Decimal.builder(2).parameter("connect.decimal.precision", "10").build();
        Schema timestamps = SchemaBuilder.array(Timestamp.SCHEMA).build();
        assertEquals("NUMERIC(10, 2)", postgres.columnType(decimal, false));
        assertEquals("DECIMAL(10, 2)", mariadb.columnType(decimal, false));
        assertEquals("TIMESTAMP(3)[]", postgres.columnType(timestamps, false));
        assertEquals("JSON", mariadb.columnType(timestamps, false));
        assertEquals("TEXT", postgres.columnType(Schema.STRING_SCHEMA, true));
        assertEquals("VARCHAR(255)", mariadb.columnType(Schema.STRING_SCHEMA, true));
        assertEquals("LONGTEXT", mariadb.columnType(Schema.STRING_SCHEMA, false));
        assertEquals("UUID", postgres.columnType(SchemaBuilder.string().name("io.debezium.data.Uuid").build(), true));
        assertEquals("CHAR(36)", mariadb.columnType(SchemaBuilder.string().name("io.debezium.data.Uuid").build(), true));
    }
}
