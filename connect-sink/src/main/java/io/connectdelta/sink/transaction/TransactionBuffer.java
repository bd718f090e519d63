package io.connectdelta.sink.transaction;

import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.Op;
import io.connectdelta.event.RecordLocation;
import io.connectdelta.event.TransactionBlock;
import io.connectdelta.event.TransactionMarker;
import io.connectdelta.sink.progress.Partitions;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Holds data events until their whole source transaction has arrived, and hands out what can be applied, in
 * source commit order.
 * <p>
 * A transaction is complete when its END marker has arrived and as many of its data events as END announces for
 * the data collections this sink consumes ({@code data_collections[].event_count}; END's {@code event_count} when
 * it lists none). Data events of a transaction may arrive on several topics and partitions in any interleaving,
 * and END may come before some of them. A data event that arrives again in its transaction (same xid and
 * {@code total_order}: Debezium re-sends after an unclean stop) is consumed with it but applied once. Events
 * without a transaction block, BEGIN markers (END has the counts) and records the caller knows to be applied
 * already are lone units.
 * <p>
 * Units are handed out so that, in every partition, the records handed out always form a prefix of what was
 * added: a unit goes only when each of its records is at the head of its partition, or behind lone records that
 * apply nothing (copies applied before, BEGIN markers), which then go out with it. Without that a copy the source
 * sent again of an event of a held transaction, queued between that transaction's records, would hold it (and its
 * partitions) forever. So one "next offset" per
 * partition describes exactly what has been applied, which is what the sink records with the data for
 * exactly-once delivery. Partitions are those the records were consumed from ({@link Partitions}), whatever a
 * transform renamed.
 * <p>
 * Commit order, and why this cannot deadlock. Within one partition of the transaction topic END markers are in
 * commit order, and a transaction's END is one of its records: it goes only from the head of that partition, so
 * the transactions of one transaction-topic partition go in commit order. A data partition holds the events of the
 * source's transactions in commit order too, so two transactions that touch one row (one key, one partition) go in
 * commit order whatever the number of transaction-topic partitions; transactions that share no partition may go in
 * either order. No unit ever waits for a later one: take the earliest committed transaction T held. Everything
 * ahead of T in any of its partitions is a lone unit (which goes when it is at the head) or a record of a
 * transaction committed before T, which was handed out already, since T is the earliest held. So once T is
 * complete it reaches the heads of all its partitions and goes, then the next one. Only a transaction that never
 * becomes complete stops its partitions: the incomplete policy deals with that (see {@link IncompletePolicy}).
 */
