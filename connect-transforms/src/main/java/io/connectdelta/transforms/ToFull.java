package io.connectdelta.transforms;

import com.fasterxml.jackson.databind.JsonNode;
import com.flipkart.zjsonpatch.JsonPatch;
import com.flipkart.zjsonpatch.JsonPatchApplicationException;
import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.Formats;
import io.connectdelta.event.Op;
import io.connectdelta.event.RecordLocation;
import io.connectdelta.event.Row;
import io.connectdelta.event.RowStructs;
import io.connectdelta.event.Shape;
import io.connectdelta.event.ToastPlaceholder;
import io.connectdelta.event.json.RowJson;
import io.connectdelta.transforms.state.MemoryStateStore;
import io.connectdelta.transforms.reselect.SourceRowFetcher;
import io.connectdelta.transforms.state.MissingStateResolver;
import io.connectdelta.transforms.state.PartitionOwnership;
import io.connectdelta.transforms.state.RocksDbStateStore;
import io.connectdelta.transforms.state.StateStore;
import io.connectdelta.transforms.state.StoredRow;
import org.apache.kafka.common.cache.Cache;
import org.apache.kafka.common.cache.LRUCache;
import org.apache.kafka.common.cache.SynchronizedCache;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.util.SimpleConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns delta, JSON Patch and full events holding TOAST placeholders back into complete full events, from a
 * store of the last known full row of each key (per topic). See docs/formats.md.
 */
public class ToFull<R extends ConnectRecord<R>> extends ChangeEventTransformation<R> {
    public static final String OVERVIEW_DOC = "Turns delta events, JSON Patch events and full events holding TOAST "
            + "placeholders into complete full events (Debezium's envelope, before = the previously known row), "
            + "from a store of the last known full row of each key per topic. Full events without placeholders "
            + "are stored and passed through; deletes and tombstones evict the row, truncates every row of the "
            + "topic. Sets the record header " + Formats.FORMAT_HEADER + " to full. The store is per task: it "
            + "learns rows from the events it sees, so it must see every event of a key, in order; a row stored "
            + "before the task skipped offsets of its partition (processed elsewhere) counts as missing.";

    public static final String STATE_STORE_CONFIG = "state.store";
    public static final String STATE_MAX_ENTRIES_CONFIG = "state.max.entries";
    public static final String STATE_DIR_CONFIG = "state.dir";
    public static final String STATE_MAX_OFFSET_GAP_CONFIG = "state.max.offset.gap";
    public static final String ON_MISSING_STATE_CONFIG = "on.missing.state";

    public static final String STORE_MEMORY = "memory";
    public static final String STORE_ROCKSDB = "rocksdb";
    public static final String MISSING_FAIL = "fail";
    public static final String MISSING_PASS = "pass";
    public static final String MISSING_RESELECT = "reselect";

    public static final ConfigDef CONFIG_DEF = SourceRowFetcher.addConfig(definePlaceholder(new ConfigDef()
            .define(STATE_STORE_CONFIG, ConfigDef.Type.STRING, STORE_MEMORY,
                    ConfigDef.ValidString.in(STORE_MEMORY, STORE_ROCKSDB), ConfigDef.Importance.HIGH,
                    "Where the last known full row of each key is kept. 'memory': in the task's heap, at most "
                            + STATE_MAX_ENTRIES_CONFIG + " rows, least recently used first out, lost on restart. "
                            + "'rocksdb': in a RocksDB database in " + STATE_DIR_CONFIG + ", kept across "
                            + "restarts (give each connector its own directory; one task per directory).")
            .define(STATE_MAX_ENTRIES_CONFIG, ConfigDef.Type.INT, 100_000, ConfigDef.Range.atLeast(1),
                    ConfigDef.Importance.MEDIUM,
                    "The most rows the memory store keeps; the least recently used row is evicted beyond it.")
            .define(STATE_DIR_CONFIG, ConfigDef.Type.STRING, null, ConfigDef.Importance.MEDIUM,
                    "The directory of the RocksDB store (created when missing); required when "
                            + STATE_STORE_CONFIG + "=rocksdb. It must not be shared by two tasks.")
            .define(STATE_MAX_OFFSET_GAP_CONFIG, ConfigDef.Type.INT, 10, ConfigDef.Range.atLeast(0),
                    ConfigDef.Importance.LOW,
                    "The most offsets a partition may skip between two records this task sees while the rows "
                            + "stored from it are still trusted. Kafka's transaction markers and records that an "
                            + "earlier transform or predicate drops leave such gaps. A wider jump means another task "
                            + "processed the records in between (the partition moved and came back): the rows "
                            + "stored before it are treated as missing (" + ON_MISSING_STATE_CONFIG + "). Higher "
                            + "values tolerate more dropped records but miss a move during which the other task "
                            + "processed no more than this many records.")
            .define(ON_MISSING_STATE_CONFIG, ConfigDef.Type.STRING, MISSING_FAIL,
                    ConfigDef.ValidString.in(MISSING_FAIL, MISSING_PASS, MISSING_RESELECT), ConfigDef.Importance.HIGH,
                    "What to do with an event the store holds no row for (or that no stored row can complete: "
                            + "id-only events, a JSON Patch event of a table whose row schema is not known yet). "
                            + "'fail': raise an error naming the record. 'pass': forward the event unchanged, with "
                            + "its " + Formats.FORMAT_HEADER + " header. 'reselect': read the current row from the "
                            + "source database, with the same connection.* keys as the Reselect transform; the "
                            + "event's own values are laid over it (delta), and when the row no longer exists the "
                            + "event is forwarded unchanged.")), false);

