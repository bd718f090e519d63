package io.connectdelta.transforms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.flipkart.zjsonpatch.DiffFlags;
import com.flipkart.zjsonpatch.JsonDiff;
import com.flipkart.zjsonpatch.JsonPatch;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.Formats;
import io.connectdelta.event.Op;
import io.connectdelta.event.RecordLocation;
import io.connectdelta.event.Row;
import io.connectdelta.event.RowStructs;
import io.connectdelta.event.Shape;
import io.connectdelta.event.ToastPlaceholder;
import io.connectdelta.event.json.JsonPointers;
import io.connectdelta.event.json.RowJson;
import org.apache.kafka.common.cache.Cache;
import org.apache.kafka.common.cache.LRUCache;
import org.apache.kafka.common.cache.SynchronizedCache;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.util.SimpleConfig;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns full change events (Debezium's envelope) into delta events: the key and the changed fields only
 * ({@code delta.format=fields}), or the key and an RFC 6902 JSON Patch ({@code delta.format=json-patch}).
 * See docs/formats.md.
 */
public class ToDelta<R extends ConnectRecord<R>> extends ChangeEventTransformation<R> {
    public static final String OVERVIEW_DOC = "Turns full change events (Debezium's envelope) into delta events: "
            + "inserts carry every field, updates the key and the changed fields, deletes the key only. Fields "
            + "holding a TOAST placeholder count as unchanged; an update without a before image (PostgreSQL REPLICA "
            + "IDENTITY DEFAULT) counts every other field as changed. Events that are already delta, JSON Patch or "
            + "id-only, and tombstones, pass through unchanged. Sets the record header " + Formats.FORMAT_HEADER
            + ". Delta topics must not be compacted: compaction would drop earlier changes of a row.";

    public static final String FORMAT_CONFIG = "delta.format";
    public static final String FORMAT_FIELDS = "fields";
    public static final String FORMAT_JSON_PATCH = "json-patch";

    public static final String ROW_SCHEMA_CONFIG = "delta.row.schema";
    public static final String ROW_SCHEMA_TABLE = "table";
    public static final String ROW_SCHEMA_CARRIED = "carried";

    public static final ConfigDef CONFIG_DEF = definePlaceholder(MetadataFields.define(new ConfigDef()
            .define(FORMAT_CONFIG, ConfigDef.Type.STRING, FORMAT_FIELDS,
                    ConfigDef.ValidString.in(FORMAT_FIELDS, FORMAT_JSON_PATCH), ConfigDef.Importance.HIGH,
                    "How a delta event carries the change. 'fields': the row's key fields and changed fields, "
                            + "with the list of changed field names in 'changed' (schema: the envelope with the "
                            + "after row's fields made optional). 'json-patch': the record key and an RFC 6902 "
                            + "JSON Patch text from the old row to the new one in 'patch'.")
            .define(ROW_SCHEMA_CONFIG, ConfigDef.Type.STRING, ROW_SCHEMA_TABLE,
                    ConfigDef.ValidString.in(ROW_SCHEMA_TABLE, ROW_SCHEMA_CARRIED), ConfigDef.Importance.MEDIUM,
                    "The schema of the 'after' row of delta events (delta.format=fields, records with a schema). "
                            + "'table': every field of the table's row, made optional; fields the event does not "
                            + "carry are null (a converter writes each of them): one schema per table. 'carried': "
                            + "only the fields the event carries (key and changed fields), the schema marked with "
                            + "the parameter " + Formats.CARRIED_PARAMETER + ": the smallest events, but one "
                            + "schema per combination of changed fields (with a schema registry, a schema version "
                            + "each), and ToFull takes the full row schema from its stored rows and the topic's "
                            + "earlier events. An event that carries every field (an insert) has the table's "
                            + "schema either way. Schemaless events always carry only their fields.")));

    private static final String PURPOSE = "delta encoding";
    // Without move/copy operations every path names the field it changes.
    private static final EnumSet<DiffFlags> DIFF_FLAGS = EnumSet.of(DiffFlags.OMIT_VALUE_ON_REMOVE,
            DiffFlags.OMIT_MOVE_OPERATION, DiffFlags.OMIT_COPY_OPERATION);

    private boolean jsonPatch;
    private boolean carriedRowSchema;
    private final Cache<CarriedSchemaKey, Schema> carriedSchemas = new SynchronizedCache<>(new LRUCache<>(1024));
    private MetadataFields metadata = MetadataFields.KEEP_ALL;

    @Override
    public void configure(Map<String, ?> props) {
        SimpleConfig config = new SimpleConfig(CONFIG_DEF, props);
        jsonPatch = FORMAT_JSON_PATCH.equals(config.getString(FORMAT_CONFIG));
        carriedRowSchema = ROW_SCHEMA_CARRIED.equals(config.getString(ROW_SCHEMA_CONFIG));
        metadata = MetadataFields.of(config.getList(MetadataFields.CONFIG));
        usePlaceholder(config.getString(ToastPlaceholder.CONFIG));
    }

    @Override
    R apply(R record, ChangeEvent event) {
        if (event.shape() != Shape.FULL) {
            return record;
        }
        if (!isEnvelope(record.value())) {
            throw new DataException("ToDelta requires Debezium's change event envelope (op, before, after), found "
                    + "a flattened row in " + RecordLocation.describe(record)
                    + ": apply ToDelta before ExtractNewRecordState");
        }
        Row key = requireKey(event, "ToDelta");
        if (jsonPatch) {
            return record.valueSchema() == null ? patchSchemaless(record, event) : patchWithSchema(record, event);
        }
        return record.valueSchema() == null ? fieldsSchemaless(record, event, key) : fieldsWithSchema(record, event, key);
    }

    private R fieldsWithSchema(R record, ChangeEvent event, Row key) {
        Struct value = requireStruct(record, PURPOSE);
        Schema schema = cachedSchema(() -> EventSchemas.delta(value.schema(), metadata), value.schema());
        Row after = deltaRow(event, key);
        if (carriedRowSchema && after != null) {
            schema = carriedSchema(schema, after);
        }
        Struct delta = new Struct(schema);
        if (after != null) {
            Field afterField = schema.field(Formats.AFTER);
            delta.put(afterField, RowStructs.toStruct(after, afterField.schema()));
        }
        delta.put(Formats.CHANGED, event.changedFields());
        EventSchemas.copyMetadata(value, delta);
        return emit(record, schema, delta, Shape.DELTA);
    }

    /**
     * The delta schema narrowed to the fields the row carries, derived once per delta schema and set of fields;
     * the delta schema itself when the row carries every field.
     */
    private Schema carriedSchema(Schema delta, Row after) {
        Schema deltaRow = delta.field(Formats.AFTER).schema();
        BitSet carried = new BitSet(deltaRow.fields().size());
        for (String name : after.fieldNames()) {
            Field field = deltaRow.field(name);
            if (field != null) {
                carried.set(field.index());
            }
        }
        if (carried.cardinality() == deltaRow.fields().size()) {
            return delta;
        }
        CarriedSchemaKey key = new CarriedSchemaKey(delta, carried);
        Schema schema = carriedSchemas.get(key);
        if (schema == null) {
            schema = EventSchemas.carriedDelta(delta, carried);
            carriedSchemas.put(key, schema);
        }
        return schema;
    }

    /** A delta schema instance (one per envelope schema, from the cache) and positions of its row's fields. */
    private record CarriedSchemaKey(Schema delta, BitSet carried) {
        @Override
        public boolean equals(Object o) {
            // By identity: a deep comparison of envelope schemas per record would cost more than the derivation.
            return o instanceof CarriedSchemaKey && ((CarriedSchemaKey) o).delta == delta
                    && ((CarriedSchemaKey) o).carried.equals(carried);
        }

        @Override
        public int hashCode() {
            return 31 * System.identityHashCode(delta) + carried.hashCode();
        }
    }

    private R fieldsSchemaless(R record, ChangeEvent event, Row key) {
        Map<String, Object> value = requireMap(record, PURPOSE);
        Map<String, Object> delta = new LinkedHashMap<>();
        Row after = deltaRow(event, key);
        delta.put(Formats.AFTER, after == null ? null : new LinkedHashMap<>(after.values()));
        delta.put(Formats.CHANGED, new ArrayList<>(event.changedFields()));
        EventSchemas.copyMetadata(value, delta, metadata);
        return emit(record, null, delta, Shape.DELTA);
    }

    /**
     * The key fields and the changed fields of the new row, in row order; for deletes the key fields; for
     * truncates null.
     */
    private static Row deltaRow(ChangeEvent event, Row key) {
        if (event.op() == Op.TRUNCATE) {
            return null;
        }
        if (event.op() == Op.DELETE) {
            return key;
        }
        List<String> changed = event.changedFields();
        if (changed.size() == event.after().size()) {
            // Every field changed (an insert, an update without a before image): the whole row.
            return event.after();
        }
        List<String> carried = new ArrayList<>(key.size() + changed.size());
        carried.addAll(key.fieldNames());
        carried.addAll(changed);
        return event.after().select(carried);
    }

    private R patchWithSchema(R record, ChangeEvent event) {
        Struct value = requireStruct(record, PURPOSE);
        Schema keySchema = record.keySchema();
        Schema schema;
        if (event.op() == Op.CREATE || event.op() == Op.READ) {
            // An insert carries the row schema, so that ToFull can restore the row without any earlier event.
            schema = cachedSchema(() -> EventSchemas.jsonPatchWithRowSchema(value.schema(), keySchema, metadata),
                    value.schema(), keySchema, EventSchemas.rowOf(value.schema()));
        } else {
            schema = cachedSchema(() -> EventSchemas.keyed(value.schema(), keySchema, EventSchemas.JSON_PATCH_SUFFIX,
                    true, metadata), value.schema(), keySchema);
        }
        Struct patch = new Struct(schema);
        patch.put(Formats.KEY, EventSchemas.keyValue(record.key(), schema.field(Formats.KEY).schema()));
        patch.put(Formats.PATCH, patchText(event));
        EventSchemas.copyMetadata(value, patch);
        return emit(record, schema, patch, Shape.JSON_PATCH);
    }

    private R patchSchemaless(R record, ChangeEvent event) {
        Map<String, Object> value = requireMap(record, PURPOSE);
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put(Formats.KEY, record.key());
        patch.put(Formats.PATCH, patchText(event));
        EventSchemas.copyMetadata(value, patch, metadata);
        return emit(record, null, patch, Shape.JSON_PATCH);
    }

    /** The RFC 6902 patch from the old row to the new one, as JSON text; null for deletes and truncates. */
    static String patchText(ChangeEvent event) {
        if (!event.op().writesRow()) {
            return null;
        }
        Row after = event.after().without(event.unavailableFields());
        JsonNode patch;
        if (event.op() != Op.UPDATE) {
            patch = JsonDiff.asJson(RowJson.mapper().createObjectNode(), RowJson.toJson(after), DIFF_FLAGS);
        } else if (event.before() != null) {
            JsonNode before = RowJson.toJson(event.before().without(event.unavailableFields()));
            JsonNode target = RowJson.toJson(after);
            patch = applicableBySinks(before, JsonDiff.asJson(before, target, DIFF_FLAGS), target);
        } else {
            patch = replaceChanged(event, after);
        }
        return RowJson.write(patch);
    }

    /**
     * The diff, so that a sink can apply every operation to a column without reading it first: an element added at
     * the end of an array field becomes an append ({@code /field/-}, the same operation in RFC 6902); any other
     * operation inside an array (an element replaced, removed or inserted) gives way to one {@code replace} of the
     * whole field; operations inside objects stay as they are. So appending one element to a 20-element array is
     * still a single add, and the patch still turns the old row into the new one.
     */
    static JsonNode applicableBySinks(JsonNode before, JsonNode diff, JsonNode after) {
        JsonNode current = before.deepCopy();
        Map<String, List<JsonNode>> byField = new LinkedHashMap<>();
        Set<String> wholeField = new HashSet<>();
        for (JsonNode operation : diff) {
            List<String> tokens = JsonPointers.segments(operation.path("path").asText());
            String field = tokens.isEmpty() ? "" : tokens.get(0);
            JsonNode kept = operation;
            if (tokens.size() > 1 && !wholeField.contains(field)) {
                kept = withinObjectsOrAppended(current, tokens, operation);
                if (kept == null) {
                    wholeField.add(field);
                }
            }
            byField.computeIfAbsent(field, k -> new ArrayList<>()).add(kept);
            current = JsonPatch.apply(RowJson.mapper().createArrayNode().add(operation), current);
        }
        ArrayNode result = RowJson.mapper().createArrayNode();
        for (Map.Entry<String, List<JsonNode>> field : byField.entrySet()) {
            if (!wholeField.contains(field.getKey())) {
                field.getValue().forEach(result::add);
                continue;
            }
            String path = JsonPointers.of(field.getKey());
            if (after.has(field.getKey())) {
                result.addObject().put("op", before.has(field.getKey()) ? "replace" : "add").put("path", path)
                        .set("value", after.get(field.getKey()));
            } else {
                result.addObject().put("op", "remove").put("path", path);
            }
        }
        return result;
    }

    /**
     * The operation as a sink can apply it, or null when it reaches into an array other than by an append at the
     * end of a top-level array field.
     */
    private static JsonNode withinObjectsOrAppended(JsonNode current, List<String> tokens, JsonNode operation) {
        JsonNode node = current.get(tokens.get(0));
        for (int i = 1; i < tokens.size(); i++) {
            if (node == null) {
                return null;
            }
            if (node.isArray()) {
                boolean appendsToField = i == 1 && tokens.size() == 2 && "add".equals(operation.path("op").asText())
                        && tokens.get(1).equals(Integer.toString(node.size()));
                if (!appendsToField) {
                    return null;
                }
                return ((ObjectNode) operation.deepCopy()).put("path", JsonPointers.of(tokens.get(0), "-"));
            }
            node = node.get(tokens.get(i));
        }
        return operation;
    }

    /** Without a before image the old values are unknown: replace every changed field. */
    private static JsonNode replaceChanged(ChangeEvent event, Row after) {
        ArrayNode operations = RowJson.mapper().createArrayNode();
        for (String name : event.changedFields()) {
            operations.addObject()
                    .put("op", "replace")
                    .put("path", JsonPointers.of(name))
                    .set("value", RowJson.toJson(after.fieldSchema(name), after.get(name)));
        }
        return operations;
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }
}