public final class TransactionBuffer {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionBuffer.class);
    /** At most this many transactions taken apart by a policy are remembered, for their late records. */
    private static final int MAX_TAKEN_APART = 10_000;

    private final Predicate<String> consumedCollection;
    private final long maxEvents;
    private final long maxBytes;
    private final OverflowPolicy overflowPolicy;
    private final long incompleteTimeoutNanos;
    private final IncompletePolicy incompletePolicy;
    private final LongSupplier nanoClock;

    /** Transactions seen but not yet handed out, by xid, in order of first sight. */
    private final Map<String, PendingTransaction> pending = new LinkedHashMap<>();
    /** Per partition, the records not yet handed out, in offset order. */
    private final Map<TopicPartition, Deque<PendingRecord>> partitions = new HashMap<>();
    /**
     * Transactions a policy took apart (overflow split, incomplete applied): their remaining records are handed out
     * as they come. The oldest are forgotten past a bound.
     */
    private final Set<String> takenApart = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_TAKEN_APART;
        }
    });
    /** Per partition, the record handed out last: what a tombstone arriving after it may merely follow. */
    private final Map<TopicPartition, PendingRecord> lastHandedOut = new HashMap<>();

    private final ApproximateSize sizes = new ApproximateSize();
    private long bufferedEvents;
    private long bufferedBytes;
    private int endedTransactions;

    /**
     * @param consumedCollection tells whether a data collection named in an END marker ({@code schema.table})
     *                           is one whose events reach this sink
     * @param incompleteTimeoutMs how long a transaction may wait incomplete at the heads of its partitions while
     *                            later transactions are complete, before {@code incompletePolicy} applies
     */
    public TransactionBuffer(Predicate<String> consumedCollection, long maxEvents, long maxBytes,
                             OverflowPolicy overflowPolicy, long incompleteTimeoutMs, IncompletePolicy incompletePolicy) {
        this(consumedCollection, maxEvents, maxBytes, overflowPolicy, incompleteTimeoutMs, incompletePolicy,
                System::nanoTime);
    }

    TransactionBuffer(Predicate<String> consumedCollection, long maxEvents, long maxBytes, OverflowPolicy overflowPolicy,
                      long incompleteTimeoutMs, IncompletePolicy incompletePolicy, LongSupplier nanoClock) {
        this.consumedCollection = consumedCollection;
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        this.overflowPolicy = overflowPolicy;
        this.incompleteTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(incompleteTimeoutMs);
        this.incompletePolicy = incompletePolicy;
        this.nanoClock = nanoClock;
    }

    /**
     * Adds a data event.
     * <p>
     * Debezium follows a delete with a tombstone of the same key (tombstones.on.delete), which carries no
     * transaction block and is not counted in END. Such a tombstone only repeats the delete for log compaction:
     * it is kept with the delete's transaction for the offsets, and applies nothing itself. Applying it on its own
     * could delete a row that its transaction inserted again after the delete.
     */
    public void add(SinkRecord record, ChangeEvent event) {
        if (event.isTombstone() && followsDeleteOfSameKey(record, event)) {
            PendingRecord previous = lastQueued(Partitions.of(record));
            addRecord(new PendingRecord(record, null, 0, 0), previous == null ? null : previous.owner);
            return;
        }
        TransactionBlock tx = event.transaction();
        PendingRecord entry = new PendingRecord(record, event, sizes.of(record.key()) + sizes.of(record.value()),
                tx == null ? 0 : tx.totalOrder());
        if (addTo(entry, tx == null ? null : tx.xid())) {
            bufferedEvents++;
            bufferedBytes += entry.bytes;
            enforceBound();
        }
    }

    private boolean followsDeleteOfSameKey(SinkRecord record, ChangeEvent tombstone) {
        TopicPartition partition = Partitions.of(record);
        PendingRecord previous = lastQueued(partition);
        PendingRecord before = previous != null ? previous : lastHandedOut.get(partition);
        return before != null && before.isDeleteOf(record, tombstone);
    }

    private PendingRecord lastQueued(TopicPartition partition) {
        Deque<PendingRecord> queue = partitions.get(partition);
        return queue == null ? null : queue.peekLast();
    }

    /**
     * Adds a data record that could not be read (it went to the DLQ): it still counts towards its transaction
     * ({@code tx}, null when it has none), so that the transaction completes, and towards the offsets, but there is
     * nothing to apply.
     */
    public void addUnreadable(SinkRecord record, TransactionBlock tx) {
        addTo(new PendingRecord(record, null, 0, tx == null ? 0 : tx.totalOrder()), tx == null ? null : tx.xid());
    }

    /**
     * Adds a record that was applied before (the caller knows it by the source's position): Debezium re-sends
     * whole or partial transactions after an unclean stop, at new offsets. It is a lone unit with nothing to
     * apply, which only moves its partition's offsets; it never joins or holds up a transaction.
     */
    public void addAlreadyApplied(SinkRecord record) {
        PendingRecord entry = new PendingRecord(record, null, 0, 0);
        entry.alreadyApplied = true;
        addRecord(entry, null);
    }

    /**
     * Adds a BEGIN or END marker from the transaction topic. A BEGIN marker is a lone unit with nothing to apply
     * (END has the counts), so that a BEGIN re-sent for a transaction applied before holds nothing open.
     */
    public void addMarker(SinkRecord record, TransactionMarker marker) {
        PendingRecord entry = new PendingRecord(record, null, 0, 0);
        String xid = marker.xid();
        if (marker.status() == TransactionMarker.Status.BEGIN) {
            addRecord(entry, null);
            return;
        }
        if (takenApart.remove(xid)) {
            addRecord(entry, null);
            return;
        }
        PendingTransaction transaction = pending.computeIfAbsent(xid, PendingTransaction::new);
        if (transaction.end == null) {
            transaction.end = entry;
            transaction.expectedEvents = expectedEvents(marker);
            endedTransactions++;
            if (transaction.events.size() > transaction.expectedEvents) {
                throw new DataException("Source transaction " + xid + " has " + transaction.events.size()
                        + " data events but its END marker announces " + transaction.expectedEvents + ": "
                        + RecordLocation.describe(record));
            }
        }
        // A second END of a held transaction is a re-sent one: consumed with it, nothing more.
        addRecord(entry, transaction);
    }

    /**
     * A data record (event or unreadable) joins its transaction once per total_order, or is a lone unit. False
     * when it is a re-sent copy of an event its transaction holds: then a copy that applies nothing was queued.
     */
    private boolean addTo(PendingRecord entry, String xid) {
        if (xid == null || takenApart.contains(xid)) {
            addRecord(entry, null);
            return true;
        }
        PendingTransaction transaction = pending.computeIfAbsent(xid, PendingTransaction::new);
        if (entry.totalOrder > 0 && !transaction.totalOrders.add(entry.totalOrder)) {
            // Re-sent within its transaction: consumed with the transaction, applied once (the first copy).
            LOG.debug("Source transaction {} event {} arrived again: {}", xid, entry.totalOrder,
                    RecordLocation.describe(entry.record));
            PendingRecord copy = new PendingRecord(entry.record, null, 0, 0);
            copy.resent = entry.event;
            addRecord(copy, transaction);
            return false;
        }
        transaction.events.add(entry);
        if (transaction.expectedEvents >= 0 && transaction.events.size() > transaction.expectedEvents) {
            throw new DataException("Source transaction " + xid + " has more data events than its END marker "
                    + "announced (" + transaction.expectedEvents + "); the latest is " + RecordLocation.describe(entry.record));
        }
        queue(entry, transaction);
        return true;
    }

    /** Queues a record that counts as no event of its transaction (owner), or a lone one (owner null). */
    private void addRecord(PendingRecord entry, PendingTransaction owner) {
        if (owner != null) {
            owner.others.add(entry);
        }
        queue(entry, owner);
    }

    private void queue(PendingRecord entry, PendingTransaction owner) {
        entry.owner = owner;
        track(entry);
        long now = nanoClock.getAsLong();
        entry.arrivedNanos = now;
        if (owner != null) {
            owner.waitingSince = null;
            if (owner.completedNanos == 0 && owner.isComplete()) {
                owner.completedNanos = now;
            }
        }
    }

    /**
     * Hands out every unit that can be applied now, in the order to apply them. The caller applies them (several
     * may share one target transaction) and records their records' offsets as applied with them. A transaction that has
     * waited incomplete past transaction.incomplete.timeout.ms is dealt with by the incomplete policy here: with
     * {@code fail} this throws a ConnectException naming it.
     */
    public List<ApplyUnit> drainReady() {
        List<ApplyUnit> ready = new ArrayList<>();
        handOutReady(ready);
        for (PendingTransaction stalled = stalledTransaction(); stalled != null; stalled = stalledTransaction()) {
            if (incompletePolicy == IncompletePolicy.FAIL) {
                throw new ConnectException(describeStalled(stalled) + ". Nothing was lost: no offset past it was "
                        + "committed. One of its records may have been dropped before the sink (e.g. by a transform "
                        + "under errors.tolerance=all); to apply what arrived of it and go on, set "
                        + "transaction.incomplete.policy=apply.");
            }
            LOG.warn("{}: applying what arrived of it (transaction.incomplete.policy=apply); records of it that "
                    + "arrive later are applied as they come", describeStalled(stalled));
            takenApart.add(stalled.xid);
            ready.add(handOut(stalled, false));
            handOutReady(ready);
        }
        return ready;
    }

    /** Hands out, over and over, the lone records and the complete transactions at the heads of their partitions. */
    private void handOutReady(List<ApplyUnit> ready) {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Deque<PendingRecord> queue : partitions.values()) {
                PendingRecord head;
                while ((head = queue.peekFirst()) != null) {
                    if (head.owner == null) {
                        ready.add(handOutLone(head));
                    } else if (head.owner.isComplete() && atHeads(head.owner)) {
                        ready.add(handOut(head.owner, true));
                    } else {
                        break;
                    }
                    progress = true;
                }
            }
        }
    }

    /**
     * An incomplete transaction at the heads of all its partitions that has waited there, with no record of it
     * arriving, for the timeout while some complete transaction is held (which it may be holding up), or null.
     */
    private PendingTransaction stalledTransaction() {
        boolean completeHeld = false;
        for (PendingTransaction transaction : pending.values()) {
            if (transaction.isComplete()) {
                completeHeld = true;
                break;
            }
        }
        long now = nanoClock.getAsLong();
        Set<PendingTransaction> atHead = new HashSet<>();
        for (Deque<PendingRecord> queue : partitions.values()) {
            PendingRecord head = queue.peekFirst();
            if (head != null && head.owner != null && !head.owner.isComplete()) {
                atHead.add(head.owner);
            }
        }
        PendingTransaction stalled = null;
        for (PendingTransaction transaction : pending.values()) {
            if (!completeHeld || !atHead.contains(transaction) || !atHeads(transaction)) {
                transaction.waitingSince = null;
                continue;
            }
            if (transaction.waitingSince == null) {
                transaction.waitingSince = now;
            }
            if (stalled == null && now - transaction.waitingSince >= incompleteTimeoutNanos) {
                stalled = transaction;
            }
        }
        return stalled;
    }

    private String describeStalled(PendingTransaction transaction) {
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong() - transaction.waitingSince);
        StringBuilder sb = new StringBuilder("Source transaction ").append(transaction.xid)
                .append(" is incomplete after waiting ").append(waitedMs)
                .append(" ms (transaction.incomplete.timeout.ms) while later transactions are complete: ")
                .append(transaction.events.size()).append(" data event(s) arrived");
        Map<TopicPartition, List<Long>> offsets = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        for (PendingRecord entry : transaction.events) {
            offsets.computeIfAbsent(entry.partition, p -> new ArrayList<>()).add(entry.offset());
        }
        if (!offsets.isEmpty()) {
            sb.append(" (offsets ").append(offsets).append(')');
        }
        if (transaction.end == null) {
            sb.append(", and no END marker");
        } else {
            sb.append(", its END marker (").append(RecordLocation.describe(transaction.end.record))
                    .append(") announced ").append(transaction.expectedEvents);
        }
        return sb.toString();
    }

    /**
     * Forgets what the given partitions brought (they were revoked; they are read again from the offsets recorded
     * in the target when they are opened again) and keeps everything else. Their records leave the transactions
     * that held them: a transaction whose END was among them waits for its END again, one left with no record is
     * forgotten.
     */
    public void forget(Collection<TopicPartition> revoked) {
        Map<PendingRecord, Boolean> gone = new IdentityHashMap<>();
        Set<PendingTransaction> touched = Collections.newSetFromMap(new IdentityHashMap<>());
        for (TopicPartition partition : revoked) {
            lastHandedOut.remove(partition);
            Deque<PendingRecord> queue = partitions.remove(partition);
            if (queue == null) {
                continue;
            }
            for (PendingRecord entry : queue) {
                gone.put(entry, Boolean.TRUE);
                if (entry.event != null) {
                    bufferedEvents--;
                    bufferedBytes -= entry.bytes;
                }
                if (entry.owner != null) {
                    touched.add(entry.owner);
                }
            }
        }
        for (PendingTransaction transaction : touched) {
            transaction.events.removeIf(entry -> {
                if (gone.containsKey(entry)) {
                    transaction.totalOrders.remove(entry.totalOrder);
                    return true;
                }
                return false;
            });
            transaction.others.removeIf(gone::containsKey);
            if (transaction.end != null && gone.containsKey(transaction.end)) {
                transaction.end = null;
                transaction.expectedEvents = -1;
                endedTransactions--;
            }
            transaction.completedNanos = 0;
            transaction.waitingSince = null;
            if (transaction.events.isEmpty() && transaction.others.isEmpty()) {
                pending.remove(transaction.xid);
            }
        }
    }

    public long bufferedEvents() {
        return bufferedEvents;
    }

    public long bufferedBytes() {
        return bufferedBytes;
    }

    /** How many transactions whose END marker has arrived are held, waiting for their events or their turn. */
    public int endedTransactions() {
        return endedTransactions;
    }

    /** How many transactions are held, waiting for their END marker or some of their events. */
    public int pendingTransactions() {
        return pending.size();
    }

    private long expectedEvents(TransactionMarker end) {
        if (end.dataCollections().isEmpty()) {
            return end.eventCount() == null ? 0 : end.eventCount();
        }
        long expected = 0;
        for (Map.Entry<String, Long> collection : end.dataCollections().entrySet()) {
            if (consumedCollection.test(collection.getKey())) {
                expected += collection.getValue();
            }
        }
        return expected;
    }

    private void track(PendingRecord entry) {
        TopicPartition partition = entry.partition;
        Deque<PendingRecord> queue = partitions.computeIfAbsent(partition, p -> new ArrayDeque<>());
        PendingRecord last = queue.peekLast();
        if (last != null && last.offset() >= entry.offset()) {
            throw new ConnectException("Records of " + partition + " arrived out of offset order (" + entry.offset()
                    + " after " + last.offset() + ")");
        }
        queue.addLast(entry);
    }

    /**
     * True when every record of the transaction is at the head of its partition: before each of them only its own
     * records, or lone records that apply nothing ({@link PendingRecord#appliesNothing}), which go out with it.
     * Those may lie between its records: a copy that the source sent again of an event of it (known as applied by its
     * position) sits behind the first copy, before the transaction's events that arrived only after the re-send.
     */
    private boolean atHeads(PendingTransaction transaction) {
        for (Map.Entry<TopicPartition, Integer> count : recordsPerPartition(transaction).entrySet()) {
            Iterator<PendingRecord> it = partitions.get(count.getKey()).iterator();
            for (int own = 0; own < count.getValue(); ) {
                if (!it.hasNext()) {
                    return false;
                }
                PendingRecord next = it.next();
                if (next.owner == transaction) {
                    own++;
                } else if (!next.appliesNothing()) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Map<TopicPartition, Integer> recordsPerPartition(PendingTransaction transaction) {
        Map<TopicPartition, Integer> perPartition = new HashMap<>();
        for (PendingRecord entry : transaction.allRecords()) {
            perPartition.merge(entry.partition, 1, Integer::sum);
        }
        return perPartition;
    }

    private ApplyUnit handOut(PendingTransaction transaction, boolean complete) {
        pending.remove(transaction.xid);
        if (transaction.end != null) {
            endedTransactions--;
        }
        List<PendingRecord> events = new ArrayList<>(transaction.events);
        // The source's order within the transaction, whatever the interleaving of topics and partitions.
        events.sort(Comparator.comparingLong(e -> e.event == null ? Long.MAX_VALUE : e.event.transaction().totalOrder()));
        List<ChangeEvent> changeEvents = new ArrayList<>(events.size());
        List<SinkRecord> records = new ArrayList<>();
        for (PendingRecord entry : events) {
            if (entry.event != null) {
                changeEvents.add(entry.event);
            }
        }
        // Per partition, from the head up to its last record there: its own and the lone ones that apply nothing.
        for (Map.Entry<TopicPartition, Integer> count : recordsPerPartition(transaction).entrySet()) {
            Deque<PendingRecord> queue = partitions.get(count.getKey());
            for (int own = 0; own < count.getValue(); ) {
                PendingRecord entry = queue.peekFirst();
                if (entry.owner == transaction) {
                    own++;
                }
                records.add(entry.record);
                remove(entry);
            }
        }
        long completedNanos = complete ? transaction.completedNanos : nanoClock.getAsLong();
        return new ApplyUnit(transaction.xid, changeEvents, records, complete, completedNanos);
    }

    private ApplyUnit handOutLone(PendingRecord entry) {
        remove(entry);
        List<ChangeEvent> events = entry.event == null ? List.of() : List.of(entry.event);
        return new ApplyUnit(null, events, List.of(entry.record), true, entry.arrivedNanos);
    }

    private void remove(PendingRecord entry) {
        TopicPartition partition = entry.partition;
        partitions.get(partition).remove(entry);
        if (entry.isData()) {
            lastHandedOut.put(partition, entry);
        }
        if (entry.event != null) {
            bufferedEvents--;
            bufferedBytes -= entry.bytes;
        }
    }

    private void enforceBound() {
        if (bufferedEvents <= maxEvents && bufferedBytes <= maxBytes) {
            return;
        }
        String held = describeHeld();
        if (overflowPolicy == OverflowPolicy.FAIL) {
            throw new ConnectException("The transaction buffer holds " + bufferedEvents + " events (~" + bufferedBytes
                    + " bytes), past its bound (transaction.buffer.max.events=" + maxEvents
                    + ", transaction.buffer.max.bytes=" + maxBytes + "), waiting for " + held + ". Nothing was lost: "
                    + "no offset past an unapplied event was committed. Raise the bound, or set "
                    + "transaction.buffer.overflow=split to apply oversized transactions in parts.");
        }
        PendingTransaction oldest = pending.values().iterator().next();
        LOG.warn("Transaction buffer past its bound ({} events, ~{} bytes): applying source transaction {} in parts "
                + "({} events so far); readers of the target may see it half applied", bufferedEvents, bufferedBytes,
                oldest.xid, oldest.events.size());
        pending.remove(oldest.xid);
        if (oldest.end != null) {
            endedTransactions--;
        } else {
            takenApart.add(oldest.xid);
        }
        // Its records become lone units, handed out in partition order with everything else.
        for (PendingRecord entry : oldest.allRecords()) {
            entry.owner = null;
        }
    }

    private String describeHeld() {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (PendingTransaction transaction : pending.values()) {
            if (shown++ == 3) {
                sb.append(", ...");
                break;
            }
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append("transaction ").append(transaction.xid).append(" (").append(transaction.events.size())
                    .append(" events").append(transaction.expectedEvents >= 0 ? " of " + transaction.expectedEvents
                            : ", END not yet seen").append(')');
        }
        return sb.length() == 0 ? "events behind an incomplete transaction" : sb.toString();
    }

    private static final class PendingRecord {
        final SinkRecord record;
        /** The partition the record was consumed from, made once: the buffer looks it up several times per record. */
        final TopicPartition partition;
        /** The data event to apply, or null for a record that applies nothing. */
        final ChangeEvent event;
        final long bytes;
        /** The data event's total_order in its transaction, 0 when not known. */
        final long totalOrder;
        PendingTransaction owner;
        long arrivedNanos;
        /** Applied before, as the caller knows from the source's position. */
        boolean alreadyApplied;
        /** A re-sent copy of an event held in its transaction: read, not applied. */
        ChangeEvent resent;

        PendingRecord(SinkRecord record, ChangeEvent event, long bytes, long totalOrder) {
            this.record = record;
            this.partition = Partitions.of(record);
            this.event = event;
            this.bytes = bytes;
            this.totalOrder = totalOrder;
        }

        long offset() {
            return Partitions.offset(record);
        }

        /** True for a lone record with nothing to apply: one applied before, a BEGIN, an unreadable record. */
        boolean appliesNothing() {
            return owner == null && event == null;
        }

        /** True for a data record, applied or not, as opposed to markers and tombstones that follow a delete. */
        boolean isData() {
            return event != null || resent != null || alreadyApplied;
        }

        /**
         * True when the record is a delete of the tombstone's key, so that the tombstone (Debezium sends it right
         * after the delete) only follows it. A record applied before is compared by its record key.
         */
        boolean isDeleteOf(SinkRecord tombstoneRecord, ChangeEvent tombstone) {
            ChangeEvent data = event != null ? event : resent;
            if (data != null) {
                return data.op() == Op.DELETE && !data.isTombstone() && data.key() != null
                        && data.key().equals(tombstone.key());
            }
            return alreadyApplied && record.value() != null && record.key() != null
                    && Objects.equals(record.key(), tombstoneRecord.key());
        }
    }

    private static final class PendingTransaction {
        final String xid;
        final List<PendingRecord> events = new ArrayList<>();
        /** Its records that count no event: END (and re-sent ENDs), tombstones after its deletes, re-sent events. */
        final List<PendingRecord> others = new ArrayList<>();
        /** The total_order of each of its events: a second one is a re-sent copy. */
        final Set<Long> totalOrders = new HashSet<>();
        PendingRecord end;
        /** From END: how many data events to wait for; -1 until END has arrived. */
        long expectedEvents = -1;
        /** When the last of its records arrived (System.nanoTime), 0 while incomplete. */
        long completedNanos;
        /** Since when it waits incomplete at the heads of its partitions while complete ones are held; null if not. */
        Long waitingSince;

        PendingTransaction(String xid) {
            this.xid = xid;
        }

        boolean isComplete() {
            return expectedEvents >= 0 && events.size() == expectedEvents;
        }

        List<PendingRecord> allRecords() {
            List<PendingRecord> all = new ArrayList<>(events.size() + others.size());
            all.addAll(events);
            all.addAll(others);
            return all;
        }
    }
}
