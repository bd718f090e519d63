package io.connectdelta.transforms.state;

import io.connectdelta.event.Row;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules by which a store tells, from the offsets it sees, which of its rows still hold; for both stores. */
class PartitionOwnershipTest {
    private static final String TOPIC = "server.public.items";
    private static final int GAP = 10;

    @TempDir
    Path dir;

    private final List<StateStore> opened = new ArrayList<>();

    @BeforeAll
    static void tmpDir() throws IOException {
        // RocksDB unpacks its native library into java.io.tmpdir (target/tmp in this build).
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    }

    @AfterEach
    void close() {
        opened.forEach(StateStore::close);
    }

    private StateStore open(String kind) {
        StateStore store = kind.equals("rocksdb") ? new RocksDbStateStore(dir) : new MemoryStateStore(100);
        opened.add(store);
        return store;
    }

    private static PartitionOwnership seeing(StateStore store, long... offsets) {
        PartitionOwnership ownership = new PartitionOwnership(store, GAP);
        for (long offset : offsets) {
            ownership.observe(TOPIC, 0, offset);
        }
        return ownership;
    }

    private static boolean trusts(PartitionOwnership ownership, long storedAt) {
        return ownership.trusts(TOPIC, 0, row(0, storedAt));
    }

    private static StoredRow row(int partition, long offset) {
        return new StoredRow(Row.of(null, Map.of("id", 1)), partition, offset);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "rocksdb"})
    void aForwardJumpBeyondTheGapDistrustsTheRowsStoredBeforeIt(String kind) {
        PartitionOwnership ownership = seeing(open(kind), 0, 1, 2, 3);
        assertTrue(trusts(ownership, 2));
        ownership.observe(TOPIC, 0, 3 + GAP + 2);
        assertFalse(trusts(ownership, 2), "offsets 4..14 were processed elsewhere");
        assertFalse(trusts(ownership, 3));
        assertTrue(trusts(ownership, 3 + GAP + 2), "a row stored from the jump on holds");
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "rocksdb"})
    void gapsUpToTheToleranceKeepTheRowsTrusted(String kind) {
        PartitionOwnership ownership = seeing(open(kind), 0, 1, 1 + 1 + GAP);
        assertTrue(trusts(ownership, 1), "a gap of exactly " + GAP + " offsets is tolerated");
        ownership.observe(TOPIC, 0, 1 + 1 + GAP + 1 + GAP + 1);
        assertFalse(trusts(ownership, 1), "a gap of " + (GAP + 1) + " offsets is a jump");
    }

    @Test
    void withNoToleranceEverySkippedOffsetIsAJump() {
        PartitionOwnership ownership = new PartitionOwnership(open("memory"), 0);
        ownership.observe(TOPIC, 0, 0);
        ownership.observe(TOPIC, 0, 1);
        assertTrue(trusts(ownership, 0));
        ownership.observe(TOPIC, 0, 3);
        assertFalse(trusts(ownership, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "rocksdb"})
    void aReplayKeepsTheRowsStoredBeforeAndAfterItsStart(String kind) {
        PartitionOwnership ownership = seeing(open(kind), 0, 1, 2, 3, 4, 5, 6, 7, 8);
        ownership.observe(TOPIC, 0, 4);
        assertTrue(trusts(ownership, 2), "stored before the replay point: still right");
        assertTrue(trusts(ownership, 7), "stored after it: newer than the events read again, not stale");
        ownership.observe(TOPIC, 0, 5);
        assertTrue(trusts(ownership, 2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "rocksdb"})
    void aReplayFromBeforeTheLastJumpDistrustsWhatLayBeforeIt(String kind) {
        PartitionOwnership ownership = seeing(open(kind), 0, 1, 2, 50, 51);
        ownership.observe(TOPIC, 0, 30);
        assertFalse(trusts(ownership, 2), "offsets 3..29 were never seen");
        assertTrue(trusts(ownership, 50));
        assertTrue(trusts(ownership, 30));
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "rocksdb"})
    void rowsFromAnotherPartitionAreNotTrusted(String kind) {
        PartitionOwnership ownership = seeing(open(kind), 0, 1);
        ownership.observe(TOPIC, 1, 0);
        assertTrue(ownership.trusts(TOPIC, 0, row(0, 0)));
        assertFalse(ownership.trusts(TOPIC, 0, row(1, 0)), "the topic was repartitioned: order unknown");
    }

    @Test
    void rowsWrittenWithoutAPositionAndRowsOfAPartitionFirstMetAreTrusted() {
        PartitionOwnership ownership = seeing(open("memory"), 500);
        assertTrue(ownership.trusts(TOPIC, 0, row(StoredRow.UNKNOWN, StoredRow.UNKNOWN)));
        assertTrue(trusts(ownership, 3), "rows a store holds of a partition it first meets predate the tracking");
    }

    @Test
    void rocksDbRemembersWhatItSawAcrossARestart() {
        seeing(open("rocksdb"), 0, 1, 2, 3);
        opened.remove(0).close();

        StateStore reopened = open("rocksdb");
        assertEquals(new SeenOffsets(SeenOffsets.SINCE_UNTRACKED, 3), reopened.seenOffsets(new TopicPartition(TOPIC, 0)));
        PartitionOwnership afterRestart = seeing(reopened, 2);
        assertTrue(trusts(afterRestart, 1), "a restart reads again from the last commit: the rows hold");
        opened.remove(0).close();

        PartitionOwnership afterAMove = seeing(open("rocksdb"), 3 + GAP + 5);
        assertFalse(trusts(afterAMove, 1), "the partition came back after another task processed it");
        assertTrue(trusts(afterAMove, 3 + GAP + 5));
    }

    @Test
    void rocksDbKeepsWhatItSawWhenATopicIsForgotten() {
        StateStore store = open("rocksdb");
        seeing(store, 0, 1);
        store.put(TOPIC, "{\"id\":1}", row(0, 1));
        store.removeTopic(TOPIC);
        assertNull(store.get(TOPIC, "{\"id\":1}"));
        assertEquals(new SeenOffsets(SeenOffsets.SINCE_UNTRACKED, 1), store.seenOffsets(new TopicPartition(TOPIC, 0)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "rocksdb"})
    void deletionMarkersKeepTheirPosition(String kind) {
        StateStore store = open(kind);
        store.put(TOPIC, "{\"id\":1}", StoredRow.deleted(2, 41));
        StoredRow marker = store.get(TOPIC, "{\"id\":1}");
        assertTrue(marker.isDeleted());
        assertEquals(StoredRow.deleted(2, 41), marker);
        assertTrue(marker.isAtOrAfter(2, 41));
        assertFalse(marker.isAtOrAfter(2, 42));
    }
}
