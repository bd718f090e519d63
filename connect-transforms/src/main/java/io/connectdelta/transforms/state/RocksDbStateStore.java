package io.connectdelta.transforms.state;

import io.connectdelta.event.Row;
import io.connectdelta.event.RowStructs;
import io.connectdelta.event.json.RowJson;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.json.JsonConverter;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A state store in a RocksDB database in a directory: it survives restarts of the task and the worker.
 * Each row is kept as JsonConverter's JSON with its schema, so a row with a schema comes back with exactly that
 * schema. Rows without a schema come back as JsonConverter's schemaless values (numbers as Long or Double,
 * bytes as base64 text, as {@link RowJson} writes them).
 * Writes go to RocksDB's write-ahead log without an fsync per record: a crash of the process loses nothing,
 * a crash of the machine may lose the last writes.
 */
public final class RocksDbStateStore implements StateStore {
    private static final Logger log = LoggerFactory.getLogger(RocksDbStateStore.class);
    private static final char SEPARATOR = '\u0000';

    private final Path directory;
    private final Options options;
    private final RocksDB db;
    private final JsonConverter converter = new JsonConverter();

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
        converter.configure(Map.of("schemas.enable", "true", "replace.null.with.default", "false"), false);
        log.info("Opened the RocksDB state store in {}", directory);
    }

    @Override
    public Row get(String topic, String key) {
        byte[] stored;
        try {
            stored = db.get(key(topic, key));
        } catch (RocksDBException e) {
            throw failure("read", e);
        }
        if (stored == null) {
            return null;
        }
        SchemaAndValue row = converter.toConnectData(topic, stored);
        if (row.value() instanceof Struct) {
            return Row.ofStruct((Struct) row.value());
        }
        Map<String, Object> values = new LinkedHashMap<>();
        ((Map<?, ?>) row.value()).forEach((name, value) -> values.put(String.valueOf(name), value));
        return Row.of(null, values);
    }

    @Override
    public void put(String topic, String key, Row row) {
        // Schemaless values go through RowJson first: it writes decimals, dates and bytes that JsonConverter cannot.
        byte[] value = row.schema() == null
                ? converter.fromConnectData(topic, null, RowJson.fromJson(null, RowJson.toJson(row)))
                : converter.fromConnectData(topic, row.schema(), RowStructs.toStruct(row, row.schema()));
        try {
            db.put(key(topic, key), value);
        } catch (RocksDBException e) {
            throw failure("write", e);
        }
    }

    @Override
    public void remove(String topic, String key) {
        try {
            db.delete(key(topic, key));
        } catch (RocksDBException e) {
            throw failure("delete from", e);
        }
    }

    @Override
    public void removeTopic(String topic) {
        try {
            db.deleteRange((topic + SEPARATOR).getBytes(StandardCharsets.UTF_8),
                    (topic + (char) (SEPARATOR + 1)).getBytes(StandardCharsets.UTF_8));
        } catch (RocksDBException e) {
            throw failure("delete from", e);
        }
    }

    @Override
    public void close() {
        db.close();
        options.close();
        converter.close();
    }

    private static byte[] key(String topic, String key) {
        return (topic + SEPARATOR + key).getBytes(StandardCharsets.UTF_8);
    }

    private ConnectException failure(String action, RocksDBException e) {
        return new ConnectException("Cannot " + action + " the RocksDB state store in " + directory + ": "
                + e.getMessage(), e);
    }
}
