package io.connectdelta.sink.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.ChangeEventReader;
import io.connectdelta.event.ToastPlaceholder;
import io.connectdelta.sink.DeltaJdbcSinkConfig;
import io.connectdelta.sink.support.Items;
import io.connectdelta.sink.support.TestDeltaEncoder;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The planner alone: which statements the events of one flush become, without a database. */
class PlanBuilderTest {
    private static final String TOPIC = "items";
    private final TestDeltaEncoder e = Items.encoder(TOPIC);
    private final ChangeEventReader reader = new ChangeEventReader();

    private static DeltaJdbcSinkConfig config(String... keysAndValues) {
        Map<String, String> props = new HashMap<>();
        props.put("connection.url", "jdbc:postgresql://localhost:5432/plan");
        props.put("delete.enabled", "true");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            props.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return new DeltaJdbcSinkConfig(props);
    }

    private ChangeEvent read(SinkRecord record) {
        return reader.read(record);
    }

    /** The writes of the only table planned, round by round. */
    private static List<RowWrite> writes(FlushPlan plan) {
        assertEquals(1, plan.tables().size(), "one table");
        return plan.tables().iterator().next().rounds().stream().flatMap(List::stream).toList();
    }

    private static RowWrite only(FlushPlan plan) {
        List<RowWrite> writes = writes(plan);
        assertEquals(1, writes.size(), writes.toString());
        return writes.get(0);
    }

    private static Object valueOf(RowWrite write, String column) {
        ColumnChange change = write.columns().get(column);
        assertTrue(change.isPlainValue(), column + " is a plain value: " + change);
        return change.base().value();
    }

    private PlanBuilder planned(DeltaJdbcSinkConfig config, SinkRecord... records) {
        PlanBuilder builder = new PlanBuilder(config);
        for (SinkRecord record : records) {
            assertEquals(PlanBuilder.Outcome.PLANNED, builder.add(read(record)));
        }
        return builder;
    }

    @Test
    void aFullEventBecomesAnUpsertOfEveryNonKeyColumn() {
        RowWrite write = only(planned(config(), e.full("c", null, e.row("id", 1, "name", "a", "qty", 2))).take());
        assertEquals(WriteKind.UPSERT, write.kind());
        assertEquals(1, write.key().get("id"));
        assertEquals(List.of("name", "qty", "note", "doc", "tags", "price"), List.copyOf(write.columns().keySet()));
        assertEquals("a", valueOf(write, "name"));
        assertEquals(2, valueOf(write, "qty"));
        assertNull(valueOf(write, "note"));
    }

    @Test
    void insertModeDecidesTheKindOfAFullWrite() {
        SinkRecord full = e.full("c", null, e.row("id", 1, "name", "a"));
        assertEquals(WriteKind.INSERT, only(planned(config("insert.mode", "insert"), full).take()).kind());
        assertEquals(WriteKind.UPDATE, only(planned(config("insert.mode", "update"), full).take()).kind());
    }

    @Test
    void aDeltaUpdateIsAPartialUpdateOfTheChangedColumnsOnly() {
        RowWrite write = only(planned(config(), e.deltaUpdate(1, "qty", 5, "note", null)).take());
        assertEquals(WriteKind.UPDATE, write.kind());
        assertEquals(List.of("qty", "note"), List.copyOf(write.columns().keySet()));
        assertEquals(5, valueOf(write, "qty"));
        assertNull(valueOf(write, "note"));
    }

    @Test
    void aDeltaInsertIsWrittenAsAFullWrite() {
        RowWrite write = only(planned(config(), e.delta("c", e.row("id", 1), Map.of("name", "a"))).take());
        assertEquals(WriteKind.UPSERT, write.kind());
        assertEquals(List.of("name"), List.copyOf(write.columns().keySet()));
    }

    @Test
    void deletesAndTombstonesDeleteByKey() {
        RowWrite delete = only(planned(config(), e.full("d", e.row("id", 7, "name", "x"), null)).take());
        assertEquals(WriteKind.DELETE, delete.kind());
        assertEquals(7, delete.key().get("id"));
        assertTrue(delete.columns().isEmpty());

        RowWrite tombstone = only(planned(config(), e.tombstone(e.row("id", 8))).take());
        assertEquals(WriteKind.DELETE, tombstone.kind());
        assertEquals(8, tombstone.key().get("id"));
    }

