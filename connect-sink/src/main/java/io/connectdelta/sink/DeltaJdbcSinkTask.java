package io.connectdelta.sink;

import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.ChangeEventReader;
import io.connectdelta.event.RecordLocation;
import io.connectdelta.sink.dialect.Dialect;
import io.connectdelta.sink.metrics.SinkTaskMetrics;
import io.connectdelta.sink.plan.FlushPlan;
import io.connectdelta.sink.plan.PlanBuilder;
import io.connectdelta.sink.plan.TableNaming;
import io.connectdelta.sink.writer.JdbcWriter;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Buffers records, turns them into a plan and hands it to the writer; commits offsets only for records that are
 * applied (or reported to the DLQ). In exactly-once mode the next offsets live in the target database, written in
 * the data's transaction, and the task resumes from there.
 */
public class DeltaJdbcSinkTask extends SinkTask {
    private static final Logger LOG = LoggerFactory.getLogger(DeltaJdbcSinkTask.class);
    static final String TASK_ID = "connectdelta.task.id";

    private DeltaJdbcSinkConfig config;
    private ChangeEventReader reader;
    private TableNaming naming;
    private JdbcWriter writer;
    private SinkTaskMetrics metrics;
    private List<SinkRecord> buffer = new ArrayList<>();
    /** Per partition the offset after the last record applied or reported: what may be committed. */
    private final Map<TopicPartition, Long> appliedNext = new HashMap<>();
    /** Per partition the next offset recorded in the target: records below it were applied before. */
    private final Map<TopicPartition, Long> recordedNext = new HashMap<>();

    @Override
    public String version() {
        return DeltaJdbcSinkConnector.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        config = new DeltaJdbcSinkConfig(props);
        reader = new ChangeEventReader(config.placeholder());
        naming = new TableNaming(config.collectionNameFormat());
        metrics = new SinkTaskMetrics();
        int taskId = Integer.parseInt(props.getOrDefault(TASK_ID, "0"));
        metrics.register(config.connectorName(), taskId);
        Dialect dialect = Dialect.forUrl(config.connectionUrl());
        writer = new JdbcWriter(config, dialect, metrics);
        LOG.info("Started sink task {} of connector {} writing to {} ({} dialect), insert.mode={}, exactly.once={}",
                taskId, config.connectorName(), config.connectionUrl(), dialect.name(),
                config.insertMode().name().toLowerCase(), config.exactlyOnce());
    }

    /** The metrics of this task (also registered in JMX). */
    public SinkTaskMetrics metrics() {
        return metrics;
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        if (!config.exactlyOnce() || partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> recorded = writer.readOffsets(partitions);
        recordedNext.putAll(recorded);
        if (!recorded.isEmpty()) {
            context.offset(recorded);
            LOG.info("Resuming from the offsets recorded in the target: {}", recorded);
        }
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        buffer.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.kafkaPartition())));
        partitions.forEach(p -> {
            recordedNext.remove(p);
            appliedNext.remove(p);
        });
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        for (SinkRecord record : records) {
            Long recorded = recordedNext.get(new TopicPartition(record.topic(), record.kafkaPartition()));
            if (recorded != null && record.kafkaOffset() < recorded) {
                metrics.recordAlreadyApplied();
                continue;
            }
            buffer.add(record);
            if (buffer.size() >= config.batchSize()) {
                writeBuffer();
            }
        }
        // Write now, not in preCommit: the worker only logs exceptions from preCommit, while one from put fails
        // the task as it must.
        writeBuffer();
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        writeBuffer();
        Map<TopicPartition, OffsetAndMetadata> committable = new HashMap<>();
        for (TopicPartition partition : currentOffsets.keySet()) {
            Long next = appliedNext.get(partition);
            if (next != null) {
                committable.put(partition, new OffsetAndMetadata(next));
            }
        }
        return committable;
    }

    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        writeBuffer();
    }

    private void writeBuffer() {
        if (buffer.isEmpty()) {
            return;
        }
        List<SinkRecord> records = buffer;
        buffer = new ArrayList<>();
        Map<TopicPartition, Long> next = new HashMap<>();
        for (SinkRecord record : records) {
            next.merge(new TopicPartition(record.topic(), record.kafkaPartition()), record.kafkaOffset() + 1, Math::max);
        }
        PlanBuilder builder = new PlanBuilder(config, naming);
        List<ChangeEvent> planned = new ArrayList<>();
        for (SinkRecord record : records) {
            try {
                ChangeEvent event = reader.read(record);
                if (builder.add(event) == PlanBuilder.Outcome.PLANNED) {
                    planned.add(event);
                } else {
                    metrics.recordIgnored();
                }
            } catch (DataException e) {
                badRecord(record, e);
            }
        }
        try {
            writer.write(List.of(builder.take()), next, null);
            planned.forEach(metrics::recordApplied);
        } catch (ConnectException e) {
            if (e.getCause() instanceof java.sql.SQLException && writer.dialect().isTransient((java.sql.SQLException) e.getCause())) {
                throw e;
            }
            // Find the record(s) at fault: apply one event per savepoint in a new transaction.
            LOG.debug("A batched write failed ({}); applying its {} events one by one", e.getMessage(), planned.size());
            List<FlushPlan> units = new ArrayList<>(planned.size());
            for (ChangeEvent event : planned) {
                PlanBuilder single = new PlanBuilder(config, naming);
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
        appliedNext.putAll(next);
        next.forEach((partition, offset) -> recordedNext.computeIfPresent(partition, (p, old) -> Math.max(old, offset)));
    }

    /** A record that cannot be applied: to the DLQ with errors.tolerance=all, else the task fails naming it. */
    private void badRecord(SinkRecord record, Exception error) {
        String state = Dialect.sqlState(error);
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
        if (writer != null) {
            writer.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }
}
