package io.connectdelta.sink;

import io.connectdelta.sink.support.DatabasePair;
import io.connectdelta.sink.support.Items;
import io.connectdelta.sink.support.TaskHarness;
import io.connectdelta.sink.support.TestDeltaEncoder;
import io.connectdelta.transforms.ToDelta;
import io.connectdelta.testing.TestDatabase;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random inserts, updates of random column subsets (nulls included) and deletes on a model table, encoded as full
 * events, delta events and JSON Patch events (our ToDelta transform applied to the full events), placeholder-bearing
 * full events, or a mix, sunk into both databases in random put sizes: the target table must equal the model.
 */
class RandomizedModelTest {
    static final List<String> COLUMNS = List.of("name", "qty", "note", "tags");
    static final String PLACEHOLDER = "__debezium_unavailable_value";
    static DatabasePair databases;
    static TestDatabase postgres;
    static TestDatabase mariadb;

    @BeforeAll
    static void databases() {
        databases = DatabasePair.create("sink_random");
        postgres = databases.postgres();
        mariadb = databases.mariadb();
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        long seed = 20261121L;
        for (String db : List.of("postgresql", "mariadb")) {
            for (String encoding : List.of("full", "delta", "delta-carried", "placeholder", "json-patch", "mixed")) {
                cases.add(Arguments.of(db, encoding, seed++));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} seed {2}")
    @MethodSource("cases")
    void targetEqualsModel(String kind, String encoding, long seed) {
        TestDatabase db = databases.of(kind);
        String table = Items.create(db, "rnd");
        TestDeltaEncoder e = Items.encoder(table);
        Random random = new Random(seed);
        Map<Integer, Map<String, Object>> model = new TreeMap<>();
        List<SinkRecord> records = new ArrayList<>();
        int nextId = 1;
        for (int step = 0; step < 300; step++) {
            int action = random.nextInt(10);
            String shape = encoding.equals("mixed")
                    ? List.of("full", "delta", "delta-carried", "placeholder", "json-patch").get(random.nextInt(5))
                    : encoding;
            if (model.isEmpty() || action < 3) {
                int id = random.nextInt(4) == 0 && !model.isEmpty() ? nextId - 1 - random.nextInt(Math.min(3, nextId - 1)) : nextId++;
                if (model.containsKey(id)) {
                    id = nextId++;
                }
                Map<String, Object> row = new LinkedHashMap<>();
                for (String column : COLUMNS) {
                    row.put(column, randomValue(random, column, null));
                }
                model.put(id, row);
                records.add(insert(e, shape, id, row));
            } else if (action < 9) {
                List<Integer> ids = new ArrayList<>(model.keySet());
                int id = ids.get(random.nextInt(ids.size()));
                Map<String, Object> before = model.get(id);
                Map<String, Object> after = new LinkedHashMap<>(before);
                Map<String, Object> changed = new LinkedHashMap<>();
                for (String column : COLUMNS) {
                    if (random.nextInt(3) == 0) {
                        Object value = randomValue(random, column, before.get(column));
                        after.put(column, value);
                        changed.put(column, value);
                    }
                }
                model.put(id, after);
                records.add(update(e, shape, id, before, after, changed));
            } else {
                List<Integer> ids = new ArrayList<>(model.keySet());
                int id = ids.get(random.nextInt(ids.size()));
                Map<String, Object> before = model.remove(id);
                records.add(delete(e, shape, id, before, random));
            }
        }
        Map<String, String> config = TaskHarness.baseConfig(db, "random-" + table);
        config.put("batch.size", Integer.toString(1 + random.nextInt(64)));
        try (TaskHarness task = new TaskHarness(config, table)) {
            int from = 0;
            while (from < records.size()) {
                int to = Math.min(records.size(), from + 1 + random.nextInt(40));
                task.putAndCommit(records.subList(from, to));
                from = to;
            }
            assertEquals(records.size(), task.task().metrics().getRecordsApplied());
        }
        Map<Integer, Map<String, Object>> actual = new TreeMap<>();
        for (Map<String, Object> row : TaskHarness.query(db, "SELECT id FROM " + table)) {
            int id = ((Number) row.get("id")).intValue();
            Map<String, Object> values = Items.row(db, table, id);
            Map<String, Object> projected = new LinkedHashMap<>();
            for (String column : COLUMNS) {
                Object value = values.get(column);
                projected.put(column, value instanceof Number ? ((Number) value).intValue() : value);
            }
            actual.put(id, projected);
        }
        assertEquals(model, actual);
    }

    static Object randomValue(Random random, String column, Object old) {
        if (random.nextInt(5) == 0) {
            return null;
        }
        switch (column) {
            case "qty":
                return random.nextInt(1000) - 500;
            case "tags": {
                if (old != null && random.nextBoolean()) {
                    // One element appended: ToDelta's JSON Patch encodes it as an add at /tags/-.
                    List<String> longer = new ArrayList<>((List<?>) old instanceof List ? castList(old) : List.of());
                    longer.add("t" + random.nextInt(100));
                    return longer;
                }
                List<String> tags = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    tags.add("t" + random.nextInt(100));
                }
                return tags;
            }
            default:
                return column + "-" + random.nextInt(10_000) + (random.nextInt(10) == 0 ? "'\"; ü" : "");
        }
    }

    @SuppressWarnings("unchecked")
    static List<String> castList(Object value) {
        return (List<String>) value;
    }

    static Struct struct(TestDeltaEncoder e, int id, Map<String, Object> row) {
        Struct struct = e.row("id", id);
        row.forEach(struct::put);
        return struct;
    }

    /** Our ToDelta transform, in each of its formats: the delta and JSON Patch events come from it. */
    private static final Map<String, ToDelta<SinkRecord>> TO_DELTA = Map.of(
            "delta", toDelta(ToDelta.FORMAT_FIELDS, ToDelta.ROW_SCHEMA_TABLE),
            "delta-carried", toDelta(ToDelta.FORMAT_FIELDS, ToDelta.ROW_SCHEMA_CARRIED),
            "json-patch", toDelta(ToDelta.FORMAT_JSON_PATCH, ToDelta.ROW_SCHEMA_TABLE));

    private static ToDelta<SinkRecord> toDelta(String format, String rowSchema) {
        ToDelta<SinkRecord> transform = new ToDelta<>();
        transform.configure(Map.of(ToDelta.FORMAT_CONFIG, format, ToDelta.ROW_SCHEMA_CONFIG, rowSchema));
        return transform;
    }

    /** The full event as Debezium sends it with REPLICA IDENTITY FULL, or what ToDelta makes of it. */
    static SinkRecord encoded(String shape, SinkRecord full) {
        ToDelta<SinkRecord> transform = TO_DELTA.get(shape);
        return transform == null ? full : transform.apply(full);
    }

    static SinkRecord insert(TestDeltaEncoder e, String shape, int id, Map<String, Object> row) {
        return encoded(shape, e.full("c", null, struct(e, id, row)));
    }

    static SinkRecord update(TestDeltaEncoder e, String shape, int id, Map<String, Object> before,
                             Map<String, Object> after, Map<String, Object> changed) {
        switch (shape) {
            case "placeholder": {
                // REPLICA IDENTITY DEFAULT: no before image; unchanged TOASTable columns carry the placeholder.
                Map<String, Object> image = new HashMap<>(after);
                if (!changed.containsKey("note") && after.get("note") != null) {
                    image.put("note", PLACEHOLDER);
                }
                if (!changed.containsKey("tags") && after.get("tags") != null) {
                    image.put("tags", List.of(PLACEHOLDER));
                }
                return e.full("u", null, struct(e, id, image));
            }
            default:
                return encoded(shape, e.full("u", struct(e, id, before), struct(e, id, after)));
        }
    }

    static SinkRecord delete(TestDeltaEncoder e, String shape, int id, Map<String, Object> before, Random random) {
        if (TO_DELTA.containsKey(shape)) {
            return encoded(shape, e.full("d", struct(e, id, before), null));
        }
        return random.nextBoolean() ? e.tombstone(e.row("id", id)) : e.full("d", struct(e, id, before), null);
    }
}
