package io.connectdelta.sink.support;

import io.connectdelta.sink.DeltaJdbcSinkTask;
import io.connectdelta.testing.TestDatabase;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Runs a real {@link DeltaJdbcSinkTask} the way the worker does (start, open, put, preCommit, close, stop) against a
 * real database, with a task context that records what the task asks of the worker.
 */
public final class TaskHarness implements AutoCloseable {
    private final DeltaJdbcSinkTask task = new DeltaJdbcSinkTask();
    private final RecordingContext context = new RecordingContext();
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final Set<TopicPartition> paused = new HashSet<>();

    public static Map<String, String> baseConfig(TestDatabase db, String name) {
        Map<String, String> config = new HashMap<>();
        config.put("name", name);
        config.put("connection.url", db.jdbcUrl());
        config.put("connection.username", db.user());
        config.put("connection.password", db.password());
        config.put("delete.enabled", "true");
        config.put("truncate.enabled", "true");
        config.put("max.retries", "1");
        config.put("retry.backoff.ms", "10");
        return config;
    }

    public TaskHarness(Map<String, String> config, String... topics) {
        this(config, partitionsZero(topics));
    }

    /** A task started and opened with these partitions. */
    public TaskHarness(Map<String, String> config, Collection<TopicPartition> partitions) {
        task.initialize(context);
        task.start(config);
        assign(partitions);
    }

    private static List<TopicPartition> partitionsZero(String... topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            partitions.add(new TopicPartition(topic, 0));
        }
        return partitions;
    }

    /** Assigns and opens partitions, as the worker does in a rebalance. */
    public void assign(Collection<TopicPartition> partitions) {
        assigned.addAll(partitions);
        task.open(partitions);
    }

    /**
     * Takes partitions away as a cooperative rebalance does: the worker commits, then closes only those, and the
     * task keeps the others.
     */
    public Map<TopicPartition, OffsetAndMetadata> revoke(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> committed = commit();
        task.close(partitions);
        assigned.removeAll(partitions);
        paused.removeAll(partitions);
        return committed;
    }

    public DeltaJdbcSinkTask task() {
        return task;
    }

    /**
     * Puts the records in one call and commits like the worker does; returns the committable offsets. The task
     * writes on its own thread: a failed write fails the next put, so an empty put follows, as the worker's next
     * poll would.
     */
    public Map<TopicPartition, OffsetAndMetadata> putAndCommit(List<SinkRecord> records) {
        task.put(records);
        task.put(List.of());
        return commit();
    }

    private Map<TopicPartition, OffsetAndMetadata> commit() {
        Map<TopicPartition, OffsetAndMetadata> current = new HashMap<>();
        for (TopicPartition partition : assigned) {
            current.put(partition, new OffsetAndMetadata(0));
        }
        return task.preCommit(current);
    }

    public Map<TopicPartition, OffsetAndMetadata> putAndCommit(SinkRecord... records) {
        return putAndCommit(List.of(records));
    }

    /** Offsets the task asked the worker to seek to. */
    public Map<TopicPartition, Long> requestedOffsets() {
        return context.offsets;
    }

    /** Records the task reported as errant (to the DLQ). */
    public List<SinkRecord> reported() {
        return context.reported;
    }

    @Override
    public void close() {
        task.close(assigned);
        task.stop();
    }

    /** Rows of a query as column-name maps (a LinkedHashMap per row). */
    public static List<Map<String, Object>> query(TestDatabase db, String sql) {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private final class RecordingContext implements SinkTaskContext {
        final Map<TopicPartition, Long> offsets = new HashMap<>();
        final List<SinkRecord> reported = new ArrayList<>();

        @Override
        public Map<String, String> configs() {
            return Map.of();
        }

        @Override
        public void offset(Map<TopicPartition, Long> offsets) {
            this.offsets.putAll(offsets);
        }

        @Override
        public void offset(TopicPartition tp, long offset) {
            offsets.put(tp, offset);
        }

        @Override
        public void timeout(long timeoutMs) {
        }

        @Override
        public Set<TopicPartition> assignment() {
            return assigned;
        }

        @Override
        public void pause(TopicPartition... partitions) {
            paused.addAll(List.of(partitions));
        }

        @Override
        public void resume(TopicPartition... partitions) {
            paused.removeAll(List.of(partitions));
        }

        @Override
        public void requestCommit() {
        }

        @Override
        public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
            return null;
        }

        @Override
        public ErrantRecordReporter errantRecordReporter() {
            return (record, error) -> {
                reported.add((SinkRecord) record);
                return CompletableFuture.completedFuture(null);
            };
        }
    }

    /** The partitions the task has paused and not resumed. */
    public Set<TopicPartition> paused() {
        return paused;
    }

    public Collection<TopicPartition> assigned() {
        return assigned;
    }
}
