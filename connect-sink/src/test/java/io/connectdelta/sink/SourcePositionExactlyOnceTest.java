package io.connectdelta.sink;

import io.connectdelta.sink.progress.FencedException;
import io.connectdelta.sink.support.DatabasePair;
import io.connectdelta.sink.support.Items;
import io.connectdelta.sink.support.TaskHarness;
import io.connectdelta.sink.support.TestDeltaEncoder;
import io.connectdelta.testing.TestDatabase;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.RegexRouter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once from the source's position, in plain mode: changes that a source sends again (Debezium after an
 * unclean stop: the same changes at new offsets) are skipped, rows never go back in time; progress is kept by the
 * original topic partition (a renaming transform changes nothing); a task that lost its partitions cannot commit;
 * values that do not fit their column are bad records, never a crash loop.
 */
class SourcePositionExactlyOnceTest {
    static final AtomicInteger TIMES = new AtomicInteger();
    static DatabasePair databases;

    @BeforeAll
    static void databases() {
        databases = DatabasePair.create("sink_pos");
    }

    static SinkRecord append(TestDeltaEncoder e, String tag) {
        return e.patch("u", e.row("id", 1), "[{\"op\":\"add\",\"path\":\"/tags/-\",\"value\":\"" + tag + "\"}]");
    }

    /** Insert, then appends and quantity updates in turn: a row whose history shows any step taken twice. */
    static List<SinkRecord> history(TestDeltaEncoder e) {
        List<SinkRecord> records = new ArrayList<>();
        records.add(e.full("c", null, e.row("id", 1, "name", "one", "qty", 1, "tags", List.of("a"))));
        records.add(append(e, "b"));
        records.add(e.deltaUpdate(1, "qty", 2));
        records.add(append(e, "c"));
        records.add(e.deltaUpdate(1, "qty", 3));
        return records;
    }