    @Test
    void withDeletesDisabledDeletesAreIgnored() {
        PlanBuilder builder = new PlanBuilder(config("delete.enabled", "false"));
        assertEquals(PlanBuilder.Outcome.IGNORED_DELETE, builder.add(read(e.full("d", e.row("id", 7), null))));
        assertEquals(PlanBuilder.Outcome.IGNORED_DELETE, builder.add(read(e.tombstone(e.row("id", 7)))));
        assertTrue(builder.take().isEmpty());
    }

    @Test
    void truncatesFollowTruncateEnabled() {
        PlanBuilder ignoring = new PlanBuilder(config());
        assertEquals(PlanBuilder.Outcome.IGNORED_TRUNCATE, ignoring.add(read(e.truncate())));
        assertTrue(ignoring.take().isEmpty());
        PlanBuilder truncating = new PlanBuilder(config("truncate.enabled", "true"));
        assertEquals(PlanBuilder.Outcome.PLANNED, truncating.add(read(e.truncate())));
        assertTrue(truncating.take().tables().iterator().next().truncate());
    }

    @Test
    void idOnlyEventsAreRefusedNamingTheRecordUnlessIgnored() {
        SinkRecord idOnly = e.idOnlyEvent("u", e.row("id", 1));
        DataException error = assertThrows(DataException.class, () -> new PlanBuilder(config()).add(read(idOnly)));
        assertTrue(error.getMessage().contains(TOPIC) && error.getMessage().contains("offset " + idOnly.kafkaOffset()),
                error.getMessage());
        assertEquals(PlanBuilder.Outcome.IGNORED_ID_ONLY,
                new PlanBuilder(config(DeltaJdbcSinkConfig.ID_ONLY_IGNORE, "true")).add(read(idOnly)));
    }

    @Test
    void toastPlaceholdersAreNeverWritten() {
        String toast = ToastPlaceholder.DEFAULT_PLACEHOLDER;
        RowWrite write = only(planned(config(),
                e.full("u", e.row("id", 1, "note", "old"), e.row("id", 1, "name", "b", "note", toast))).take());
        assertFalse(write.columns().containsKey("note"), write.toString());
        assertEquals("b", valueOf(write, "name"));
        for (ColumnChange change : write.columns().values()) {
            assertFalse(toast.equals(change.base().value()), write.toString());
        }
    }

    @Test
    void patchOperationsBecomeColumnChanges() {
        String patch = "[{\"op\":\"replace\",\"path\":\"/name\",\"value\":\"n\"},"
                + "{\"op\":\"remove\",\"path\":\"/note\"},"
                + "{\"op\":\"test\",\"path\":\"/qty\",\"value\":1},"
                + "{\"op\":\"add\",\"path\":\"/tags/-\",\"value\":\"t\"},"
                + "{\"op\":\"replace\",\"path\":\"/doc/a~1b/2024\",\"value\":3},"
                + "{\"op\":\"remove\",\"path\":\"/doc/gone\"},"
                + "{\"op\":\"replace\",\"path\":\"/id\",\"value\":9}]";
        RowWrite write = only(planned(config(), e.patch("u", e.row("id", 1), patch)).take());
        assertEquals(WriteKind.UPDATE, write.kind());
        assertEquals(List.of("name", "note", "tags", "doc"), List.copyOf(write.columns().keySet()),
                "the key column is never updated, a test op changes nothing");
        assertEquals("n", ((JsonNode) valueOf(write, "name")).asText());
        assertNull(valueOf(write, "note"));
        assertEquals(List.of(new ColumnEdit.ArrayAppend(new Value(json("\"t\""), null))),
                write.columns().get("tags").edits());
        List<ColumnEdit> docEdits = write.columns().get("doc").edits();
        assertEquals(List.of(new ColumnEdit.JsonSet(List.of("a/b", "2024"), new Value(json("3"), null), false),
                new ColumnEdit.JsonRemove(List.of("gone"))), docEdits);
    }

    private static JsonNode json(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }

    @Test
    void aPatchInsertMustSetWholeColumns() {
        PlanBuilder builder = new PlanBuilder(config());
        SinkRecord insert = e.patch("c", e.row("id", 1), "[{\"op\":\"add\",\"path\":\"/name\",\"value\":\"n\"}]");
        assertEquals(WriteKind.UPSERT, only(planned(config(), insert).take()).kind());
        SinkRecord deep = e.patch("c", e.row("id", 2), "[{\"op\":\"add\",\"path\":\"/doc/a\",\"value\":1}]");
        DataException error = assertThrows(DataException.class, () -> builder.add(read(deep)));
        assertTrue(error.getMessage().contains("offset " + deep.kafkaOffset()), error.getMessage());
    }

