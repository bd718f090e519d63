package io.connectdelta.sink.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connectdelta.testing.TestDatabase;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** The "items" model table the table-driven tests write: the same columns on PostgreSQL and MariaDB. */
public final class Items {
    public static final Schema KEY = SchemaBuilder.struct().name("srv.public.items.Key")
            .field("id", Schema.INT32_SCHEMA).build();
    public static final Schema ROW = SchemaBuilder.struct().name("srv.public.items.Value")
            .field("id", Schema.INT32_SCHEMA)
            .field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("qty", Schema.OPTIONAL_INT32_SCHEMA)
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .field("doc", SchemaBuilder.string().name("io.debezium.data.Json").optional().build())
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
            .field("price", Decimal.builder(2).optional().build())
            .build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private Items() {
    }

    /** Creates a fresh items table (unique name) and returns its name, which is also the topic. */
    public static String create(TestDatabase db, String prefix) {
        String table = prefix + "_" + COUNTER.incrementAndGet();
        if (db.isPostgres()) {
            db.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, name TEXT, qty INT, note TEXT, doc JSONB, "
                    + "tags TEXT[], price NUMERIC(10,2))");
        } else {
            db.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, name VARCHAR(100), qty INT, note LONGTEXT, "
                    + "doc JSON, tags JSON, price DECIMAL(10,2))");
        }
        return table;
    }

    public static TestDeltaEncoder encoder(String table) {
        return new TestDeltaEncoder(table, table, KEY, ROW);
    }

    /** The row with this id as column -> value (json and arrays normalised to Jackson trees / lists), or null. */
    public static Map<String, Object> row(TestDatabase db, String table, int id) {
        List<Map<String, Object>> rows = TaskHarness.query(db, "SELECT id, name, qty, note, doc, tags, price FROM "
                + table + " WHERE id = " + id);
        if (rows.isEmpty()) {
            return null;
        }
        Map<String, Object> row = rows.get(0);
        row.put("doc", json(row.get("doc")));
        row.put("tags", list(row.get("tags")));
        if (row.get("price") != null) {
            row.put("price", ((BigDecimal) row.get("price")).setScale(2));
        }
        return row;
    }

    public static int count(TestDatabase db, String table) {
        return ((Number) TaskHarness.query(db, "SELECT COUNT(*) AS n FROM " + table).get(0).get("n")).intValue();
    }

    public static JsonNode json(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return JSON.readTree(value.toString());
        } catch (Exception e) {
            throw new IllegalStateException("Not JSON: " + value, e);
        }
    }

    @SuppressWarnings("unchecked")
    public static List<Object> list(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Array) {
            try {
                return Arrays.asList((Object[]) ((Array) value).getArray());
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        return JSON.convertValue(json(value), List.class);
    }
}
