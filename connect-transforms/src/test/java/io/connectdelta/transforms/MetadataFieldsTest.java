package io.connectdelta.transforms;

import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.ChangeEventReader;
import io.connectdelta.event.Shape;
import io.connectdelta.event.SourcePosition;
import io.connectdelta.event.Values;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.connectdelta.testing.ChangeEvents.ENVELOPE;
import static io.connectdelta.testing.ChangeEvents.KEY;
import static io.connectdelta.testing.ChangeEvents.SOURCE;
import static io.connectdelta.testing.ChangeEvents.copy;
import static io.connectdelta.testing.ChangeEvents.envelope;
import static io.connectdelta.testing.ChangeEvents.formatHeader;
import static io.connectdelta.testing.ChangeEvents.key;
import static io.connectdelta.testing.ChangeEvents.mapRecord;
import static io.connectdelta.testing.ChangeEvents.record;
import static io.connectdelta.testing.ChangeEvents.row;
import static io.connectdelta.testing.ChangeEvents.structRecord;
import static io.connectdelta.testing.ChangeEvents.toMap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The metadata.fields option of ToDelta (both formats) and ToIdOnly, and what reads the events it trims. */
class MetadataFieldsTest {
    private static final String COMPACT =
            "ts_ms,transaction,source.schema,source.table,source.txId,source.lsn,source.ts_ms";
    /** ChangeEvents' envelope with the timestamps newer Debezium versions add. */
    private static final Schema ENVELOPE_WITH_MICROS = withMicros();

    private final List<Transformation<SinkRecord>> opened = new ArrayList<>();

    private static Schema withMicros() {
        SchemaBuilder builder = SchemaBuilder.struct().name(ENVELOPE.name()).version(ENVELOPE.version());
        for (Field field : ENVELOPE.fields()) {
            builder.field(field.name(), field.schema());
        }
        return builder.field("ts_us", Schema.OPTIONAL_INT64_SCHEMA).field("ts_ns", Schema.OPTIONAL_INT64_SCHEMA).build();
    }

    /** A full event with ts_us and ts_ns, with a schema or as JsonConverter without schemas gives it. */
    static SinkRecord event(boolean withSchema, String op, Struct before, Struct after, int id, long offset) {
        Struct plain = envelope(op, before, after, offset);
        Struct value = new Struct(ENVELOPE_WITH_MICROS);
        for (Field field : ENVELOPE.fields()) {
            value.put(field.name(), plain.get(field));
        }
        long tsMs = plain.getInt64("ts_ms");
        value.put("ts_us", tsMs * 1_000).put("ts_ns", tsMs * 1_000_000);
        return withSchema ? record(KEY, key(id), ENVELOPE_WITH_MICROS, value, offset)
                : record(null, Map.of("id", id), null, toMap(value), offset);
    }

    /** ToDelta in a format ("delta", "json-patch") or ToIdOnly ("id-only"); metadata.fields unset when null. */
    private Transformation<SinkRecord> transform(String shape, String metadataFields) {
        Map<String, String> config = new HashMap<>();
        if (metadataFields != null) {
            config.put(MetadataFields.CONFIG, metadataFields);
        }
        Transformation<SinkRecord> transform;
        if (shape.equals("id-only")) {
            transform = new ToIdOnly<>();
        } else {
            transform = new ToDelta<>();
            config.put(ToDelta.FORMAT_CONFIG, shape.equals("delta") ? ToDelta.FORMAT_FIELDS : ToDelta.FORMAT_JSON_PATCH);
        }
        transform.configure(config);
        opened.add(transform);
        return transform;
    }

    @AfterEach
    void close() {
        opened.forEach(Transformation::close);
    }

    static Stream<Arguments> shapesWithAndWithoutSchema() {
        List<Arguments> arguments = new ArrayList<>();
        for (String shape : List.of("delta", "json-patch", "id-only")) {
            for (boolean withSchema : List.of(true, false)) {
                arguments.add(Arguments.of(shape, withSchema));
            }
        }
        return arguments.stream();
    }

    /** The fields carrying the row in each shape, ahead of the metadata. */
    private static List<String> rowFields(String shape) {
        switch (shape) {
            case "delta":
                return List.of("after", "changed");
            case "json-patch":
                return List.of("key", "patch");
            default:
                return List.of("key");
        }
    }

    private static List<String> fields(String shape, String... metadata) {
        List<String> names = new ArrayList<>(rowFields(shape));
        names.addAll(List.of(metadata));
        return names;
    }