    static List<SinkRecord> resent(TestDeltaEncoder e, List<SinkRecord> records) {
        List<SinkRecord> again = new ArrayList<>();
        records.forEach(record -> again.add(e.resent(record)));
        return again;
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void changesSentAgainAtNewOffsetsAreSkippedAndTheRowNeverGoesBack(String kind) {
        TestDatabase db = databases.of(kind);
        String table = Items.create(db, "resent");
        TestDeltaEncoder e = Items.encoder(table).withSourcePositions();
        List<SinkRecord> history = history(e);
        try (TaskHarness task = new TaskHarness(TaskHarness.baseConfig(db, "resent-" + table), table)) {
            task.putAndCommit(history);
            // The source stopped uncleanly after the insert was flushed: it sends the rest again, then goes on.
            task.putAndCommit(resent(e, history.subList(1, 3)));
            assertEquals(3, ((Number) Items.row(db, table, 1).get("qty")).intValue(), "the row did not go back to 2");
            task.putAndCommit(resent(e, history.subList(3, 5)));
            Map<TopicPartition, OffsetAndMetadata> committed = task.putAndCommit(e.deltaUpdate(1, "qty", 4));
            assertEquals(4, task.task().metrics().getRecordsSkippedAsResent());
            assertEquals(10, committed.get(new TopicPartition(table, 0)).offset(), "skipped records are consumed");
        }
        Map<String, Object> row = Items.row(db, table, 1);
        assertEquals(List.of("a", "b", "c"), row.get("tags"), "each append applied once");
        assertEquals(4, ((Number) row.get("qty")).intValue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void aRestartedTaskReadsThePositionsFromTheTargetAndSkipsWhatIsSentAgain(String kind) {
        TestDatabase db = databases.of(kind);
        String table = Items.create(db, "restart");
        TestDeltaEncoder e = Items.encoder(table).withSourcePositions();
        List<SinkRecord> history = history(e);
        Map<String, String> config = TaskHarness.baseConfig(db, "restart-" + table);
        try (TaskHarness task = new TaskHarness(config, table)) {
            task.putAndCommit(history);
        }
        try (TaskHarness task = new TaskHarness(config, table)) {
            task.putAndCommit(resent(e, history));
            assertEquals(5, task.task().metrics().getRecordsSkippedAsResent());
        }
        Map<String, Object> row = Items.row(db, table, 1);
        assertEquals(List.of("a", "b", "c"), row.get("tags"));
        assertEquals(3, ((Number) row.get("qty")).intValue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void withoutPositionTrackingChangesSentAgainAreAppliedAgain(String kind) {
        TestDatabase db = databases.of(kind);
        String table = Items.create(db, "untracked");
        TestDeltaEncoder e = Items.encoder(table).withSourcePositions();
        List<SinkRecord> history = history(e);
        Map<String, String> config = TaskHarness.baseConfig(db, "untracked-" + table);
        config.put(DeltaJdbcSinkConfig.SOURCE_POSITION_TRACKING, "false");
        try (TaskHarness task = new TaskHarness(config, table)) {
            task.putAndCommit(history);
            task.putAndCommit(resent(e, history.subList(1, 3)));
            assertEquals(0, task.task().metrics().getRecordsSkippedAsResent());
        }
        // What the tracking prevents: the row went back in time and an append was applied twice.
        Map<String, Object> row = Items.row(db, table, 1);
        assertEquals(2, ((Number) row.get("qty")).intValue());
        assertEquals(List.of("a", "b", "c", "b"), row.get("tags"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void aRenamedTopicKeepsItsProgressByTheOriginalTopic(String kind) {
        TestDatabase db = databases.of(kind);
        String table = Items.create(db, "renamed");
        String topic = "cdc." + table;
        TestDeltaEncoder e = new TestDeltaEncoder(topic, table, Items.KEY, Items.ROW).withSourcePositions();
        List<SinkRecord> history = history(e);
        Map<String, String> config = TaskHarness.baseConfig(db, "renamed-" + table);
        try (RegexRouter<SinkRecord> router = new RegexRouter<>()) {
            router.configure(Map.of("regex", "cdc\\.(.*)", "replacement", "$1"));
            List<SinkRecord> routed = new ArrayList<>();
            history.forEach(record -> routed.add(router.apply(record)));
            assertEquals(table, routed.get(0).topic());
            TopicPartition original = new TopicPartition(topic, 0);
            try (TaskHarness task = new TaskHarness(config, topic)) {
                Map<TopicPartition, OffsetAndMetadata> committed = task.putAndCommit(routed);
                assertEquals(Map.of(original, new OffsetAndMetadata(5)), committed, "committed for the consumed topic");
            }
            try (TaskHarness task = new TaskHarness(config, topic)) {
                assertEquals(Map.of(original, 5L), task.requestedOffsets(), "resumes where the renamed records ended");
                task.putAndCommit(routed);
                assertEquals(5, task.task().metrics().getRecordsSkippedAsAlreadyApplied());
            }
        }
        assertEquals(List.of("a", "b", "c"), Items.row(db, table, 1).get("tags"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void aZombieTaskThatLostItsPartitionMidWriteCannotCommit(String kind) throws Exception {
        TestDatabase db = databases.of(kind);
        String table = Items.create(db, "zombie");
        TestDeltaEncoder e = Items.encoder(table).withSourcePositions();
        List<SinkRecord> history = history(e);
        Map<String, String> config = TaskHarness.baseConfig(db, "zombie-" + table);
        config.put("max.retries", "0");
        TopicPartition partition = new TopicPartition(table, 0);
        try (TaskHarness zombie = new TaskHarness(config, table)) {
            zombie.putAndCommit(history.subList(0, 2));
            try (Connection locker = db.connect()) {
                locker.setAutoCommit(false);
                try (Statement lock = locker.createStatement()) {
                    // Holds the row: the zombie's next write waits inside its transaction, as a stalled task would.
                    lock.executeQuery("SELECT * FROM " + table + " WHERE id = 1 FOR UPDATE").close();
                }
                zombie.task().put(new ArrayList<>(history.subList(2, 5)));
                Thread.sleep(300);
                Map<String, String> ownerConfig = new HashMap<>(config);
                ownerConfig.put(DeltaJdbcSinkTask.TASK_ID, "1");
                try (TaskHarness owner = new TaskHarness(ownerConfig, table)) {
                    // The partition moved: the new owner resumes from what the target records.
                    assertEquals(Map.of(partition, 2L), owner.requestedOffsets());
                    locker.commit();
                    ConnectException fenced = assertThrows(ConnectException.class, () -> zombie.task().put(List.of()));
                    assertTrue(fenced instanceof FencedException, fenced.toString());
                    assertTrue(fenced.getMessage().contains(partition.toString()), fenced.getMessage());
                    assertEquals(1, ((Number) Items.row(db, table, 1).get("qty")).intValue(), "nothing of the zombie's write");
                    // The owner gets the records from its recorded offset and applies them once.
                    owner.putAndCommit(history.subList(2, 5));
                }
            }
            assertTrue(zombie.task().preCommit(Map.of(partition, new OffsetAndMetadata(5))).get(partition).offset() <= 2,
                    "the zombie never commits what it did not apply");
        }
        Map<String, Object> row = Items.row(db, table, 1);
        assertEquals(List.of("a", "b", "c"), row.get("tags"));
        assertEquals(3, ((Number) row.get("qty")).intValue());
        assertEquals(5L, ((Number) TaskHarness.query(db, "SELECT next_offset FROM connectdelta_offsets WHERE topic = '"
                + table + "'").get(0).get("next_offset")).longValue(), "progress never went back");
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void valuesThatDoNotFitTheirColumnGoToTheDeadLetterQueue(String kind) {
        TestDatabase db = databases.of(kind);
        String table = Items.create(db, "badvalue");
        TestDeltaEncoder e = Items.encoder(table).withSourcePositions();
        Map<String, String> config = TaskHarness.baseConfig(db, "badvalue-" + table);
        config.put("errors.tolerance", "all");
        SinkRecord insert = e.full("c", null, e.row("id", 1, "name", "one", "qty", 1));
        SinkRecord text = e.patch("u", e.row("id", 1), "[{\"op\":\"replace\",\"path\":\"/qty\",\"value\":\"lots\"}]");
        SinkRecord huge = e.patch("u", e.row("id", 1), "[{\"op\":\"replace\",\"path\":\"/qty\",\"value\":99999999999}]");
        try (TaskHarness task = new TaskHarness(config, table)) {
            // One put each: in one write, the reduction buffer would let the last value of qty win unbound.
            task.putAndCommit(insert);
            task.putAndCommit(text);
            task.putAndCommit(huge);
            task.putAndCommit(e.deltaUpdate(1, "qty", 7));
            assertEquals(List.of(text, huge), task.reported());
        }
        assertEquals(7, ((Number) Items.row(db, table, 1).get("qty")).intValue(), "the good records around them apply");
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void withoutToleranceABadValueFailsNamingTheRecordAndTheColumn(String kind) {
        TestDatabase db = databases.of(kind);
        String table = Items.create(db, "badfail");
        TestDeltaEncoder e = Items.encoder(table).withSourcePositions();
        SinkRecord insert = e.full("c", null, e.row("id", 1, "name", "one", "qty", 1));
        SinkRecord text = e.patch("u", e.row("id", 1), "[{\"op\":\"replace\",\"path\":\"/qty\",\"value\":\"lots\"}]");
        try (TaskHarness task = new TaskHarness(TaskHarness.baseConfig(db, "badfail-" + table), table)) {
            task.putAndCommit(insert);
            ConnectException failure = assertThrows(ConnectException.class, () -> task.putAndCommit(text));
            String message = failure.getMessage();
            assertTrue(message.contains("topic '" + table + "' partition 0 offset 1"), message);
            assertTrue(message.contains("column 'qty'"), message);
        }
        assertEquals(1, ((Number) Items.row(db, table, 1).get("qty")).intValue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void anOutOfRangeTimeIsABadRecordUnderToleranceAndAnErrorNamingTheColumnWithout(String kind) {
        TestDatabase db = databases.of(kind);
        String table = "badtime_" + TIMES.incrementAndGet();
        db.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, at TIME)");
        Schema row = SchemaBuilder.struct().name("times").field("id", Schema.INT32_SCHEMA)
                .field("at", Time.builder().optional().build()).build();
        TestDeltaEncoder e = new TestDeltaEncoder(table, table, Items.KEY, row);
        SinkRecord insert = e.full("c", null, e.row("id", 1, "at", new Date(3_600_000L)));
        // 25 hours after midnight: no time of day.
        SinkRecord outOfRange = e.patch("u", e.row("id", 1), "[{\"op\":\"replace\",\"path\":\"/at\",\"value\":90000000}]");
        Map<String, String> tolerant = TaskHarness.baseConfig(db, "badtime-" + table);
        tolerant.put("errors.tolerance", "all");
        try (TaskHarness task = new TaskHarness(tolerant, table)) {
            task.putAndCommit(insert);
            task.putAndCommit(outOfRange);
            assertEquals(List.of(outOfRange), task.reported());
        }
        Map<String, String> strict = TaskHarness.baseConfig(db, "badtime-strict-" + table);
        try (TaskHarness task = new TaskHarness(strict, table)) {
            ConnectException failure = assertThrows(ConnectException.class, () -> task.putAndCommit(outOfRange));
            assertTrue(failure.getMessage().contains("offset 1") && failure.getMessage().contains("column 'at'"),
                    failure.getMessage());
        }
    }
}
