package io.connectdelta.transforms;

import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.Row;
import io.connectdelta.event.ToastPlaceholder;
import io.connectdelta.testing.ChangeEvents;
import io.connectdelta.testing.TestDatabase;
import io.connectdelta.testing.TestDatabases;
import io.connectdelta.transforms.reselect.SourceRowFetcher;
import io.connectdelta.transforms.state.MissingStateResolver;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static io.connectdelta.testing.ChangeEvents.formatHeader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** ToFull with on.missing.state=reselect, its resolver reading a real PostgreSQL table. */
class ToFullReselectTest {
    private static final Schema KEY = SchemaBuilder.struct().name("server.public.docs.Key").field("id", Schema.INT32_SCHEMA).build();
    private static final Schema ROW = SchemaBuilder.struct().name("server.public.docs.Value").optional()
            .field("id", Schema.INT32_SCHEMA)
            .field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("doc", Schema.OPTIONAL_STRING_SCHEMA)
            .field("qty", Schema.INT64_SCHEMA)
            .build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("server.public.docs.Envelope")
            .field("before", ROW).field("after", ROW).field("source", ChangeEvents.SOURCE)
            .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();

    private static TestDatabase database;

    private final AtomicInteger selects = new AtomicInteger();
    private final ToDelta<SinkRecord> toDelta = new ToDelta<>();
    private ToFull<SinkRecord> toFull;

    @BeforeAll
    static void createTable() {
        database = TestDatabases.postgres().createDatabase("tofull_reselect");
        database.execute("CREATE TABLE docs (id int PRIMARY KEY, name text, doc text, qty bigint NOT NULL)",
                "INSERT INTO docs VALUES (1, 'one', 'a very long document', 10), (2, 'two', 'another long one', 20)");
    }

    @BeforeEach
    void open() {
        toDelta.configure(Map.of());
        toFull = new ToFull<>(config -> new CountingResolver(new SourceRowFetcher(config), selects));
        toFull.configure(reselectConfig());
    }

    private static Map<String, String> reselectConfig() {
        // The source block names schema public and table docs; the cache is off so every miss reaches the table.
        return Map.of(ToFull.ON_MISSING_STATE_CONFIG, "reselect",
                SourceRowFetcher.CONNECTION_URL, database.jdbcUrl(),
                SourceRowFetcher.CONNECTION_USERNAME, database.user(),
                SourceRowFetcher.CONNECTION_PASSWORD, database.password(),
                SourceRowFetcher.CACHE_TTL_MS, "0");
    }

