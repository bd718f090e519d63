package io.connectdelta.transforms;

import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.ChangeEventReader;
import io.connectdelta.event.Formats;
import io.connectdelta.event.Op;
import io.connectdelta.event.RecordLocation;
import io.connectdelta.event.Row;
import io.connectdelta.event.Shape;
import io.connectdelta.event.ToastPlaceholder;
import org.apache.kafka.common.cache.Cache;
import org.apache.kafka.common.cache.LRUCache;
import org.apache.kafka.common.cache.SynchronizedCache;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.transforms.Transformation;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the shape-converting transforms share: reading any record into a {@link ChangeEvent}, and emitting a
 * record with a new value and the {@value Formats#FORMAT_HEADER} header. Tombstones pass through unchanged, and
 * so do Debezium's own metadata records on a source connector: transaction BEGIN/END markers and heartbeats.
 * Public, so that the worker's plugin scanning sees its subclasses as transforms.
 */
public abstract class ChangeEventTransformation<R extends ConnectRecord<R>> implements Transformation<R> {

    private ChangeEventReader reader = new ChangeEventReader();
    private final Cache<List<Schema>, Schema> schemaCache = new SynchronizedCache<>(new LRUCache<>(16));

    /** Adds the TOAST placeholder key, so a bad placeholder fails validation, not the first record. */
    static ConfigDef definePlaceholder(ConfigDef def) {
        return def.define(ToastPlaceholder.CONFIG, ConfigDef.Type.STRING, ToastPlaceholder.DEFAULT_PLACEHOLDER,
                PLACEHOLDER_VALIDATOR, ConfigDef.Importance.MEDIUM, ToastPlaceholder.CONFIG_DOC);
    }

    /** The model's validator, described for the generated documentation. */
    private static final ConfigDef.Validator PLACEHOLDER_VALIDATOR = new ConfigDef.Validator() {
        private final ConfigDef.Validator validator = ToastPlaceholder.validator();

        @Override
        public void ensureValid(String name, Object value) {
            validator.ensureValid(name, value);
        }

        @Override
        public String toString() {
            return "non-empty text, or hex:<hex digits>";
        }
    };

    void usePlaceholder(String configured) {
        reader = new ChangeEventReader(ToastPlaceholder.of(configured));
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public R apply(R record) {
        if (record.value() == null) {
            return applyTombstone(record);
        }
        if (ChangeEventReader.isDebeziumMetadata(record)) {
            return record;
        }
        return apply(record, reader.read(record));
    }

    /** A tombstone (key, null value): passed through unchanged unless a transform needs to see it. */
    R applyTombstone(R record) {
        return record;
    }

    abstract R apply(R record, ChangeEvent event);

    @Override
    public void close() {
    }

    /** A derived schema from the cache, derived on a miss: its inputs (any may be null) decide it alone. */
    Schema cachedSchema(Supplier<Schema> derive, Schema... inputs) {
        // The records of a topic share their schema instances (converters cache them): an identity check first
        // spares the deep hashCode of a whole envelope schema that the map lookup computes for every record.
        LastSchema last = lastSchema;
        if (last != null && Arrays.equals(last.inputs, inputs, (a, b) -> a == b ? 0 : 1)) {
            return last.derived;
        }
        List<Schema> key = Arrays.asList(inputs.clone());
        Schema schema = schemaCache.get(key);
        if (schema == null) {
            schema = derive.get();
            schemaCache.put(key, schema);
        }
        lastSchema = new LastSchema(inputs.clone(), schema);
        return schema;
    }

    /** The last schema derived, with the instances it was derived from. */
    private record LastSchema(Schema[] inputs, Schema derived) {
    }

    private volatile LastSchema lastSchema;

    /** The record with a new value and the format header set to {@code shape} (replacing any earlier one). */
    static <R extends ConnectRecord<R>> R emit(R record, Schema valueSchema, Object value, Shape shape) {
        Headers headers = record.headers().duplicate();
        headers.remove(Formats.FORMAT_HEADER);
        headers.addString(Formats.FORMAT_HEADER, shape.wireName());
        return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                valueSchema, value, record.timestamp(), headers);
    }

    /** The record unchanged but for the format header. */
    static <R extends ConnectRecord<R>> R withHeader(R record, Shape shape) {
        return emit(record, record.valueSchema(), record.value(), shape);
    }

    /** True when the value is Debezium's envelope (op with before/after), false for a flattened row. */
    static boolean isEnvelope(Object value) {
        return has(value, Formats.OP) && (has(value, Formats.AFTER) || has(value, Formats.BEFORE));
    }

    /** The event's key row; a DataException naming the record when there is none (truncates need none). */
    static Row requireKey(ChangeEvent event, String transform) {
        if (event.key() == null && event.op() != Op.TRUNCATE) {
            throw new DataException(transform + " requires a record key (a Struct or Map of the row's key fields)"
                    + " to identify the row, but found " + describeKey(event.record().key()) + " in "
                    + RecordLocation.describe(event.record()));
        }
        return event.key();
    }

    /** The value as a Struct, or a DataException naming the record and the purpose. */
    static Struct requireStruct(ConnectRecord<?> record, String purpose) {
        if (!(record.value() instanceof Struct)) {
            throw new DataException("Only Struct objects supported for [" + purpose + "], found: "
                    + record.value().getClass().getName() + " in " + RecordLocation.describe(record));
        }
        return (Struct) record.value();
    }

    /** The value as a Map, or a DataException naming the record and the purpose. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> requireMap(ConnectRecord<?> record, String purpose) {
        if (!(record.value() instanceof Map)) {
            throw new DataException("Only Map objects supported in absence of schema for [" + purpose + "], found: "
                    + record.value().getClass().getName() + " in " + RecordLocation.describe(record));
        }
        return (Map<String, Object>) record.value();
    }

    private static boolean has(Object value, String name) {
        if (value instanceof Struct) {
            return ((Struct) value).schema().field(name) != null;
        }
        return value instanceof Map && ((Map<?, ?>) value).containsKey(name);
    }

    private static String describeKey(Object key) {
        return key == null ? "none" : "a " + key.getClass().getSimpleName();
    }
}
