package io.connectdelta.testing;

import io.connectdelta.event.Formats;
import io.connectdelta.event.ToastPlaceholder;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Debezium-style change events of one table with every kind of column (nulls, bytes, decimals, timestamps,
 * dates, a nested struct, arrays, a map), with a schema (Struct) and without (Map), for the transform tests.
 */
public final class ChangeEvents {
    public static final String TOPIC = "server.public.items";

    public static final Schema ADDRESS = SchemaBuilder.struct().name("server.public.items.Address").optional()
            .field("street", Schema.OPTIONAL_STRING_SCHEMA)
            .field("zip", Schema.INT32_SCHEMA)
            .build();

    public static final Schema KEY = SchemaBuilder.struct().name("server.public.items.Key")
            .field("id", Schema.INT32_SCHEMA).build();

    public static final Schema ROW = SchemaBuilder.struct().name("server.public.items.Value").optional()
            .field("id", Schema.INT32_SCHEMA)
            .field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("doc", Schema.OPTIONAL_STRING_SCHEMA)
            .field("data", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("price", Decimal.builder(2).optional().build())
            .field("created", Timestamp.builder().optional().build())
            .field("day", Date.builder().optional().build())
            .field("address", ADDRESS)
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
            .field("attrs", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA).optional().build())
            .field("attrs_json", Schema.OPTIONAL_STRING_SCHEMA)
            .field("scores", SchemaBuilder.array(Schema.INT32_SCHEMA).optional().build())
            .field("big", SchemaBuilder.array(Schema.INT64_SCHEMA).optional().build())
            .field("qty", SchemaBuilder.int64().defaultValue(0L).build())
            .build();

