package io.connectdelta.sink;

import io.connectdelta.sink.support.DatabasePair;
import io.connectdelta.sink.support.Items;
import io.connectdelta.sink.support.TaskHarness;
import io.connectdelta.sink.support.TestDeltaEncoder;
import io.connectdelta.testing.TestDatabase;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Exactly-once in plain mode: progress is recorded in the target in the data's transaction, so replaying a topic
 * from offset 0 (lost consumer offsets, a restore, a rebalance) does not apply anything twice, even a
 * non-idempotent JSON Patch array append.
 */
class ExactlyOnceReplayTest {
    static DatabasePair databases;
    static TestDatabase postgres;
    static TestDatabase mariadb;

    @BeforeAll
    static void databases() {
        databases = DatabasePair.create("sink_eos");
        postgres = databases.postgres();
        mariadb = databases.mariadb();
    }

    static TestDatabase db(String kind) {
        return databases.of(kind);
    }

    static List<SinkRecord> history(TestDeltaEncoder e) {
        List<SinkRecord> records = new ArrayList<>();
        records.add(e.full("c", null, e.row("id", 1, "name", "one", "qty", 1, "tags", List.of("a"))));
        records.add(e.patch("u", e.row("id", 1), "[{\"op\":\"add\",\"path\":\"/tags/-\",\"value\":\"b\"}]"));
        records.add(e.deltaUpdate(1, "qty", 2));
        records.add(e.patch("u", e.row("id", 1), "[{\"op\":\"add\",\"path\":\"/tags/-\",\"value\":\"c\"}]"));
        return records;
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void replayFromOffsetZeroChangesNothing(String kind) {
        TestDatabase db = db(kind);
        String table = Items.create(db, "replay");
        TestDeltaEncoder e = Items.encoder(table);
        List<SinkRecord> records = history(e);
        Map<String, String> config = TaskHarness.baseConfig(db, "eos-" + table);
        TopicPartition partition = new TopicPartition(table, 0);
        try (TaskHarness task = new TaskHarness(config, table)) {
            assertEquals(Map.of(), task.requestedOffsets(), "nothing recorded yet");
            task.putAndCommit(records.subList(0, 2));
            Map<TopicPartition, OffsetAndMetadata> committed = task.putAndCommit(records.subList(2, 4));
            assertEquals(4, committed.get(partition).offset());
        }
        // A new task (restart, rebalance) seeks to the recorded offset ...
        try (TaskHarness task = new TaskHarness(config, table)) {
            assertEquals(Map.of(partition, 4L), task.requestedOffsets());
            // ... and even when the records come again (from offset 1: only the appends; then from 0), none is
            // applied twice.
            task.putAndCommit(records.subList(1, 4));
            task.putAndCommit(records);
            assertEquals(7, task.task().metrics().getRecordsSkippedAsAlreadyApplied());
        }
        Map<String, Object> row = Items.row(db, table, 1);
        assertEquals(List.of("a", "b", "c"), row.get("tags"));
        assertEquals(2, ((Number) row.get("qty")).intValue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void withoutTheOffsetsTableAReplayAppendsAgain(String kind) {
        TestDatabase db = db(kind);
        String table = Items.create(db, "noeos");
        TestDeltaEncoder e = Items.encoder(table);
        List<SinkRecord> records = history(e);
        Map<String, String> config = TaskHarness.baseConfig(db, "noeos-" + table);
        config.put("exactly.once.enabled", "false");
        try (TaskHarness task = new TaskHarness(config, table)) {
            task.putAndCommit(records);
        }
        try (TaskHarness task = new TaskHarness(config, table)) {
            task.putAndCommit(records.subList(1, 4));
        }
        // The check above is meaningful: at-least-once delivery really duplicates the appends.
        assertEquals(List.of("a", "b", "c", "b", "c"), Items.row(db, table, 1).get("tags"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void aFailedWriteRecordsNoProgress(String kind) {
        TestDatabase db = db(kind);
        String table = Items.create(db, "failed");
        TestDeltaEncoder e = Items.encoder(table);
        Map<String, String> config = TaskHarness.baseConfig(db, "failed-" + table);
        TopicPartition partition = new TopicPartition(table, 0);
        try (TaskHarness task = new TaskHarness(config, table)) {
            task.putAndCommit(e.full("c", null, e.row("id", 1, "name", "one")));
            SinkRecord append = e.patch("u", e.row("id", 1), "[{\"op\":\"add\",\"path\":\"/tags/-\",\"value\":\"x\"}]");
            SinkRecord orphan = e.deltaUpdate(2, "qty", 1);
            assertThrows(ConnectException.class, () -> task.putAndCommit(append, orphan));
            Map<TopicPartition, OffsetAndMetadata> committable = task.task().preCommit(
                    Map.of(partition, new OffsetAndMetadata(3)));
            assertEquals(1, committable.get(partition).offset(), "no offset past an unapplied record");
        }
        try (TaskHarness task = new TaskHarness(config, table)) {
            assertEquals(Map.of(partition, 1L), task.requestedOffsets());
        }
        assertFalse(Items.row(db, table, 1).get("tags") != null, "the append of the failed write was rolled back");
    }
}
