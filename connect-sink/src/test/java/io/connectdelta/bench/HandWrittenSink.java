package io.connectdelta.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hand-written JDBC that applies the same full events with the best batching and pipelining we can give it,
 * outside Kafka Connect: one thread polls and decodes (JsonConverter, as a worker would), another writes with
 * {@link Writer}. It shows what the Connect worker itself costs; the benchmark's "limit" is the same writer inside
 * the worker ({@link HandWrittenSinkConnector}).
 */
final class HandWrittenSink {
    private static final int BATCH = 2000;
    private static final Object END = new Object();

    private HandWrittenSink() {
    }

    /** Applies the whole topic; returns the elapsed nanoseconds from the first poll to the sentinel's commit. */
    static long run(String bootstrap, String topic, String jdbcUrl, String user, String password, String table)
            throws Exception {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, BATCH,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 32 * 1024 * 1024,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 50 * 1024 * 1024,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "true", "converter.type", "value"));
        BlockingQueue<Object> batches = new ArrayBlockingQueue<>(4);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] done = new long[1];
        Thread writer = new Thread(() -> {
            try {
                write(batches, jdbcUrl, user, password, table, done);
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "limit-writer");
        writer.start();
        long start = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end && failure.get() == null) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                List<Struct> batch = new ArrayList<>(records.count());
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    SchemaAndValue value = converter.toConnectData(topic, record.value());
                    batch.add((Struct) value.value());
                }
                if (!batch.isEmpty()) {
                    batches.put(batch);
                }
            }
            batches.put(END);
        }
        writer.join();
        if (failure.get() != null) {
            throw new IllegalStateException("The hand-written sink failed", failure.get());
        }
        return done[0] - start;
    }

    private static void write(BlockingQueue<Object> batches, String url, String user, String password, String table,
                              long[] done) throws Exception {
        try (Writer writer = new Writer(url, user, password, table)) {
            while (true) {
                Object next = batches.take();
                if (next == END) {
                    return;
                }
                @SuppressWarnings("unchecked")
                List<Struct> batch = (List<Struct>) next;
                if (writer.apply(batch)) {
                    done[0] = System.nanoTime();
                }
            }
        }
    }

    /**
     * Applies batches of full events in one transaction each: the last change per key decides, as one batched upsert
     * (rewritten by the driver into multi-row inserts) and one DELETE ... = ANY(?).
     */
    static final class Writer implements AutoCloseable {
        private final Connection connection;
        private final PreparedStatement upsert;
        private final PreparedStatement delete;

        Writer(String url, String user, String password, String table) throws SQLException {
            String[] columns = BenchmarkEvents.COLUMNS;
            StringBuilder sql = new StringBuilder("INSERT INTO \"" + table + "\" (");
            StringBuilder values = new StringBuilder();
            StringBuilder updates = new StringBuilder();
            for (int i = 0; i < columns.length; i++) {
                sql.append(i == 0 ? "" : ", ").append('"').append(columns[i]).append('"');
                values.append(i == 0 ? "?" : ", ?");
                if (i > 0) {
                    updates.append(i == 1 ? "" : ", ").append('"').append(columns[i]).append("\" = EXCLUDED.\"")
                            .append(columns[i]).append('"');
                }
            }
            sql.append(") VALUES (").append(values).append(") ON CONFLICT (\"id\") DO UPDATE SET ").append(updates);
            String separator = url.contains("?") ? "&" : "?";
            connection = DriverManager.getConnection(url + separator + "reWriteBatchedInserts=true", user, password);
            connection.setAutoCommit(false);
            upsert = connection.prepareStatement(sql.toString());
            delete = connection.prepareStatement("DELETE FROM \"" + table + "\" WHERE \"id\" = ANY(?)");
        }

        /** Applies and commits one batch of envelopes; true when it held the sentinel row. */
        boolean apply(List<Struct> batch) throws SQLException {
            // The last change per key decides: an upsert of its row, or a delete.
            Map<Long, Struct> last = new LinkedHashMap<>();
            boolean sentinel = false;
            for (Struct envelope : batch) {
                Struct row = envelope.getStruct("after") != null ? envelope.getStruct("after") : envelope.getStruct("before");
                long id = row.getInt64("id");
                last.remove(id);
                last.put(id, envelope);
                sentinel |= id == BenchmarkEvents.SENTINEL_ID;
            }
            List<Long> deletes = new ArrayList<>();
            int upserts = 0;
            for (Map.Entry<Long, Struct> entry : last.entrySet()) {
                Struct after = entry.getValue().getStruct("after");
                if (after == null) {
                    deletes.add(entry.getKey());
                    continue;
                }
                bind(upsert, after);
                upsert.addBatch();
                upserts++;
            }
            if (upserts > 0) {
                upsert.executeBatch();
            }
            if (!deletes.isEmpty()) {
                delete.setArray(1, connection.createArrayOf("bigint", deletes.toArray()));
                delete.executeUpdate();
            }
            connection.commit();
            return sentinel;
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }

    private static void bind(PreparedStatement statement, Struct row) throws SQLException {
        String[] columns = BenchmarkEvents.COLUMNS;
        for (int i = 0; i < columns.length; i++) {
            Object value = row.get(columns[i]);
            int index = i + 1;
            if (i == 0) {
                statement.setLong(index, (Long) value);
                continue;
            }
            switch (columns[i].charAt(0)) {
                case 's': statement.setString(index, (String) value); break;
                case 'i': if (value == null) statement.setNull(index, Types.INTEGER); else statement.setInt(index, (Integer) value); break;
                case 'l':
                    if (value == null) statement.setNull(index, Types.BIGINT); else statement.setLong(index, (Long) value);
                    break;
                case 'd': statement.setBigDecimal(index, (BigDecimal) value); break;
                case 't':
                    if (value == null) {
                        statement.setNull(index, Types.TIMESTAMP);
                    } else {
                        long micros = (Long) value;
                        statement.setObject(index, LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                                (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC));
                    }
                    break;
                case 'b': if (value == null) statement.setNull(index, Types.BOOLEAN); else statement.setBoolean(index, (Boolean) value); break;
                case 'f': if (value == null) statement.setNull(index, Types.DOUBLE); else statement.setDouble(index, (Double) value); break;
                default: throw new IllegalArgumentException(columns[i]);
            }
        }
    }
}