    private static final String PURPOSE = "restoring full events";
    private static final String UNKNOWN_SCHEMA = "the row schema of the topic is not known yet";
    private static final Logger log = LoggerFactory.getLogger(ToFull.class);

    private final Function<Map<String, ?>, MissingStateResolver> resolverFactory;
    private final Cache<String, Schema> rowSchemaByTopic = new SynchronizedCache<>(new LRUCache<>(256));
    private StateStore store;
    private PartitionOwnership ownership;
    private String onMissingState;
    private MissingStateResolver resolver;

    public ToFull() {
        this(SourceRowFetcher::new);
    }

    /** With the resolver for {@code on.missing.state=reselect} made by {@code resolverFactory} from the config. */
    ToFull(Function<Map<String, ?>, MissingStateResolver> resolverFactory) {
        this.resolverFactory = resolverFactory;
    }

    @Override
    public void configure(Map<String, ?> props) {
        SimpleConfig config = new SimpleConfig(CONFIG_DEF, props);
        usePlaceholder(config.getString(ToastPlaceholder.CONFIG));
        onMissingState = config.getString(ON_MISSING_STATE_CONFIG).toLowerCase(Locale.ROOT);
        if (STORE_ROCKSDB.equals(config.getString(STATE_STORE_CONFIG))) {
            String dir = config.getString(STATE_DIR_CONFIG);
            if (dir == null || dir.isBlank()) {
                throw new ConfigException(STATE_DIR_CONFIG, dir, "is required when " + STATE_STORE_CONFIG + "=" + STORE_ROCKSDB);
            }
            store = new RocksDbStateStore(Paths.get(dir));
        } else {
            store = new MemoryStateStore(config.getInt(STATE_MAX_ENTRIES_CONFIG));
        }
        ownership = new PartitionOwnership(store, config.getInt(STATE_MAX_OFFSET_GAP_CONFIG));
        if (MISSING_RESELECT.equals(onMissingState)) {
            if (config.getString(SourceRowFetcher.CONNECTION_URL) == null) {
                throw new ConfigException(SourceRowFetcher.CONNECTION_URL, null,
                        "is required when " + ON_MISSING_STATE_CONFIG + "=" + MISSING_RESELECT);
            }
            resolver = resolverFactory.apply(props);
        }
    }

    @Override
    public R apply(R record) {
        int partition = partition(record);
        if (partition != StoredRow.UNKNOWN) {
            ownership.observe(((SinkRecord) record).originalTopic(), partition, offset(record));
        }
        return super.apply(record);
    }

    @Override
    R applyTombstone(R record) {
        Row key = record.key() instanceof Struct ? Row.ofStruct((Struct) record.key())
                : record.key() instanceof Map ? Row.ofMap((Map<?, ?>) record.key()) : null;
        if (key != null) {
            forget(record, RowJson.keyText(key));
        }
        return record;
    }

    @Override
    R apply(R record, ChangeEvent event) {
        if (event.shape() == Shape.FULL) {
            return isEnvelope(record.value()) ? fullEnvelope(record, event) : flattened(record, event);
        }
        return restore(record, event);
    }