    /** An emitted value as maps in field order, whether it came as a Struct or a Map. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> valueOf(SinkRecord record) {
        return record.value() instanceof Struct ? toMap((Struct) record.value()) : (Map<String, Object>) record.value();
    }

    private static Object field(Object value, String name) {
        return value instanceof Struct ? ((Struct) value).get(name) : ((Map<?, ?>) value).get(name);
    }

    private static SinkRecord update(boolean withSchema, int id, long offset) {
        return event(withSchema, "u", row(id), copy(row(id)).put("name", "renamed " + id), id, offset);
    }

    @ParameterizedTest(name = "{0}, with schema: {1}")
    @MethodSource("shapesWithAndWithoutSchema")
    void everyMetadataFieldIsKeptAsItCameByDefault(String shape, boolean withSchema) {
        SinkRecord in = update(withSchema, 1, 1);
        SinkRecord out = transform(shape, null).apply(in);
        assertEquals(fields(shape, "source", "transaction", "op", "ts_ms", "ts_us", "ts_ns"),
                new ArrayList<>(valueOf(out).keySet()));
        assertSame(field(in.value(), "source"), field(out.value(), "source"), "the source block as it came");
        assertSame(field(in.value(), "transaction"), field(out.value(), "transaction"));
        if (withSchema) {
            assertSame(SOURCE, out.valueSchema().field("source").schema());
        }
        SinkRecord explicit = transform(shape, MetadataFields.ALL).apply(in);
        assertEquals(out.valueSchema(), explicit.valueSchema());
        assertEquals(out.value(), explicit.value());
    }

    @ParameterizedTest(name = "{0}, with schema: {1}")
    @MethodSource("shapesWithAndWithoutSchema")
    void sourceEntriesKeepOnlyTheNamedFieldsOfTheSourceBlock(String shape, boolean withSchema) {
        SinkRecord in = update(withSchema, 1, 2);
        SinkRecord out = transform(shape, COMPACT).apply(in);
        Map<String, Object> value = valueOf(out);
        assertEquals(fields(shape, "source", "transaction", "op", "ts_ms"), new ArrayList<>(value.keySet()));
        Map<?, ?> source = (Map<?, ?>) value.get("source");
        assertEquals(List.of("ts_ms", "schema", "table", "txId", "lsn"), new ArrayList<>(source.keySet()),
                "the kept fields in the source block's order");
        Object original = field(in.value(), "source");
        for (Object name : source.keySet()) {
            assertEquals(field(original, (String) name), source.get(name), (String) name);
        }
        assertEquals(toMapOrSelf(field(in.value(), "transaction")), value.get("transaction"));
        assertEquals("u", value.get("op"));
        assertEquals(shape.equals("id-only") ? "id-only" : shape, formatHeader(out));
        if (withSchema) {
            Schema sourceSchema = out.valueSchema().field("source").schema();
            assertEquals(SOURCE.name(), sourceSchema.name());
            assertEquals(SOURCE.version(), sourceSchema.version());
            assertEquals(SOURCE.isOptional(), sourceSchema.isOptional());
            for (Field field : sourceSchema.fields()) {
                assertSame(SOURCE.field(field.name()).schema(), field.schema(), field.name());
            }
        }
    }

    private static Object toMapOrSelf(Object value) {
        return value instanceof Struct ? toMap((Struct) value) : value;
    }

    @ParameterizedTest(name = "with schema: {0}")
    @ValueSource(booleans = {true, false})
    void wholeBlocksAndTimestampsAreKeptOrDropped(boolean withSchema) {
        SinkRecord in = update(withSchema, 1, 3);
        SinkRecord withoutTransaction = transform("delta", "source,ts_ms").apply(in);
        assertEquals(fields("delta", "source", "op", "ts_ms"), new ArrayList<>(valueOf(withoutTransaction).keySet()));
        assertSame(field(in.value(), "source"), field(withoutTransaction.value(), "source"), "kept whole");

        SinkRecord withoutSource = transform("id-only", "transaction,ts_ns").apply(in);
        assertEquals(fields("id-only", "transaction", "op", "ts_ns"), new ArrayList<>(valueOf(withoutSource).keySet()));

        SinkRecord opOnly = transform("json-patch", "").apply(in);
        assertEquals(fields("json-patch", "op"), new ArrayList<>(valueOf(opOnly).keySet()));
    }

    @ParameterizedTest(name = "with schema: {0}")
    @ValueSource(booleans = {true, false})
    void namesAnEventDoesNotHaveAreSkipped(boolean withSchema) {
        // A PostgreSQL event without ts_us, configured for MySQL's file/pos as well.
        SinkRecord in = withSchema ? structRecord("u", row(1), copy(row(1)).put("name", "x"), 1, 4)
                : mapRecord("u", row(1), copy(row(1)).put("name", "x"), 1, 4);
        Map<String, Object> value = valueOf(
                transform("delta", "ts_us,no_such_field,source.file,source.pos,source.table").apply(in));
        assertEquals(fields("delta", "source", "op"), new ArrayList<>(value.keySet()));
        assertEquals(Map.of("table", "items"), value.get("source"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ts_ms,,source", "ts_ms,", "*,ts_ms", "source.", "transaction.id"})
    void badValuesAreRejected(String metadataFields) {
        for (String shape : List.of("delta", "id-only")) {
            ConfigException e = assertThrows(ConfigException.class, () -> transform(shape, metadataFields));
            assertTrue(e.getMessage().contains(MetadataFields.CONFIG), e.getMessage());
        }
    }

    @Test
    void aNullValueIsRejected() {
        Map<String, Object> config = new HashMap<>();
        config.put(MetadataFields.CONFIG, null);
        assertThrows(ConfigException.class, () -> new ToIdOnly<SinkRecord>().configure(config));
        assertTrue(ToDelta.CONFIG_DEF.names().contains(MetadataFields.CONFIG));
        assertTrue(ToIdOnly.CONFIG_DEF.names().contains(MetadataFields.CONFIG));
    }

    @ParameterizedTest
    @ValueSource(strings = {"delta", "json-patch", "id-only"})
    void theTrimmedSchemaIsDerivedOncePerTable(String shape) {
        Transformation<SinkRecord> transform = transform(shape, COMPACT);
        SinkRecord first = transform.apply(update(true, 1, 5));
        // A delete: a JSON Patch insert's schema is another one, with the row schema.
        SinkRecord second = transform.apply(event(true, "d", row(2), null, 2, 6));
        assertSame(first.valueSchema(), second.valueSchema());
    }

    @ParameterizedTest(name = "with schema: {0}")
    @ValueSource(booleans = {true, false})
    void readersSeeTheKeptSourceFields(boolean withSchema) {
        SinkRecord delta = transform("delta", COMPACT).apply(update(withSchema, 1, 7));
        // Without the header the reader recognises the trimmed delta by its fields.
        SinkRecord unmarked = delta.newRecord(delta.topic(), delta.kafkaPartition(), delta.keySchema(), delta.key(),
                delta.valueSchema(), delta.value(), delta.timestamp(), new ConnectHeaders());
        ChangeEvent event = new ChangeEventReader().read(unmarked);
        assertEquals(Shape.DELTA, event.shape());
        SourcePosition position = event.position();
        assertEquals("public.items", position.qualifiedTable());
        assertEquals(7L, position.lsn());
        assertEquals("707", position.txId());
        assertEquals(1_700_000_000_000L, position.tsMs());
        assertNull(position.database(), "dropped");
        assertNull(position.connector(), "dropped");
        assertEquals("7:7", event.transaction().id());
    }

    @ParameterizedTest(name = "with schema: {0}")
    @ValueSource(booleans = {true, false})
    void toFullRestoresTheRowsOfTrimmedDeltasWithTheirTrimmedMetadata(boolean withSchema) {
        Transformation<SinkRecord> toDelta = transform("delta", COMPACT);
        ToFull<SinkRecord> toFull = new ToFull<>();
        toFull.configure(Map.of());
        opened.add(toFull);
        toFull.apply(toDelta.apply(event(withSchema, "c", null, row(1), 1, 8)));
        SinkRecord update = update(withSchema, 1, 9);
        SinkRecord delta = toDelta.apply(update);
        SinkRecord full = toFull.apply(delta);

        assertEquals("full", formatHeader(full));
        Map<String, Object> restored = valueOf(full);
        assertEquals(List.of("before", "after", "source", "transaction", "op", "ts_ms"),
                new ArrayList<>(restored.keySet()));
        for (String name : List.of("before", "after")) {
            assertTrue(Values.deepEquals(toMapOrSelf(field(update.value(), name)), restored.get(name)), name);
        }
        assertEquals(valueOf(delta).get("source"), restored.get("source"), "the trimmed source block");
        if (withSchema) {
            assertEquals("server.public.items.Envelope", full.valueSchema().name());
            assertEquals(ENVELOPE.field("after").schema(), full.valueSchema().field("after").schema());
            assertSame(delta.valueSchema().field("source").schema(), full.valueSchema().field("source").schema());
        }
    }
}
