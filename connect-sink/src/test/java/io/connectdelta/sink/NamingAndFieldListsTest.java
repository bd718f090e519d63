package io.connectdelta.sink;

import io.connectdelta.sink.support.DatabasePair;
import io.connectdelta.sink.support.TaskHarness;
import io.connectdelta.testing.TestDatabase;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Field lists, unquoted (folded) names, schema-qualified table names and long names, in both dialects. */
class NamingAndFieldListsTest {
    private static final Schema KEY = SchemaBuilder.struct().field("Id", Schema.INT32_SCHEMA).build();
    private static final Schema ROW = SchemaBuilder.struct().optional()
            .field("Id", Schema.INT32_SCHEMA)
            .field("firstName", Schema.OPTIONAL_STRING_SCHEMA)
            .field("secret", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema SOURCE = SchemaBuilder.struct()
            .field("db", Schema.STRING_SCHEMA).field("schema", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct()
            .field("before", ROW).field("after", ROW).field("source", SOURCE).field("op", Schema.STRING_SCHEMA).build();

    static DatabasePair databases;

    @BeforeAll
    static void start() {
        databases = DatabasePair.create("sink_naming");
    }

    static Stream<String> dbs() {
        return DatabasePair.kinds();
    }

    private static SinkRecord record(String topic, String schema, String table, int id, long offset) {
        Struct row = new Struct(ROW).put("Id", id).put("firstName", "first " + id).put("secret", "s" + id);
        Struct source = new Struct(SOURCE).put("db", "shop").put("schema", schema).put("table", table);
        Struct envelope = new Struct(ENVELOPE).put("after", row).put("source", source).put("op", "c");
        return new SinkRecord(topic, 0, KEY, new Struct(KEY).put("Id", id), ENVELOPE, envelope, offset, 1L,
                TimestampType.CREATE_TIME, new ConnectHeaders());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void unquotedNamesInAnotherSchemaWithoutExcludedFields(String kind) {
        TestDatabase db = databases.of(kind);
        String schema = "Naming_" + kind.substring(0, 2);
        Map<String, String> config = TaskHarness.baseConfig(db, "naming-" + kind);
        config.put("schema.evolution", "basic");
        config.put("quote.identifiers", "false");
        config.put("table.name.format", "${source.schema}.${source.table}");
        config.put("field.exclude.list", "srv.s.t:secret");
        try (TaskHarness harness = new TaskHarness(config, "srv.s.t")) {
            harness.putAndCommit(record("srv.s.t", schema, "People", 1, 0), record("srv.s.t", schema, "People", 2, 1));
        }
        // PostgreSQL folds unquoted table and schema names; MariaDB keeps them. Columns are lower case in both.
        String table = db.isPostgres() ? schema.toLowerCase() + ".people" : "`" + schema + "`.`People`";
        List<Map<String, Object>> rows = TaskHarness.query(db, "SELECT * FROM " + table + " ORDER BY id");
        assertEquals(2, rows.size());
        assertEquals(List.of("id", "firstname"), List.copyOf(rows.get(0).keySet()), "no secret column, folded names");
        assertEquals("first 2", rows.get(1).get("firstname"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void aTableNameLongerThanTheDatabaseAllowsIsCutOnPostgresAndRefusedOnMariaDb(String kind) {
        TestDatabase db = databases.of(kind);
        String topic = "prefix_schema_a_long_table_name_that_goes_beyond_what_databases_allow_" + kind;
        Map<String, String> config = TaskHarness.baseConfig(db, "long-" + kind);
        config.put("schema.evolution", "basic");
        if (db.isPostgres()) {
            for (int restart = 0; restart < 2; restart++) {
                try (TaskHarness harness = new TaskHarness(config, topic)) {
                    harness.putAndCommit(record(topic, "s", "t", 1 + restart, restart));
                }
            }
            String cut = topic.substring(0, 63);
            assertEquals(2, TaskHarness.query(db, "SELECT * FROM \"" + cut + "\"").size(), "written across a restart");
        } else {
            try (TaskHarness harness = new TaskHarness(config, topic)) {
                Exception e = assertThrows(Exception.class, () -> harness.putAndCommit(record(topic, "s", "t", 1, 0)));
                assertTrue(String.valueOf(e.getMessage()).contains("longer than the database allows"), e.toString());
            }
        }
    }
}