    /** A full event: stored and passed through, or completed from the store when it holds TOAST placeholders. */
    private R fullEnvelope(R record, ChangeEvent event) {
        Row key = requireKey(event, "ToFull");
        if (!remember(record, event)) {
            return withHeader(record, Shape.FULL);
        }
        String keyText = RowJson.keyText(key);
        Row after = event.after();
        StoredRow entry = store.get(record.topic(), keyText);
        Row stored = row(trusted(record, entry));
        Row before = stored;
        if (stored == null || !stored.fieldNames().containsAll(event.unavailableFields())) {
            before = null;
            String untrusted = untrusted(entry, stored);
            stored = onMissingState(record, event, entry, after.schema(), "its TOAST placeholders "
                    + event.unavailableFields() + " cannot be filled" + (untrusted == null ? "" : ": " + untrusted));
            if (stored == null) {
                return record;
            }
        }
        Row full = Row.of(after.schema(), after.overlay(stored.select(event.unavailableFields())).values());
        R out = emitEnvelope(record, full.schema(), before, full);
        store(record, keyText, full);
        return out;
    }

    /** A flattened row (ExtractNewRecordState ran first): stored and passed through. */
    private R flattened(R record, ChangeEvent event) {
        if (event.hasUnavailableFields()) {
            throw new DataException("ToFull can fill TOAST placeholders " + event.unavailableFields()
                    + " only in Debezium's envelope, found a flattened row in " + RecordLocation.describe(record)
                    + ": apply ToFull before ExtractNewRecordState");
        }
        requireKey(event, "ToFull");
        remember(record, event);
        return withHeader(record, Shape.FULL);
    }

    /**
     * Stores the row of a full event without placeholders, or forgets it (delete, truncate).
     * @return true when the event holds TOAST placeholders and needs the store to be completed
     */
    private boolean remember(R record, ChangeEvent event) {
        switch (event.op()) {
            case TRUNCATE:
                store.removeTopic(record.topic());
                return false;
            case DELETE:
                forget(record, RowJson.keyText(event.key()));
                return false;
            default:
                if (event.hasUnavailableFields()) {
                    return true;
                }
                store(record, RowJson.keyText(event.key()), event.after());
                return false;
        }
    }

    /** A delta, JSON Patch or id-only event made full again. */
    private R restore(R record, ChangeEvent event) {
        String topic = record.topic();
        Row key = requireKey(event, "ToFull");
        boolean withSchema = record.valueSchema() != null;
        Schema rowSchema = withSchema ? eventRowSchema(record, event) : null;
        if (event.op() == Op.TRUNCATE) {
            rowSchema = rowSchema != null ? rowSchema : rowSchemaByTopic.get(topic);
            R out = withSchema && rowSchema == null ? unrestorable(record, event, UNKNOWN_SCHEMA)
                    : emitEnvelope(record, rowSchema, null, null);
            store.removeTopic(topic);
            return out;
        }
        String keyText = RowJson.keyText(key);
        StoredRow entry = store.get(topic, keyText);
        StoredRow trusted = trusted(record, entry);
        Row stored = row(trusted);
        if (withSchema && rowSchema == null) {
            rowSchema = withCarriedFields(record, event, stored != null ? stored.schema() : rowSchemaByTopic.get(topic));
        }
        if (event.op() == Op.DELETE) {
            R out = withSchema && rowSchema == null ? unrestorable(record, event, UNKNOWN_SCHEMA)
                    : emitEnvelope(record, rowSchema, stored, null);
            forget(record, keyText);
            return out;
        }
        if (stored != null && trusted.isAtOrAfter(partition(record), offset(record))) {
            // The task is reading again what it read before a restart: applying a patch twice would corrupt the
            // row, so the event carries the newest row instead (the stream converges to the same state).
            return emitEnvelope(record, rowSchema, null, stored);
        }
        Row base = stored;
        String missing = missingState(event, stored, untrusted(entry, stored), withSchema, rowSchema);
        if (missing != null) {
            base = onMissingState(record, event, entry, rowSchema, missing);
            if (base == null) {
                return record;
            }
            if (withSchema && rowSchema == null) {
                rowSchema = base.schema();
                if (rowSchema == null) {
                    throw new DataException("ToFull re-selected the row of key " + key + " for "
                            + RecordLocation.describe(record) + " but got no row schema to write it with");
                }
            }
        }
        Row full = applyChange(record, event, base, rowSchema, missing != null);
        R out = emitEnvelope(record, rowSchema, stored, full);
        store(record, keyText, full);
        return out;
    }