    @Test
    void badPatchPathsAndOpsAreErrorsNamingTheRecord() {
        for (String patch : List.of("[{\"op\":\"replace\",\"path\":\"name\",\"value\":1}]",
                "[{\"op\":\"replace\",\"path\":\"\",\"value\":1}]",
                "[{\"op\":\"replace\",\"path\":\"/\",\"value\":1}]",
                "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/name\"}]",
                "[{\"op\":\"replace\",\"path\":\"/name\"}]")) {
            SinkRecord record = e.patch("u", e.row("id", 1), patch);
            PlanBuilder builder = new PlanBuilder(config());
            DataException error = assertThrows(DataException.class, () -> builder.add(read(record)), patch);
            String message = error.getMessage();
            assertTrue(message.contains(TOPIC) && message.contains("partition 0")
                    && message.contains("offset " + record.kafkaOffset()), message);
            assertTrue(builder.take().isEmpty(), "a refused event leaves the plan as it was");
        }
    }

    @Test
    void recordValueKeysComeFromTheNamedFields() {
        RowWrite write = only(planned(config("primary.key.mode", "record_value", "primary.key.fields", "name"),
                e.full("c", null, e.row("id", 1, "name", "k", "qty", 3))).take());
        assertEquals(List.of("name"), List.copyOf(write.key().fieldNames()));
        assertEquals("k", write.key().get("name"));
        assertTrue(write.columns().containsKey("id"));
        assertFalse(write.columns().containsKey("name"));
    }

    @Test
    void withoutAKeyEveryFieldIsAColumn() {
        RowWrite write = only(planned(config("primary.key.mode", "none", "delete.enabled", "false",
                "insert.mode", "insert"), e.full("c", null, e.row("id", 1, "name", "a"))).take());
        assertNull(write.key());
        assertTrue(write.columns().containsKey("id"));
    }

    @Test
    void includeAndExcludeListsChooseTheColumns() {
        SinkRecord full = e.full("c", null, e.row("id", 1, "name", "a", "qty", 2));
        RowWrite included = only(planned(config("field.include.list", "id," + TOPIC + ":name,qty"), full).take());
        assertEquals(List.of("name", "qty"), List.copyOf(included.columns().keySet()));
        RowWrite excluded = only(planned(config("field.exclude.list", "note,doc,tags,price"), full).take());
        assertEquals(List.of("name", "qty"), List.copyOf(excluded.columns().keySet()));
        RowWrite delta = only(planned(config("field.exclude.list", "qty"), e.deltaUpdate(1, "qty", 3, "name", "b"))
                .take());
        assertEquals(List.of("name"), List.copyOf(delta.columns().keySet()));
    }

    @Test
    void theTableNameFollowsCollectionNameFormat() {
        TestDeltaEncoder dotted = new TestDeltaEncoder("srv.public.items", "items", e.id(1).schema(),
                e.rowSchema());
        FlushPlan plan = planned(config(), dotted.full("c", null, dotted.row("id", 1))).take();
        assertEquals("srv_public_items", plan.tables().iterator().next().table());
        FlushPlan formatted = planned(config("collection.name.format", "copy_${source.table}"),
                dotted.full("c", null, dotted.row("id", 1))).take();
        assertEquals("copy_items", formatted.tables().iterator().next().table());
    }

    @Test
    void writesOfOneKeyKeepTheirOrder() {
        PlanBuilder builder = planned(config("use.reduction.buffer", "false"),
                e.full("c", null, e.row("id", 1, "name", "a")), e.deltaUpdate(1, "name", "b"),
                e.full("d", e.row("id", 1), null), e.full("c", null, e.row("id", 1, "name", "c")));
        List<WriteKind> kinds = writes(builder.take()).stream().map(RowWrite::kind).toList();
        assertEquals(List.of(WriteKind.UPSERT, WriteKind.UPDATE, WriteKind.DELETE, WriteKind.UPSERT), kinds);
    }

    @Test
    void fieldListsThatDropTheKeyAreAnErrorNamingTheRecord() {
        SinkRecord full = e.full("c", null, e.row("id", 1, "name", "a"));
        PlanBuilder builder = new PlanBuilder(config("field.include.list", "name"));
        DataException error = assertThrows(DataException.class, () -> builder.add(read(full)));
        assertTrue(error.getMessage().contains("offset " + full.kafkaOffset()), error.getMessage());
    }

    @Test
    void takeStartsANewPlan() {
        PlanBuilder builder = planned(config(), e.deltaUpdate(1, "qty", 1));
        assertFalse(builder.take().isEmpty());
        assertTrue(builder.take().isEmpty());
    }
}
