package io.connectdelta.transforms.state;

import io.connectdelta.event.Row;
import io.connectdelta.event.RowStructs;
import io.connectdelta.event.json.RowJson;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.json.JsonConverter;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A state store in a RocksDB database in a directory: it survives restarts of the task and the worker.
 * Each row is kept as JsonConverter's JSON with its schema, so a row with a schema comes back with exactly that
 * schema. Rows without a schema come back as JsonConverter's schemaless values (numbers as Long or Double,
 * bytes as base64 text, as {@link RowJson} writes them).
 * Writes go to RocksDB's write-ahead log without an fsync per record: a crash of the process loses nothing
 * but what the store saw of the records after its last write, which changed no row (the next record may then look
 * like a jump, and rows are treated as missing, never trusted wrongly); a crash of the machine may lose the last
 * writes. A deletion marker is a value of the position alone. What the
 * store has seen of each partition is kept under keys starting with {@code SEEN_PREFIX}, which no topic name
 * starts with, so that forgetting a topic's rows leaves them. It is written in one batch with the next change of a
 * row (or on close), not by a write of its own per record: a write costs as much as the rest of a record's work,
 * and a row is never on disk without what the store had seen when it was written.
 */
public final class RocksDbStateStore implements StateStore {
    private static final Logger log = LoggerFactory.getLogger(RocksDbStateStore.class);
    private static final char SEPARATOR = '\u0000';
    /** Each value starts with the partition (int) and offset (long) of the event it was written from. */
    private static final int POSITION_BYTES = Integer.BYTES + Long.BYTES;
    private static final char SEEN_PREFIX = '\u0001';

    private final Path directory;
    private final Options options;
    private final RocksDB db;
    private final JsonConverter converter = new JsonConverter();
    private final WriteOptions writeOptions;
    private final WriteBatch batch;
    /** What the store has seen of partitions since its last write. */
    private final Map<TopicPartition, SeenOffsets> unsaved = new HashMap<>();

    public RocksDbStateStore(Path directory) {
        this.directory = directory;
        RocksDB.loadLibrary();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new ConfigException("Cannot create the state directory " + directory + ": " + e.getMessage());
        }
        options = new Options().setCreateIfMissing(true);
        try {
            db = RocksDB.open(options, directory.toString());
        } catch (RocksDBException e) {
            options.close();
            throw new ConnectException("Cannot open the RocksDB state store in " + directory
                    + " (is another task using the same state.dir?): " + e.getMessage(), e);
        }
        writeOptions = new WriteOptions();
        batch = new WriteBatch();
        converter.configure(Map.of("schemas.enable", "true", "replace.null.with.default", "false"), false);
        log.info("Opened the RocksDB state store in {}", directory);
    }

    @Override
    public StoredRow get(String topic, String key) {
        byte[] stored;
        try {
            stored = db.get(key(topic, key));
        } catch (RocksDBException e) {
            throw failure("read", e);
        }
        if (stored == null) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(stored);
        int partition = buffer.getInt();
        long offset = buffer.getLong();
        if (stored.length == POSITION_BYTES) {
            return StoredRow.deleted(partition, offset);
        }
        SchemaAndValue row = converter.toConnectData(topic, Arrays.copyOfRange(stored, POSITION_BYTES, stored.length));
        if (row.value() instanceof Struct) {
            return new StoredRow(Row.ofStruct((Struct) row.value()), partition, offset);
        }
        Map<String, Object> values = new LinkedHashMap<>();
        ((Map<?, ?>) row.value()).forEach((name, value) -> values.put(String.valueOf(name), value));
        return new StoredRow(Row.of(null, values), partition, offset);
    }

    @Override
    public void put(String topic, String key, StoredRow stored) {
        Row row = stored.row();
        if (row == null) {
            byte[] marker = ByteBuffer.allocate(POSITION_BYTES).putInt(stored.partition()).putLong(stored.offset()).array();
            write(changes -> changes.put(key(topic, key), marker));
            return;
        }
        // Schemaless values go through RowJson first: it writes decimals, dates and bytes that JsonConverter cannot.
        byte[] json = row.schema() == null
                ? converter.fromConnectData(topic, null, RowJson.fromJson(null, RowJson.toJson(row)))
                : converter.fromConnectData(topic, row.schema(), RowStructs.toStruct(row, row.schema()));
        byte[] value = ByteBuffer.allocate(POSITION_BYTES + json.length)
                .putInt(stored.partition()).putLong(stored.offset()).put(json).array();
        write(changes -> changes.put(key(topic, key), value));
    }

    @Override
    public SeenOffsets seenOffsets(TopicPartition partition) {
        SeenOffsets seen = unsaved.get(partition);
        if (seen != null) {
            return seen;
        }
        byte[] stored;
        try {
            stored = db.get(seenKey(partition));
        } catch (RocksDBException e) {
            throw failure("read", e);
        }
        if (stored == null) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(stored);
        return new SeenOffsets(buffer.getLong(), buffer.getLong());
    }

    @Override
    public void putSeenOffsets(TopicPartition partition, SeenOffsets seen) {
        unsaved.put(partition, seen);
    }

    @Override
    public void remove(String topic, String key) {
        write(changes -> changes.delete(key(topic, key)));
    }

    @Override
    public void removeTopic(String topic) {
        write(changes -> changes.deleteRange((topic + SEPARATOR).getBytes(StandardCharsets.UTF_8),
                (topic + (char) (SEPARATOR + 1)).getBytes(StandardCharsets.UTF_8)));
    }

    /** Writes a change together with what the store has seen since its last write, in one batch. */
    private void write(Change change) {
        try {
            batch.clear();
            change.addTo(batch);
            for (Map.Entry<TopicPartition, SeenOffsets> seen : unsaved.entrySet()) {
                batch.put(seenKey(seen.getKey()), ByteBuffer.allocate(2 * Long.BYTES)
                        .putLong(seen.getValue().since()).putLong(seen.getValue().last()).array());
            }
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw failure("write", e);
        }
        unsaved.clear();
    }

    private interface Change {
        void addTo(WriteBatch batch) throws RocksDBException;
    }

    @Override
    public void close() {
        if (!unsaved.isEmpty()) {
            write(changes -> { });
        }
        batch.close();
        writeOptions.close();
        db.close();
        options.close();
        converter.close();
    }

    private static byte[] key(String topic, String key) {
        return (topic + SEPARATOR + key).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] seenKey(TopicPartition partition) {
        return (SEEN_PREFIX + partition.topic() + SEPARATOR + partition.partition()).getBytes(StandardCharsets.UTF_8);
    }

    private ConnectException failure(String action, RocksDBException e) {
        return new ConnectException("Cannot " + action + " the RocksDB state store in " + directory + ": "
                + e.getMessage(), e);
    }
}