    /** Why the store cannot complete this event, or null when it can. */
    private static String missingState(ChangeEvent event, Row stored, String untrusted, boolean withSchema,
                                       Schema rowSchema) {
        if (event.shape() == Shape.ID_ONLY) {
            return "an id-only event carries no values";
        }
        if (withSchema && rowSchema == null) {
            return UNKNOWN_SCHEMA;
        }
        if (stored != null) {
            return null;
        }
        if (event.shape() == Shape.DELTA && withSchema) {
            Row carried = event.after().without(event.unavailableFields());
            return carried.fieldNames().size() == rowSchema.fields().size() ? null
                    : "the delta does not carry every field and " + (untrusted == null ? "no row is stored" : untrusted);
        }
        return event.op() == Op.UPDATE ? (untrusted == null ? "no row is stored for the key" : untrusted) : null;
    }

    /** Why a stored row was not used, when it was not trusted; null when none is stored or it was used. */
    private static String untrusted(StoredRow entry, Row used) {
        return entry == null || entry.isDeleted() || used != null ? null : "the row stored for the key (from partition "
                + entry.partition() + " offset " + entry.offset() + ") may be stale: offsets of the partition after "
                + "it were processed elsewhere (it moved to another task and back; see " + STATE_MAX_OFFSET_GAP_CONFIG + ")";
    }

    /**
     * The key's stored row or deletion marker when it holds for this record; null when none is stored or the
     * task skipped offsets of the partition since it was stored (it may have missed changes of the key).
     */
    private StoredRow trusted(R record, StoredRow entry) {
        int partition = partition(record);
        if (entry == null || partition == StoredRow.UNKNOWN) {
            return entry;
        }
        return ownership.trusts(((SinkRecord) record).originalTopic(), partition, entry) ? entry : null;
    }

    /**
     * The row from elsewhere when the store cannot help, or null when the event is to be forwarded unchanged.
     * An event from before a delete the store saw is read again: it is forwarded unchanged whatever the policy,
     * as it would be without ToFull, for the events after it (the delete among them) follow it again.
     */
    private Row onMissingState(R record, ChangeEvent event, StoredRow entry, Schema rowSchema, String reason) {
        if (entry != null && entry.isDeleted() && entry.isAtOrAfter(partition(record), offset(record))) {
            log.debug("ToFull forwards {} unchanged: it is read again, and its key was deleted at offset {}",
                    RecordLocation.describe(record), entry.offset());
            return null;
        }
        switch (onMissingState) {
            case MISSING_PASS:
                return null;
            case MISSING_RESELECT:
                return resolver.resolve(event, rowSchema).orElse(null);
            default:
                throw cannotRestore(event, reason);
        }
    }

    /** A delete or truncate that cannot be written as an envelope: forwarded unchanged unless the policy is fail. */
    private R unrestorable(R record, ChangeEvent event, String reason) {
        if (MISSING_FAIL.equals(onMissingState)) {
            throw cannotRestore(event, reason);
        }
        return record;
    }

    private static DataException cannotRestore(ChangeEvent event, String reason) {
        return new DataException("ToFull cannot restore the full row of key " + event.key() + " in "
                + event.location() + ": " + reason + ". Set " + ON_MISSING_STATE_CONFIG + " to '"
                + MISSING_PASS + "' or '" + MISSING_RESELECT + "' to go on without it.");
    }

    /** The new full row: the event applied to the base row (the stored or the re-selected one). */
    private static Row applyChange(ConnectRecord<?> record, ChangeEvent event, Row base, Schema rowSchema,
                                   boolean reselected) {
        if (event.shape() == Shape.DELTA) {
            Row carried = event.after().without(event.unavailableFields());
            if (rowSchema == null) {
                return base == null ? carried : base.overlay(carried);
            }
            // By the full row schema: a row stored under an older schema keeps only the fields still there.
            Map<String, Object> values = new LinkedHashMap<>();
            for (Field field : rowSchema.fields()) {
                String name = field.name();
                values.put(name, carried.has(name) ? carried.get(name) : base == null ? null : base.get(name));
            }
            return Row.of(rowSchema, values);
        }
        if (reselected) {
            // The re-selected row is the current one: it already holds this change.
            return base;
        }
        JsonNode old = base == null ? RowJson.mapper().createObjectNode() : RowJson.toJson(base);
        JsonNode patched;
        try {
            patched = JsonPatch.apply(event.patch(), old);
        } catch (JsonPatchApplicationException e) {
            throw new DataException("Cannot apply the JSON Patch of " + RecordLocation.describe(record)
                    + " to the stored row: " + e.getMessage(), e);
        }
        return RowJson.toRow(rowSchema, patched);
    }

