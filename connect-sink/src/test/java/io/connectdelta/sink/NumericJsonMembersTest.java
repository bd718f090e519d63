package io.connectdelta.sink;

import io.connectdelta.sink.support.DatabasePair;
import io.connectdelta.sink.support.Items;
import io.connectdelta.sink.support.TaskHarness;
import io.connectdelta.sink.support.TestDeltaEncoder;
import io.connectdelta.testing.TestDatabase;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static io.connectdelta.sink.support.Items.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * JSON Patch paths with numeric tokens inside json columns, on real PostgreSQL and MariaDB: a numeric token names
 * an object's member where the value at that point is an object, and an array's element where it is an array.
 */
class NumericJsonMembersTest {
    private static final String DOC = "{\"attrs\":{\"2024\":\"old\",\"7\":1,\"0\":\"zero\"},\"list\":[10,20,30],"
            + "\"nested\":[{\"0\":\"a\",\"1\":[true]}],\"box\":{\"1\":\"one\"}}";
    static DatabasePair databases;

    @BeforeAll
    static void databases() {
        databases = DatabasePair.create("json_numeric");
    }

    static Stream<String> dbs() {
        return DatabasePair.kinds();
    }

    private static SinkRecord insert(TestDeltaEncoder e, int id) {
        return e.full("c", null, e.row("id", id, "name", "n", "doc", DOC));
    }

    private static final String EDITS = "["
            + "{\"op\":\"replace\",\"path\":\"/doc/attrs/2024\",\"value\":\"new\"},"
            + "{\"op\":\"add\",\"path\":\"/doc/attrs/2025\",\"value\":1},"
            + "{\"op\":\"add\",\"path\":\"/doc/attrs/7\",\"value\":2},"
            + "{\"op\":\"remove\",\"path\":\"/doc/attrs/0\"},"
            + "{\"op\":\"replace\",\"path\":\"/doc/list/1\",\"value\":21},"
            + "{\"op\":\"add\",\"path\":\"/doc/list/0\",\"value\":5},"
            + "{\"op\":\"remove\",\"path\":\"/doc/list/3\"},"
            + "{\"op\":\"replace\",\"path\":\"/doc/nested/0/0\",\"value\":\"b\"},"
            + "{\"op\":\"add\",\"path\":\"/doc/nested/0/1/0\",\"value\":false}]";
    /** Edits after an earlier edit changed what is at their path: box becomes an array, then its element 1 changes. */
    private static final String LATER_EDITS = "["
            + "{\"op\":\"add\",\"path\":\"/doc/attrs/9\",\"value\":{\"3\":3}},"
            + "{\"op\":\"replace\",\"path\":\"/doc/attrs/9/3\",\"value\":4},"
            + "{\"op\":\"replace\",\"path\":\"/doc/box\",\"value\":[1,2]},"
            + "{\"op\":\"replace\",\"path\":\"/doc/box/1\",\"value\":3}]";
    private static final String EXPECTED = "{\"attrs\":{\"2024\":\"new\",\"2025\":1,\"7\":2,\"9\":{\"3\":4}},"
            + "\"list\":[5,10,21],\"nested\":[{\"0\":\"b\",\"1\":[false,true]}],\"box\":[1,3]}";

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void numericTokensEditMembersOfObjectsAndElementsOfArrays(String kind) {
        TestDatabase db = databases.of(kind);
        String table = Items.create(db, "numeric");
        TestDeltaEncoder e = Items.encoder(table);
        try (TaskHarness task = new TaskHarness(TaskHarness.baseConfig(db, "numeric-" + table), table)) {
            task.putAndCommit(insert(e, 1), insert(e, 2));
            // Row 1: each patch in a write of its own; row 2: both in one write, merged into one statement.
            task.putAndCommit(e.patch("u", e.row("id", 1), EDITS));
            task.putAndCommit(e.patch("u", e.row("id", 1), LATER_EDITS));
            task.putAndCommit(e.patch("u", e.row("id", 2), EDITS), e.patch("u", e.row("id", 2), LATER_EDITS));
        }
        assertEquals(json(EXPECTED), Items.row(db, table, 1).get("doc"));
        assertEquals(json(EXPECTED), Items.row(db, table, 2).get("doc"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void numericTokensOfARowThatWasMissingStartFromNull(String kind) {
        TestDatabase db = databases.of(kind);
        String table = Items.create(db, "numeric_missing");
        TestDeltaEncoder e = Items.encoder(table);
        try (TaskHarness task = new TaskHarness(withMissingRowsInserted(db, table), table)) {
            task.putAndCommit(e.patch("u", e.row("id", 1), "[{\"op\":\"replace\",\"path\":\"/doc\",\"value\":{\"5\":[0]}},"
                    + "{\"op\":\"add\",\"path\":\"/doc/5/0\",\"value\":1},{\"op\":\"add\",\"path\":\"/doc/6\",\"value\":2}]"));
        }
        assertEquals(json("{\"5\":[1,0],\"6\":2}"), Items.row(db, table, 1).get("doc"));
    }

    private static Map<String, String> withMissingRowsInserted(TestDatabase db, String table) {
        Map<String, String> config = TaskHarness.baseConfig(db, "numeric-" + table);
        config.put("missing.row.mode", "insert");
        return config;
    }
}
