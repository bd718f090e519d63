package io.connectdelta.bench;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The benchmark's "limit": the hand-written JDBC writer of {@link HandWrittenSink.Writer} as a sink connector in the
 * same Connect worker as the others, with the best pipelining we can give it. put() only queues the records' values
 * (up to four batches ahead) for a writer thread, so the worker decodes the next records while earlier ones are
 * written; preCommit reports the offsets of committed batches. It knows the benchmark's table and nothing else: no
 * shapes, no TOAST placeholders, no schema, no error handling beyond failing.
 */
public class HandWrittenSinkConnector extends SinkConnector {
    static final String TABLE = "table";
    private static final ConfigDef CONFIG = new ConfigDef()
            .define("connection.url", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "JDBC URL")
            .define("connection.username", ConfigDef.Type.STRING, "postgres", ConfigDef.Importance.LOW, "user")
            .define("connection.password", ConfigDef.Type.PASSWORD, "", ConfigDef.Importance.LOW, "password")
            .define(TABLE, ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "target table");

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return HandWrittenSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(props);
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return CONFIG;
    }

    @Override
    public String version() {
        return "bench";
    }

    /** The task: queues values for its writer thread. */
    public static class HandWrittenSinkTask extends SinkTask {
        private static final Batch END = new Batch(List.of(), Map.of());
        private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(4);
        private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private Thread writerThread;

        private record Batch(List<Struct> values, Map<TopicPartition, Long> next) {
        }

        @Override
        public String version() {
            return "bench";
        }

        @Override
        public void start(Map<String, String> props) {
            HandWrittenSink.Writer writer;
            try {
                writer = new HandWrittenSink.Writer(props.get("connection.url"),
                        props.getOrDefault("connection.username", "postgres"),
                        props.getOrDefault("connection.password", ""), props.get(TABLE));
            } catch (SQLException e) {
                throw new ConnectException(e);
            }
            writerThread = new Thread(() -> {
                try (writer) {
                    for (Batch batch = queue.take(); batch != END; batch = queue.take()) {
                        writer.apply(batch.values());
                        committed.putAll(batch.next());
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "hand-written-writer");
            writerThread.start();
        }

        @Override
        public void put(Collection<SinkRecord> records) {
            failIfFailed();
            if (records.isEmpty()) {
                return;
            }
            List<Struct> values = new ArrayList<>(records.size());
            Map<TopicPartition, Long> next = new HashMap<>();
            for (SinkRecord record : records) {
                values.add((Struct) record.value());
                next.put(new TopicPartition(record.topic(), record.kafkaPartition()), record.kafkaOffset() + 1);
            }
            try {
                queue.put(new Batch(values, next));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectException(e);
            }
        }

        @Override
        public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> current) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            committed.forEach((partition, next) -> offsets.put(partition, new OffsetAndMetadata(next)));
            return offsets;
        }

        private void failIfFailed() {
            if (failure.get() != null) {
                throw new ConnectException("The hand-written writer failed", failure.get());
            }
        }

        @Override
        public void stop() {
            if (writerThread == null) {
                return;
            }
            queue.clear();
            queue.offer(END);
            try {
                writerThread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