    /**
     * For an event with a schema, the full row schema it carries: a delta's (the schema its after schema was
     * derived from), a JSON Patch insert's (row_schema); null for other events and for a delta whose row schema
     * has only the fields it carries (ToDelta's delta.row.schema=carried).
     */
    private Schema eventRowSchema(R record, ChangeEvent event) {
        if (event.shape() == Shape.JSON_PATCH) {
            return EventSchemas.patchRowSchema(record.valueSchema());
        }
        if (event.shape() != Shape.DELTA) {
            return null;
        }
        Schema deltaRow = requireStruct(record, PURPOSE).schema().field(Formats.AFTER).schema();
        return EventSchemas.isCarriedRow(deltaRow) ? null : cachedSchema(() -> EventSchemas.fullRow(deltaRow), deltaRow);
    }

    /**
     * The known full row schema (of the stored row, or of the topic), with the fields a delta of carried fields
     * has and it lacks (columns added since) appended.
     */
    private static Schema withCarriedFields(ConnectRecord<?> record, ChangeEvent event, Schema known) {
        if (known == null || event.shape() != Shape.DELTA) {
            return known;
        }
        Schema deltaRow = record.valueSchema().field(Formats.AFTER).schema();
        return EventSchemas.isCarriedRow(deltaRow) ? EventSchemas.widened(known, deltaRow) : known;
    }

    /** A delete of the key: a deletion marker where the record has a position, else no row at all. */
    private void forget(R record, String keyText) {
        int partition = partition(record);
        long offset = offset(record);
        if (offset == StoredRow.UNKNOWN) {
            store.remove(record.topic(), keyText);
        } else {
            store.put(record.topic(), keyText, StoredRow.deleted(partition, offset));
        }
    }

    private void store(R record, String keyText, Row row) {
        store.put(record.topic(), keyText, new StoredRow(row, partition(record), offset(record)));
        if (row.schema() != null) {
            rowSchemaByTopic.put(record.topic(), row.schema());
        }
    }

    private static Row row(StoredRow entry) {
        return entry == null ? null : entry.row();
    }

    /** The partition a record was read from in Kafka (sink side), else unknown. */
    private static int partition(ConnectRecord<?> record) {
        return record instanceof SinkRecord && ((SinkRecord) record).originalKafkaPartition() != null
                ? ((SinkRecord) record).originalKafkaPartition() : StoredRow.UNKNOWN;
    }

    /** The offset of a record read from Kafka (sink side), else unknown. */
    private static long offset(ConnectRecord<?> record) {
        return record instanceof SinkRecord ? ((SinkRecord) record).originalKafkaOffset() : StoredRow.UNKNOWN;
    }

    private R emitEnvelope(R record, Schema rowSchema, Row before, Row after) {
        if (record.valueSchema() == null) {
            Map<String, Object> envelope = new LinkedHashMap<>();
            envelope.put(Formats.BEFORE, RowStructs.toValue(before, null));
            envelope.put(Formats.AFTER, RowStructs.toValue(after, null));
            EventSchemas.copyMetadata(requireMap(record, PURPOSE), envelope, MetadataFields.KEEP_ALL);
            return emit(record, null, envelope, Shape.FULL);
        }
        Struct value = requireStruct(record, PURPOSE);
        Schema schema = cachedSchema(() -> EventSchemas.envelope(value.schema(), rowSchema), value.schema(), rowSchema);
        Schema rowFieldSchema = schema.field(Formats.AFTER).schema();
        Struct envelope = new Struct(schema);
        envelope.put(Formats.BEFORE, RowStructs.toValue(before, rowFieldSchema));
        envelope.put(Formats.AFTER, RowStructs.toValue(after, rowFieldSchema));
        EventSchemas.copyMetadata(value, envelope);
        return emit(record, schema, envelope, Shape.FULL);
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
        }
        if (resolver != null) {
            resolver.close();
        }
    }
}
