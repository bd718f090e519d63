package io.connectdelta.sink.transaction;

import io.connectdelta.event.ChangeEventReader;
import io.connectdelta.event.TransactionMarker;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransactionBufferTest {
    private static final String ACCOUNTS = DebeziumTransactions.ACCOUNTS;
    private static final String TRANSFERS = DebeziumTransactions.TRANSFERS;
    private static final String TX_TOPIC = DebeziumTransactions.TX_TOPIC;

    private final ChangeEventReader reader = new ChangeEventReader();
    private final DebeziumTransactions records = new DebeziumTransactions();

    private TransactionBuffer buffer(long maxEvents, OverflowPolicy policy) {
        Set<String> consumed = Set.of("public.accounts", "public.transfers");
        return new TransactionBuffer(consumed::contains, maxEvents, Long.MAX_VALUE, policy);
    }

    private SinkRecord data(String topic, int partition, int id, String txId, long totalOrder) {
        return records.data(topic, partition, id, 100L, txId, totalOrder);
    }

    private SinkRecord marker(String status, String txId, Map<String, Long> counts) {
        return records.marker(status, txId, counts);
    }

    private void add(TransactionBuffer buffer, SinkRecord record) {
        if (TransactionMarker.isMarker(record)) {
            buffer.addMarker(record, TransactionMarker.read(record));
        } else {
            buffer.add(record, reader.read(record));
        }
    }

    private static List<Object> ids(ApplyUnit unit) {
        return unit.events().stream().map(e -> e.after().get("id")).collect(Collectors.toList());
    }

    @Test
    void holdsATransactionUntilEndAndAllItsEventsHaveArrivedAcrossTopics() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        add(buffer, marker("BEGIN", "700:10", null));
        add(buffer, data(ACCOUNTS, 0, 1, "700:11", 1));
        // END arrives before the transfer-log row, which is on another topic.
        add(buffer, marker("END", "700:13", Map.of("public.accounts", 2L, "public.transfers", 1L)));
        add(buffer, data(ACCOUNTS, 0, 2, "700:12", 2));
        assertTrue(buffer.drainReady().isEmpty(), "one event of the transaction is still missing");
        assertEquals(2, buffer.bufferedEvents());
        assertEquals(1, buffer.pendingTransactions());
        add(buffer, data(TRANSFERS, 0, 9, "700:14", 3));

        List<ApplyUnit> units = buffer.drainReady();
        assertEquals(1, units.size());
        assertEquals("700", units.get(0).xid());
        assertEquals(List.of(1, 2, 9), ids(units.get(0)), "events in the source's total order");
        assertEquals(5, units.get(0).records().size(), "three data events and the two markers");
        assertEquals(0, buffer.bufferedEvents());
        assertEquals(Map.of(new TopicPartition(ACCOUNTS, 0), 2L, new TopicPartition(TRANSFERS, 0), 1L,
                new TopicPartition(TX_TOPIC, 0), 2L), buffer.nextOffsets());
    }

    @Test
    void handsOutTransactionsInEndOrderEvenWhenALaterOneCompletesFirst() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        add(buffer, marker("BEGIN", "1:1", null));
        add(buffer, data(ACCOUNTS, 0, 1, "1:2", 1));
        add(buffer, marker("END", "1:3", Map.of("public.accounts", 1L, "public.transfers", 1L)));
        add(buffer, marker("BEGIN", "2:4", null));
        add(buffer, data(ACCOUNTS, 0, 2, "2:5", 1));
        add(buffer, marker("END", "2:6", Map.of("public.accounts", 1L)));
        assertTrue(buffer.drainReady().isEmpty(), "transaction 2 committed after 1, which is incomplete");
        assertEquals(Map.of(new TopicPartition(ACCOUNTS, 0), 0L, new TopicPartition(TX_TOPIC, 0), 0L),
                buffer.nextOffsets(), "nothing handed out, nothing committable");

        add(buffer, data(TRANSFERS, 0, 7, "1:7", 2));
        List<ApplyUnit> units = buffer.drainReady();
        assertEquals(List.of("1", "2"), units.stream().map(ApplyUnit::xid).collect(Collectors.toList()));
        assertEquals(List.of(1, 7), ids(units.get(0)));
    }

    @Test
    void countsOnlyTheCollectionsThisSinkConsumes() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        add(buffer, marker("BEGIN", "5:1", null));
        add(buffer, data(ACCOUNTS, 0, 1, "5:2", 1));
        add(buffer, marker("END", "5:3", Map.of("public.accounts", 1L, "public.audit", 4L)));
        List<ApplyUnit> units = buffer.drainReady();
        assertEquals(1, units.size());
        assertEquals(List.of(1), ids(units.get(0)));
    }

    @Test
    void aTransactionOfOnlyOtherTablesAdvancesTheTransactionTopic() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        add(buffer, marker("BEGIN", "6:1", null));
        add(buffer, marker("END", "6:2", Map.of("public.audit", 3L)));
        List<ApplyUnit> units = buffer.drainReady();
        assertEquals(1, units.size());
        assertTrue(units.get(0).events().isEmpty());
        assertEquals(Map.of(new TopicPartition(TX_TOPIC, 0), 2L), buffer.nextOffsets());
    }

    @Test
    void loneEventsGoAtOnceUnlessAnIncompleteTransactionIsAheadInTheirPartition() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        add(buffer, data(TRANSFERS, 0, 50, null, 0));
        List<ApplyUnit> first = buffer.drainReady();
        assertEquals(1, first.size());
        assertFalse(first.get(0).isTransaction());

        add(buffer, marker("BEGIN", "8:1", null));
        add(buffer, data(ACCOUNTS, 0, 1, "8:2", 1));
        add(buffer, data(ACCOUNTS, 0, 51, null, 0));
        add(buffer, data(TRANSFERS, 0, 52, null, 0));
        List<ApplyUnit> units = buffer.drainReady();
        assertEquals(List.of(List.of(52)), units.stream().map(TransactionBufferTest::ids).collect(Collectors.toList()),
                "the lone event on the other topic goes; the one behind the open transaction waits");
        assertEquals(0L, buffer.nextOffsets().get(new TopicPartition(ACCOUNTS, 0)));

        add(buffer, marker("END", "8:3", Map.of("public.accounts", 1L)));
        units = buffer.drainReady();
        assertEquals(List.of(List.of(1), List.of(51)), units.stream().map(TransactionBufferTest::ids).collect(Collectors.toList()));
        assertEquals(2L, buffer.nextOffsets().get(new TopicPartition(ACCOUNTS, 0)));
    }

    @Test
    void failsClearlyPastTheBoundAndLosesNothing() {
        TransactionBuffer buffer = buffer(2, OverflowPolicy.FAIL);
        add(buffer, marker("BEGIN", "9:1", null));
        add(buffer, data(ACCOUNTS, 0, 1, "9:2", 1));
        add(buffer, data(ACCOUNTS, 0, 2, "9:3", 2));
        ConnectException e = assertThrows(ConnectException.class, () -> add(buffer, data(ACCOUNTS, 0, 3, "9:4", 3)));
        assertTrue(e.getMessage().contains("transaction 9 (3 events, END not yet seen)"), e.getMessage());
        assertTrue(e.getMessage().contains("transaction.buffer.max.events=2"), e.getMessage());
        assertEquals(0L, buffer.nextOffsets().get(new TopicPartition(ACCOUNTS, 0)), "no offset moved");
    }

    @Test
    void splitPolicyAppliesAnOversizedTransactionInPartsAndTheRestAsItComes() {
        TransactionBuffer buffer = buffer(2, OverflowPolicy.SPLIT);
        add(buffer, marker("BEGIN", "10:1", null));
        add(buffer, data(ACCOUNTS, 0, 1, "10:2", 1));
        add(buffer, data(ACCOUNTS, 0, 2, "10:3", 2));
        add(buffer, data(ACCOUNTS, 0, 3, "10:4", 3));
        List<ApplyUnit> parts = buffer.drainReady();
        assertEquals(List.of(List.of(1), List.of(2), List.of(3)),
                parts.stream().filter(u -> !u.events().isEmpty()).map(TransactionBufferTest::ids).collect(Collectors.toList()));
        add(buffer, data(ACCOUNTS, 0, 4, "10:5", 4));
        add(buffer, marker("END", "10:6", Map.of("public.accounts", 4L)));
        List<ApplyUnit> rest = buffer.drainReady();
        assertEquals(List.of(4), rest.stream().flatMap(u -> ids(u).stream()).collect(Collectors.toList()));
        assertEquals(0, buffer.pendingTransactions());
        assertEquals(2L, buffer.nextOffsets().get(new TopicPartition(TX_TOPIC, 0)));

        // The next transaction is whole again.
        add(buffer, marker("BEGIN", "11:7", null));
        add(buffer, data(ACCOUNTS, 0, 5, "11:8", 1));
        add(buffer, marker("END", "11:9", Map.of("public.accounts", 1L)));
        List<ApplyUnit> whole = buffer.drainReady();
        assertEquals(1, whole.size());
        assertEquals("11", whole.get(0).xid());
    }

    @Test
    void rejectsMoreEventsThanEndAnnounced() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        add(buffer, marker("BEGIN", "12:1", null));
        add(buffer, data(ACCOUNTS, 0, 1, "12:2", 1));
        add(buffer, data(ACCOUNTS, 0, 2, "12:3", 2));
        DataException e = assertThrows(DataException.class,
                () -> add(buffer, marker("END", "12:4", Map.of("public.accounts", 1L))));
        assertTrue(e.getMessage().contains("12"), e.getMessage());
    }

    private static List<String> ops(ApplyUnit unit) {
        return unit.events().stream().map(e -> e.op().code() + (e.key() == null ? "" : e.key().get("id")))
                .collect(Collectors.toList());
    }

    @Test
    void debeziumTombstonesBetweenTheDeletesOfOneTransactionDoNotHoldItUp() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        add(buffer, marker("BEGIN", "20:1", null));
        add(buffer, records.delete(ACCOUNTS, 0, 1, "20:2", 1));
        add(buffer, records.tombstone(ACCOUNTS, 0, 1));
        add(buffer, records.delete(ACCOUNTS, 0, 2, "20:3", 2));
        add(buffer, records.tombstone(ACCOUNTS, 0, 2));
        add(buffer, marker("END", "20:4", Map.of("public.accounts", 2L)));
        List<ApplyUnit> units = buffer.drainReady();
        assertEquals(1, units.size(), "the tombstones travel with their transaction");
        assertEquals(List.of("d1", "d2"), ops(units.get(0)), "the deletes do the deleting");
        assertEquals(6, units.get(0).records().size());
        assertEquals(4L, buffer.nextOffsets().get(new TopicPartition(ACCOUNTS, 0)));
    }

    @Test
    void aTombstoneNeverUndoesAnInsertOfItsTransactionThatFollowsTheDelete() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        // Debezium puts the tombstone right after its delete, before the re-insert of the same key.
        add(buffer, marker("BEGIN", "21:1", null));
        add(buffer, records.delete(ACCOUNTS, 0, 1, "21:2", 1));
        add(buffer, records.tombstone(ACCOUNTS, 0, 1));
        add(buffer, records.data(ACCOUNTS, 0, 1, 5, "21:3", 2));
        add(buffer, marker("END", "21:4", Map.of("public.accounts", 2L)));
        List<ApplyUnit> units = buffer.drainReady();
        assertEquals(List.of("d1", "u1"), ops(units.get(0)), "the row stays re-inserted");
        assertEquals(3L, buffer.nextOffsets().get(new TopicPartition(ACCOUNTS, 0)));
    }

    @Test
    void aTombstoneArrivingAfterItsTransactionWasHandedOutDeletesNothingMore() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        add(buffer, marker("BEGIN", "22:1", null));
        add(buffer, records.data(ACCOUNTS, 0, 1, 5, "22:2", 1));
        add(buffer, records.delete(ACCOUNTS, 0, 1, "22:3", 2));
        add(buffer, marker("END", "22:4", Map.of("public.accounts", 2L)));
        // A poll boundary between the delete and its tombstone: the transaction is whole and goes first.
        assertEquals(List.of("u1", "d1"), ops(buffer.drainReady().get(0)));
        add(buffer, records.tombstone(ACCOUNTS, 0, 1));
        List<ApplyUnit> late = buffer.drainReady();
        assertEquals(1, late.size());
        assertTrue(late.get(0).events().isEmpty(), "it only follows the delete already applied");
        assertEquals(3L, buffer.nextOffsets().get(new TopicPartition(ACCOUNTS, 0)));
    }

    @Test
    void aTombstoneWithNoDeleteBeforeItIsTheDelete() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        add(buffer, records.tombstone(ACCOUNTS, 0, 1));
        assertEquals(List.of("d1"), ops(buffer.drainReady().get(0)));
    }
}