    public static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("version", Schema.STRING_SCHEMA)
            .field("connector", Schema.STRING_SCHEMA)
            .field("name", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
            .field("db", Schema.STRING_SCHEMA)
            .field("schema", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA)
            .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
            .build();

    public static final Schema TRANSACTION = SchemaBuilder.struct().name("event.block").optional().version(1)
            .field("id", Schema.STRING_SCHEMA)
            .field("total_order", Schema.INT64_SCHEMA)
            .field("data_collection_order", Schema.INT64_SCHEMA)
            .build();

    public static final Schema ENVELOPE = SchemaBuilder.struct().name("server.public.items.Envelope").version(2)
            .field("before", ROW)
            .field("after", ROW)
            .field("source", SOURCE)
            .field("transaction", TRANSACTION)
            .field("op", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .build();

    /** The columns that can hold a TOAST placeholder, each in one of Debezium's encodings. */
    public static final List<String> TOASTABLE = List.of("doc", "data", "tags", "attrs", "attrs_json", "scores", "big");

    private ChangeEvents() {
    }

    public static Struct key(int id) {
        return new Struct(KEY).put("id", id);
    }

    /** A row with a value in every column. */
    public static Struct row(int id) {
        return new Struct(ROW)
                .put("id", id)
                .put("name", "name " + id)
                .put("doc", "a long document " + id)
                .put("data", new byte[]{1, 2, (byte) id})
                .put("price", new BigDecimal("12.50").add(BigDecimal.valueOf(id)))
                .put("created", new java.util.Date(1_700_000_000_000L + id))
                .put("day", new java.util.Date(19_000L * 86_400_000L))
                .put("address", new Struct(ADDRESS).put("street", "Main " + id).put("zip", 1000 + id))
                .put("tags", List.of("a", "b" + id))
                .put("attrs", Map.of("k", "v" + id))
                .put("attrs_json", "{\"k\":\"v" + id + "\"}")
                .put("scores", List.of(1, 2, id))
                .put("big", List.of(10L, (long) id))
                .put("qty", (long) id * 3);
    }

    /** A random row: each optional column null with probability 1/5; values vary with the generator. */
    public static Struct randomRow(Random random, int id) {
        Struct row = new Struct(ROW).put("id", id).put("qty", random.nextLong());
        for (Field field : ROW.fields()) {
            if (field.schema().isOptional() && random.nextInt(5) > 0) {
                row.put(field, randomValue(random, field.name()));
            }
        }
        return row;
    }

    /** A random value for a column. */
    public static Object randomValue(Random random, String column) {
        switch (column) {
            case "name": return "n" + random.nextInt(1000);
            case "doc": return "doc " + Long.toString(random.nextLong(), 36);
            case "data": {
                byte[] bytes = new byte[random.nextInt(6)];
                random.nextBytes(bytes);
                return bytes;
            }
            case "price": return BigDecimal.valueOf(random.nextInt(2_000_000) - 1_000_000L, 2);
            case "created": return new java.util.Date(1_600_000_000_000L + random.nextInt(1_000_000_000));
            case "day": return new java.util.Date((18_000L + random.nextInt(3000)) * 86_400_000L);
            case "address": return new Struct(ADDRESS).put("street", random.nextBoolean() ? null : "s" + random.nextInt(50))
                    .put("zip", random.nextInt(99_999));
            case "tags": {
                List<String> tags = new ArrayList<>();
                for (int i = random.nextInt(25); i > 0; i--) {
                    tags.add("t" + random.nextInt(30));
                }
                return tags;
            }
            case "attrs": {
                Map<String, String> attrs = new LinkedHashMap<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    attrs.put("k" + random.nextInt(10), random.nextBoolean() ? null : "v" + random.nextInt(10));
                }
                return attrs;
            }
            case "attrs_json": return "{\"k\":" + random.nextInt(10) + "}";
            case "scores": {
                List<Integer> scores = new ArrayList<>();
                for (int i = random.nextInt(22); i > 0; i--) {
                    scores.add(random.nextInt(100));
                }
                return scores;
            }
            case "big": return List.of(random.nextLong(), random.nextLong());
            case "qty": return random.nextLong();
            default: throw new IllegalArgumentException(column);
        }
    }

    /** The placeholder in the encoding Debezium uses for a column of this table. */
    public static Object placeholderFor(String column, ToastPlaceholder placeholder) {
        byte[] bytes = placeholder.bytes();
        switch (column) {
            case "doc": return placeholder.text();
            case "data": return bytes;
            case "tags": return List.of(placeholder.text());
            case "attrs": return Map.of(placeholder.text(), placeholder.text());
            case "attrs_json": return "{\"" + placeholder.text() + "\":\"" + placeholder.text() + "\"}";
            case "scores": {
                List<Integer> ints = new ArrayList<>();
                for (byte b : bytes) {
                    ints.add((int) b);
                }
                return ints;
            }
            case "big": {
                List<Long> longs = new ArrayList<>();
                for (byte b : bytes) {
                    longs.add((long) b);
                }
                return longs;
            }
            default: throw new IllegalArgumentException(column + " is not TOASTable");
        }
    }

    /** A copy of a row with the given columns holding the placeholder. */
    public static Struct withPlaceholders(Struct row, ToastPlaceholder placeholder, List<String> columns) {
        Struct copy = copy(row);
        for (String column : columns) {
            copy.put(column, placeholderFor(column, placeholder));
        }
        return copy;
    }

    public static Struct copy(Struct row) {
        Struct copy = new Struct(row.schema());
        for (Field field : row.schema().fields()) {
            copy.put(field, row.get(field));
        }
        return copy;
    }

    public static Struct source(long lsn) {
        return new Struct(SOURCE).put("version", "3.7.0.Final").put("connector", "postgresql").put("name", "server")
                .put("ts_ms", 1_700_000_000_000L).put("snapshot", "false").put("db", "shop").put("schema", "public")
                .put("table", "items").put("txId", 700L + lsn).put("lsn", lsn);
    }

    public static Struct envelope(String op, Struct before, Struct after, long lsn) {
        return new Struct(ENVELOPE).put("before", before).put("after", after).put("source", source(lsn))
                .put("transaction", new Struct(TRANSACTION).put("id", "7:" + lsn).put("total_order", 1L)
                        .put("data_collection_order", 1L))
                .put("op", op).put("ts_ms", 1_700_000_000_100L + lsn);
    }

    public static SinkRecord record(Schema keySchema, Object key, Schema valueSchema, Object value, long offset) {
        return new SinkRecord(TOPIC, 0, keySchema, key, valueSchema, value, offset, 1L,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, new ConnectHeaders());
    }

    /** A full event with a schema. */
    public static SinkRecord structRecord(String op, Struct before, Struct after, int id, long offset) {
        return record(KEY, key(id), ENVELOPE, envelope(op, before, after, offset), offset);
    }

    /** The same event as JsonConverter with schemas.enable=false would give it: maps, lists, longs. */
    public static SinkRecord mapRecord(String op, Struct before, Struct after, int id, long offset) {
        return record(null, Map.of("id", id), null, toMap(envelope(op, before, after, offset)), offset);
    }

    /** A Struct as schemaless maps; bytes stay bytes, logical values stay Java values. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> toMap(Struct struct) {
        return (Map<String, Object>) toSchemaless(struct);
    }

    public static Object toSchemaless(Object value) {
        if (value instanceof Struct) {
            Struct struct = (Struct) value;
            Map<String, Object> map = new LinkedHashMap<>();
            for (Field field : struct.schema().fields()) {
                map.put(field.name(), toSchemaless(struct.get(field)));
            }
            return map;
        }
        if (value instanceof List) {
            List<Object> list = new ArrayList<>();
            ((List<?>) value).forEach(element -> list.add(toSchemaless(element)));
            return list;
        }
        if (value instanceof Map) {
            Map<Object, Object> map = new LinkedHashMap<>();
            ((Map<?, ?>) value).forEach((k, v) -> map.put(k, toSchemaless(v)));
            return map;
        }
        return value;
    }

    public static String formatHeader(org.apache.kafka.connect.connector.ConnectRecord<?> record) {
        org.apache.kafka.connect.header.Header header = record.headers().lastWithName(Formats.FORMAT_HEADER);
        return header == null ? null : String.valueOf(header.value());
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
