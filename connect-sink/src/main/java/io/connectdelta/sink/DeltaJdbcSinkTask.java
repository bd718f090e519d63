package io.connectdelta.sink;

import io.connectdelta.jdbc.dialect.JdbcDialect;
import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.ChangeEventReader;
import io.connectdelta.event.LogPosition;
import io.connectdelta.event.RecordLocation;
import io.connectdelta.event.TransactionBlock;
import io.connectdelta.event.TransactionMarker;
import io.connectdelta.sink.dialect.Dialect;
import io.connectdelta.sink.dialect.SinkDialects;
import io.connectdelta.sink.metrics.SinkTaskMetrics;
import io.connectdelta.sink.plan.FlushPlan;
import io.connectdelta.sink.plan.PlanBuilder;
import io.connectdelta.sink.plan.Identifiers;
import io.connectdelta.sink.plan.TableNaming;
import io.connectdelta.sink.progress.FencedException;
import io.connectdelta.sink.progress.PartitionProgress;
import io.connectdelta.sink.progress.Partitions;
import io.connectdelta.sink.progress.SinkProgress;
import io.connectdelta.sink.reselect.BatchReselect;
import io.connectdelta.sink.transaction.ApplyUnit;
import io.connectdelta.sink.transaction.TargetTransactions;
import io.connectdelta.sink.transaction.TransactionBuffer;
import io.connectdelta.sink.writer.JdbcWriter;
import io.connectdelta.sink.writer.WriteFailure;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Buffers records, turns them into a plan and hands it to the writer; commits offsets only for records that are
 * applied (or reported to the DLQ). In exactly-once mode {@link SinkProgress} keeps the bookkeeping: the next
 * offsets and the highest source positions live in the target database, written in the data's transaction; the
 * task resumes from there, skips what its source sent again, and cannot commit once it lost its partitions.
 * <p>
 * Writes run on one writer thread per task, so that the worker decodes the next records (JsonConverter, about
 * half of a sink task's time) while the previous ones are written: put() hands its records over and waits only
 * while {@value #PUTS_IN_FLIGHT} earlier puts are still waiting or being written, so that a slow commit does not
 * stall decoding at once. preCommit, flush and close wait for the writer first, so offsets are only ever those of
 * applied records, and a write that failed fails the next put; puts queued behind a failed write write nothing.
 * <p>
 * Plain mode writes what each put() brings, batch.size records per target transaction. Transaction mode
 * (transaction.aware) holds data events in a {@link TransactionBuffer} until their source transaction is whole,
 * then writes whole source transactions, in commit order, several to a target transaction at most batch.size
 * events (a larger one goes alone). Both end in {@link #apply}. While another put already waits for the writer,
 * a put leaves its last, smaller-than-batch.size part for that one: target transactions grow when the writer is
 * the bottleneck, and nothing waits once the writer catches up.
 */
public class DeltaJdbcSinkTask extends SinkTask {
    private static final Logger LOG = LoggerFactory.getLogger(DeltaJdbcSinkTask.class);
    static final String TASK_ID = "connectdelta.task.id";
    /** How many puts may be handed to the writer and not yet written when put() returns. */
    static final int PUTS_IN_FLIGHT = 2;
    /** Transaction mode: the fewest ended transactions held for their data before the transaction topic pauses. */
    public static final int MIN_TRANSACTIONS_AHEAD = 1000;

    private DeltaJdbcSinkConfig config;
    private ChangeEventReader reader;
    private TableNaming naming;
    private JdbcWriter writer;
    /** Re-selects id-only events from the source; null when reselect.connection.url is not set. */
    private BatchReselect reselect;
    private SinkTaskMetrics metrics;
    private SinkProgress progress;
    /** Plain mode: the records to write next, in order. */
    private List<SinkRecord> buffer = new ArrayList<>();
    /** Plain mode: the event of each buffered record, or null for a record with nothing to apply (sent again). */
    private List<ChangeEvent> bufferedEvents = new ArrayList<>();
    /** Transaction mode only: data events and markers held until their source transaction is whole. */
    private TransactionBuffer transactions;
    /** Transaction mode only: groups ready source transactions into target transactions. */
    private TargetTransactions targetTransactions;
    private ExecutorService writerThread;
    /** The puts handed to the writer and not yet written, oldest first. */
    private final Deque<Future<?>> inFlight = new ArrayDeque<>();
    /**
     * Set on the writer thread when a write fails: the puts queued behind it must not write, or the offsets they
     * record would pass the failed records.
     */
    private volatile boolean writeFailed;
    /** Puts handed to the writer that it has not started on yet. */
    private final AtomicInteger queuedPuts = new AtomicInteger();
    private String transactionTopic;
    /**
     * Transaction mode: END markers may run ahead of their data events (a consumer hands out one partition's fetched
     * records before the next one's), and every ended transaction waiting for its data holds its markers in memory.
     * Past this many, the transaction topic pauses until the data has caught up with half of them.
     */
    private int maxTransactionsAhead;
    /** Ended transactions still held, as the writer thread saw them after its last put. */
    private volatile int transactionsAhead;
    private final List<TopicPartition> pausedMarkers = new ArrayList<>();
    /** A write failure seen outside put (in preCommit or close), to fail the next put with. */
    private RuntimeException pendingFailure;

    @Override
    public String version() {
        return DeltaJdbcSinkConnector.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        config = new DeltaJdbcSinkConfig(props);
        reader = new ChangeEventReader(config.placeholder());
        naming = new TableNaming(config.collectionNameFormat(), Identifiers.of(config));
        metrics = new SinkTaskMetrics();
        int taskId = Integer.parseInt(props.getOrDefault(TASK_ID, "0"));
        metrics.register(config.connectorName(), taskId);
        Dialect dialect = SinkDialects.forUrl(config.connectionUrl(), config.timeZone());
        progress = new SinkProgress(config.exactlyOnce(), config.sourcePositionTracking(), metrics);
        writer = new JdbcWriter(config, dialect, metrics, progress.owner());
        reselect = config.reselectEnabled() ? new BatchReselect(config, metrics) : null;
        String threadName = "connectdelta-writer-" + config.connectorName() + "-" + taskId;
        writerThread = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        transactionTopic = config.transactionTopic();
        maxTransactionsAhead = Math.max(MIN_TRANSACTIONS_AHEAD, 2 * config.batchSize());
        if (config.transactionAware()) {
            transactions = new TransactionBuffer(consumedCollections(props), config.transactionBufferMaxEvents(),
                    config.transactionBufferMaxBytes(), config.transactionBufferOverflow(),
                    config.transactionIncompleteTimeoutMs(), config.transactionIncompletePolicy());
            targetTransactions = new TargetTransactions(config.batchSize());
        }
        LOG.info("Started sink task {} of connector {} writing to {} ({} dialect), insert.mode={}, exactly.once={}, "
                        + "source.position.tracking={}, transaction.aware={}, instance {}", taskId, config.connectorName(),
                config.connectionUrl(), dialect.name(), config.insertMode().name().toLowerCase(), config.exactlyOnce(),
                progress.enabled() && config.sourcePositionTracking(), config.transactionAware(), progress.owner());
    }

    /**
     * Which data collections (schema.table) named by END markers reach this sink: those whose Debezium topic,
     * {@code <topic.prefix>.<schema>.<table>}, is among the connector's topics (or matches topics.regex). The
     * prefix is the transaction topic's name without its last part, as Debezium names it.
     */
    private Predicate<String> consumedCollections(Map<String, String> props) {
        String txTopic = config.transactionTopic();
        int dot = txTopic.lastIndexOf('.');
        String prefix = dot < 0 ? "" : txTopic.substring(0, dot + 1);
        Subscription subscription = Subscription.of(props);
        return collection -> subscription.includes(prefix + collection);
    }

    /** The metrics of this task (also registered in JMX). */
    public SinkTaskMetrics metrics() {
        return metrics;
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        if (!progress.enabled() || partitions.isEmpty()) {
            return;
        }
        // On the writer thread, after the puts queued before: the writer's connection is not shared.
        Map<TopicPartition, PartitionProgress> recorded;
        try {
            recorded = writerThread.submit(() -> writer.claim(partitions)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while claiming " + partitions, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException ? (RuntimeException) cause : new ConnectException(cause);
        }
        Map<TopicPartition, Long> resume = progress.opened(recorded);
        if (!resume.isEmpty()) {
            context.offset(resume);
        }
        LOG.info("Claimed {} partition(s) for instance {}; resuming from the progress recorded in the target: {}",
                partitions.size(), progress.owner(), recorded);
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        if (transactions != null && !partitions.isEmpty()) {
            // Whole transactions handed out by the buffer (some held back for group commit) are written first: the
            // consumer's position in the partitions that stay is past them.
            submit(List.of());
        }
        awaitWriterQuietly();
        for (int i = buffer.size() - 1; i >= 0; i--) {
            if (partitions.contains(Partitions.of(buffer.get(i)))) {
                buffer.remove(i);
                bufferedEvents.remove(i);
            }
        }
        if (transactions != null && !partitions.isEmpty()) {
            // What the revoked partitions brought is read again from the offsets the target recorded, once they are
            // open again; what the others brought stays (a cooperative rebalance keeps them assigned).
            transactions.forget(partitions);
            transactionsAhead = transactions.endedTransactions();
            metrics.recordBuffered(transactions.bufferedEvents(), transactions.pendingTransactions());
        }
        progress.closed(partitions);
        // The worker forgets the pause of partitions it takes away.
        pausedMarkers.removeAll(partitions);
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (records.isEmpty()) {
            if (transactions != null) {
                // No records, but time passed: the buffer looks for a transaction stalled incomplete.
                submit(records);
            }
            // Nothing to decode meanwhile: wait for everything, so that a failed write fails this put.
            awaitWriter();
            throttleTransactionTopic();
            return;
        }
        awaitWriter(PUTS_IN_FLIGHT - 1);
        throttleTransactionTopic();
        submit(records);
    }

    /** Hands the records to the writer thread; the worker hands every put its own list, so the writer may keep it. */
    private void submit(Collection<SinkRecord> records) {
        queuedPuts.incrementAndGet();
        inFlight.addLast(writerThread.submit(() -> process(records)));
    }

    /** On the task's thread (the consumer is not thread-safe): pauses or resumes the transaction topic. */
    private void throttleTransactionTopic() {
        if (transactions == null) {
            return;
        }
        int ahead = transactionsAhead;
        if (pausedMarkers.isEmpty() && ahead > maxTransactionsAhead) {
            for (TopicPartition partition : context.assignment()) {
                if (partition.topic().equals(transactionTopic)) {
                    pausedMarkers.add(partition);
                }
            }
            context.pause(pausedMarkers.toArray(new TopicPartition[0]));
            LOG.debug("Paused {}: {} ended transactions wait for their data events", pausedMarkers, ahead);
        } else if (!pausedMarkers.isEmpty() && ahead <= maxTransactionsAhead / 2) {
            context.resume(pausedMarkers.toArray(new TopicPartition[0]));
            LOG.debug("Resumed {}: {} ended transactions wait for their data events", pausedMarkers, ahead);
            pausedMarkers.clear();
        }
    }

    /** Waits until the writer is idle; a write that failed fails the caller (put fails the task). */
    private void awaitWriter() {
        awaitWriter(0);
    }

    /** Waits until at most {@code pending} puts are still to be written; a write that failed fails the caller. */
    private void awaitWriter(int pending) {
        if (pendingFailure != null) {
            RuntimeException failure = pendingFailure;
            pendingFailure = null;
            throw failure;
        }
        while (inFlight.size() > pending) {
            try {
                inFlight.pollFirst().get();
            } catch (ExecutionException e) {
                // Later puts wrote nothing (writeFailed): they are done with as well.
                inFlight.clear();
                Throwable cause = e.getCause();
                throw cause instanceof RuntimeException ? (RuntimeException) cause : new ConnectException(cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectException("Interrupted while waiting for the writer", e);
            }
        }
    }

    /** Waits until the writer is idle; a failure is kept for the next put, which fails the task with it. */
    private void awaitWriterQuietly() {
        try {
            awaitWriter();
        } catch (RuntimeException e) {
            pendingFailure = e;
        }
    }

    /** On the writer thread: skips what was applied before, then writes (plain) or holds (transaction mode). */
    private void process(Collection<SinkRecord> records) {
        queuedPuts.decrementAndGet();
        if (writeFailed) {
            return;
        }
        try {
            processInOrder(records);
        } catch (RuntimeException e) {
            writeFailed = true;
            throw e;
        }
    }

    private void processInOrder(Collection<SinkRecord> records) {
        int batchSize = config.batchSize();
        for (SinkRecord record : records) {
            if (progress.appliedBeforeByOffset(record)) {
                continue;
            }
            if (transactions != null) {
                holdForTransaction(record);
                continue;
            }
            ChangeEvent event = read(record);
            if (event != null && progress.accept(record, event.logPosition()) == SinkProgress.Verdict.RESENT) {
                event = null;
            }
            // Kept without an event (unreadable, sent again): its offset still moves with the next write.
            buffer.add(record);
            bufferedEvents.add(event);
            if (buffer.size() >= batchSize) {
                writeBuffer();
            }
        }
        // Write now, not in preCommit: the worker only logs exceptions from preCommit, while one from put (the next
        // put, which hands it on from this thread) fails the task as it must. A put already queued writes the rest.
        boolean nextPutQueued = queuedPuts.get() > 0;
        if (transactions != null) {
            writeReadyTransactions(nextPutQueued);
        } else if (!nextPutQueued) {
            writeBuffer();
        }
    }

    /** The record's change event, or null when it cannot be read (then it was reported, or the task fails). */
    private ChangeEvent read(SinkRecord record) {
        try {
            return reader.read(record);
        } catch (RuntimeException e) {
            badRecord(record, e);
            return null;
        }
    }

    private boolean isTransactionTopic(SinkRecord record) {
        return record.originalTopic().equals(transactionTopic);
    }

    private void holdForTransaction(SinkRecord record) {
        if (isTransactionTopic(record)) {
            TransactionMarker marker;
            try {
                marker = TransactionMarker.read(record);
            } catch (RuntimeException e) {
                badRecord(record, e);
                transactions.addUnreadable(record, null);
                return;
            }
            if (marker.status() == TransactionMarker.Status.BEGIN) {
                // END has what the buffer needs: it consumes a BEGIN on its own, holding nothing open.
                transactions.addMarker(record, marker);
                return;
            }
            if (progress.accept(record, marker.position()) == SinkProgress.Verdict.RESENT) {
                // The END of a transaction applied before: its events are skipped as they come, each by its own position.
                transactions.addAlreadyApplied(record);
                return;
            }
            transactions.addMarker(record, marker);
            return;
        }
        ChangeEvent event;
        try {
            event = reader.read(record);
        } catch (RuntimeException e) {
            badRecord(record, e);
            // Still counted in its transaction, so that the rest of the transaction is applied.
            transactions.addUnreadable(record, transactionBlockOf(record));
            return;
        }
        if (progress.accept(record, event.logPosition()) == SinkProgress.Verdict.RESENT) {
            transactions.addAlreadyApplied(record);
            return;
        }
        transactions.add(record, event);
    }

    private static TransactionBlock transactionBlockOf(SinkRecord record) {
        try {
            return TransactionBlock.of(record.value());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Writes every whole source transaction now ready, in commit order, grouped into target transactions
     * ({@link TargetTransactions}); with {@code holdPartial} a last group smaller than batch.size waits for the next
     * call.
     */
    private void writeReadyTransactions(boolean holdPartial) {
        for (List<ApplyUnit> group : targetTransactions.group(transactions.drainReady(), holdPartial)) {
            List<ChangeEvent> planned = new ArrayList<>();
            List<SinkRecord> consumed = new ArrayList<>();
            for (ApplyUnit unit : group) {
                planned.addAll(unit.events());
                consumed.addAll(unit.records());
            }
            apply(planned, progress.progressAfter(consumed, positionsOf(planned)));
            long now = System.nanoTime();
            int sourceTransactions = 0;
            long latency = 0;
            for (ApplyUnit unit : group) {
                if (unit.isTransaction()) {
                    sourceTransactions++;
                    latency += now - unit.completedNanos();
                    if (!unit.complete()) {
                        metrics.recordIncompleteTransactionApplied();
                    }
                }
            }
            metrics.recordSourceTransactions(sourceTransactions, sourceTransactions == 0 ? 0
                    : (int) group.stream().filter(ApplyUnit::isTransaction).mapToLong(u -> u.events().size()).sum(), latency);
            LOG.debug("Applied {} source transaction(s) and {} other event(s) in one target transaction",
                    sourceTransactions, group.size() - sourceTransactions);
        }
        metrics.recordBuffered(transactions.bufferedEvents(), transactions.pendingTransactions());
        transactionsAhead = transactions.endedTransactions();
    }

    /**
     * The source position of each record a write applies: its event's, or an END marker's. Records of events that
     * were not read (reported) or skipped have none: their positions were applied before.
     */
    private Function<SinkRecord, LogPosition> positionsOf(List<ChangeEvent> events) {
        Map<SinkRecord, LogPosition> positions = new IdentityHashMap<>();
        for (ChangeEvent event : events) {
            positions.put((SinkRecord) event.record(), event.logPosition());
        }
        return record -> {
            if (positions.containsKey(record)) {
                return positions.get(record);
            }
            if (transactions != null && isTransactionTopic(record)) {
                try {
                    TransactionMarker marker = TransactionMarker.read(record);
                    return marker.status() == TransactionMarker.Status.END ? marker.position() : null;
                } catch (RuntimeException unreadable) {
                    return null;
                }
            }
            return null;
        };
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        awaitWriterQuietly();
        if (pendingFailure == null) {
            writeBuffer();
        }
        return progress.committable(currentOffsets.keySet());
    }

    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        awaitWriter();
        writeBuffer();
    }

    private void writeBuffer() {
        if (buffer.isEmpty()) {
            return;
        }
        List<SinkRecord> records = buffer;
        List<ChangeEvent> events = new ArrayList<>(records.size());
        for (ChangeEvent event : bufferedEvents) {
            if (event != null) {
                events.add(event);
            }
        }
        buffer = new ArrayList<>();
        bufferedEvents = new ArrayList<>();
        apply(events, progress.progressAfter(records, positionsOf(events)));
    }

    /**
     * Applies the events in one target transaction that also records {@code next} as the partitions' progress.
     * When that fails for a reason other than a transient one or fencing, the events are applied again one by one
     * under savepoints, to find the bad ones and report them (DLQ) or fail naming them.
     */
    private void apply(List<ChangeEvent> events, Map<TopicPartition, PartitionProgress> next) {
        if (reselect != null) {
            events = reselect.apply(events, (event, error) -> badRecord((SinkRecord) event.record(), error));
        }
        PlanBuilder builder = new PlanBuilder(config, naming, writer::inSourceOrder);
        List<ChangeEvent> planned = new ArrayList<>();
        for (ChangeEvent event : events) {
            try {
                if (builder.add(event) == PlanBuilder.Outcome.PLANNED) {
                    planned.add(event);
                } else {
                    metrics.recordIgnored();
                }
            } catch (WriteFailure e) {
                // Reading a table's indexes failed (the planner asks which tables keep source order): not the record.
                throw e;
            } catch (RuntimeException e) {
                // Not only DataExceptions: a value Java cannot convert is a bad record too, never a crash loop.
                badRecord((SinkRecord) event.record(), e);
            }
        }
        try {
            writer.write(List.of(builder.take()), next, null);
            planned.forEach(metrics::recordApplied);
        } catch (RuntimeException e) {
            if (e instanceof FencedException || (e instanceof WriteFailure && e.getCause() instanceof java.sql.SQLException
                    && writer.dialect().isTransient((java.sql.SQLException) e.getCause()))) {
                throw e;
            }
            // Find the record(s) at fault: apply one event per savepoint in a new transaction.
            LOG.debug("A batched write failed ({}); applying its {} events one by one", e.getMessage(), planned.size());
            List<FlushPlan> units = new ArrayList<>(planned.size());
            for (ChangeEvent event : planned) {
                PlanBuilder single = new PlanBuilder(config, naming, writer::inSourceOrder);
                single.add(event);
                units.add(single.take());
            }
            boolean[] failed = new boolean[planned.size()];
            writer.write(units, next, (i, error) -> {
                failed[i] = true;
                badRecord((SinkRecord) planned.get(i).record(), error);
            });
            for (int i = 0; i < planned.size(); i++) {
                if (!failed[i]) {
                    metrics.recordApplied(planned.get(i));
                }
            }
        }
        progress.applied(next);
    }

    /** A record that cannot be applied: to the DLQ with errors.tolerance=all, else the task fails naming it. */
    private void badRecord(SinkRecord record, Exception error) {
        String state = JdbcDialect.sqlState(error);
        String message = "Cannot apply " + RecordLocation.describe(record)
                + (state == null ? "" : " (SQLState " + state + ")") + ": " + error.getMessage();
        ErrantRecordReporter reporter = config.toleratesErrors() ? context.errantRecordReporter() : null;
        if (reporter == null) {
            throw new ConnectException(message, error);
        }
        LOG.warn("{}; reported to the errant record reporter", message);
        try {
            reporter.report(record, error).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while reporting " + RecordLocation.describe(record), e);
        } catch (ExecutionException e) {
            throw new ConnectException("Cannot report " + RecordLocation.describe(record) + " to the DLQ", e.getCause());
        }
        metrics.recordReported();
    }

    @Override
    public void stop() {
        if (writerThread != null) {
            awaitWriterQuietly();
            writerThread.shutdownNow();
        }
        if (writer != null) {
            writer.close();
        }
        if (reselect != null) {
            reselect.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }
}