    @Test
    void reselectNeedsAConnectionUrl() {
        ToFull<SinkRecord> withoutUrl = new ToFull<>();
        org.apache.kafka.common.config.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.apache.kafka.common.config.ConfigException.class,
                () -> withoutUrl.configure(Map.of(ToFull.ON_MISSING_STATE_CONFIG, "reselect")));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("connection.url"), e.getMessage());
        withoutUrl.close();
    }

    @AfterEach
    void close() {
        toFull.close();
        toDelta.close();
    }

    @Test
    void deltaWithoutStateIsCompletedFromTheTableAndThenFromTheStore() {
        SinkRecord out = toFull.apply(toDelta.apply(update(row(1, "one", "old text", 10), row(1, "uno", "old text", 10), 1)));
        assertEquals("full", formatHeader(out));
        Struct value = (Struct) out.value();
        assertNull(value.get("before"));
        // The delta's own value, the other columns as the table holds them now.
        assertEquals(row(1, "uno", "a very long document", 10), value.get("after"));
        assertEquals(ENVELOPE, out.valueSchema());
        assertEquals(1, selects.get());

        database.execute("UPDATE docs SET doc = 'changed behind our back' WHERE id = 1");
        Struct next = (Struct) toFull.apply(toDelta.apply(
                update(row(1, "uno", "x", 10), row(1, "uno", "x", 11), 2))).value();
        assertEquals(row(1, "uno", "a very long document", 11), next.get("after"));
        assertEquals(row(1, "uno", "a very long document", 10), next.get("before"));
        assertEquals(1, selects.get(), "the second event is completed from the store");
    }

    @Test
    void toastPlaceholderWithoutStateIsFilledFromTheTable() {
        // The public constructor, as a Connect worker makes it: re-selects with the fetcher of the Reselect transform.
        ToFull<SinkRecord> asConfigured = new ToFull<>();
        asConfigured.configure(reselectConfig());
        String placeholder = ToastPlaceholder.DEFAULT_PLACEHOLDER;
        SinkRecord out = asConfigured.apply(update(null, row(2, "deux", placeholder, 21), 3));
        assertEquals(row(2, "deux", "another long one", 21), ((Struct) out.value()).get("after"));
        asConfigured.close();
    }

    @Test
    void idOnlyEventsAreReselected() {
        ToIdOnly<SinkRecord> toIdOnly = new ToIdOnly<>();
        toIdOnly.configure(Map.of());
        // A full event of another row teaches ToFull the table's row schema.
        toFull.apply(update(null, row(3, "three", "t", 30), 3));
        SinkRecord out = toFull.apply(toIdOnly.apply(update(null, row(2, "ignored", "ignored", 0), 4)));
        assertEquals(row(2, "two", "another long one", 20), ((Struct) out.value()).get("after"));
        assertEquals("server.public.docs.Envelope", out.valueSchema().name());
        toIdOnly.close();
    }

    @Test
    void schemalessJsonPatchGetsTheRowWithoutASchema() {
        ToDelta<SinkRecord> toPatch = new ToDelta<>();
        toPatch.configure(Map.of(ToDelta.FORMAT_CONFIG, ToDelta.FORMAT_JSON_PATCH));
        Map<String, Object> value = new LinkedHashMap<>(ChangeEvents.toMap(
                envelope("u", row(1, "one", "t", 10), row(1, "one", "t", 12), 5)));
        SinkRecord sent = ChangeEvents.record(null, Map.of("id", 1), null, value, 5);
        Map<?, ?> after = (Map<?, ?>) ((Map<?, ?>) toFull.apply(toPatch.apply(sent)).value()).get("after");
        assertEquals("a very long document", after.get("doc"));
        assertEquals(1, ((Number) after.get("id")).intValue());
        toPatch.close();
    }

    @Test
    void rowsThatNoLongerExistAreForwardedUnchanged() {
        SinkRecord delta = toDelta.apply(update(row(99, "a", "b", 1), row(99, "c", "b", 1), 6));
        assertSame(delta, toFull.apply(delta));
    }

    private static Struct row(int id, String name, String doc, long qty) {
        return new Struct(ROW).put("id", id).put("name", name).put("doc", doc).put("qty", qty);
    }

    private static Struct envelope(String op, Struct before, Struct after, long lsn) {
        return new Struct(ENVELOPE).put("before", before).put("after", after)
                .put("source", ChangeEvents.source(lsn).put("table", "docs")).put("op", op).put("ts_ms", 1L);
    }

    private static SinkRecord update(Struct before, Struct after, long offset) {
        return ChangeEvents.record(KEY, new Struct(KEY).put("id", after.getInt32("id")), ENVELOPE,
                envelope("u", before, after, offset), offset);
    }

    /** The real re-select path, counting how often ToFull had to ask the source database. */
    static final class CountingResolver implements MissingStateResolver {
        private final MissingStateResolver delegate;
        private final AtomicInteger selects;

        CountingResolver(MissingStateResolver delegate, AtomicInteger selects) {
            this.delegate = delegate;
            this.selects = selects;
        }

        @Override
        public Optional<Row> resolve(ChangeEvent event, Schema rowSchema) {
            selects.incrementAndGet();
            return delegate.resolve(event, rowSchema);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
