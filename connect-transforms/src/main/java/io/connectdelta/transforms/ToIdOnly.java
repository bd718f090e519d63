package io.connectdelta.transforms;

import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.Formats;
import io.connectdelta.event.Shape;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.transforms.util.SimpleConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns change events of any shape into id-only events: the key, op, source and transaction. See
 * docs/formats.md.
 */
public class ToIdOnly<R extends ConnectRecord<R>> extends ChangeEventTransformation<R> {
    public static final String OVERVIEW_DOC = "Turns change events of any shape (full, delta, JSON Patch, or a "
            + "flattened row) into id-only events: the row's key with op, source, transaction and ts_ms (as "
            + MetadataFields.CONFIG + " keeps them), but none of the row's values. Consumers re-read the row from the "
            + "source when they need it. Id-only events and tombstones pass through unchanged. Sets the record header "
            + Formats.FORMAT_HEADER + ".";

    public static final ConfigDef CONFIG_DEF = MetadataFields.define(new ConfigDef());

    private static final String PURPOSE = "id-only encoding";

    private MetadataFields metadata = MetadataFields.KEEP_ALL;

    @Override
    public void configure(Map<String, ?> props) {
        metadata = MetadataFields.of(new SimpleConfig(CONFIG_DEF, props).getList(MetadataFields.CONFIG));
    }

    @Override
    R apply(R record, ChangeEvent event) {
        if (event.shape() == Shape.ID_ONLY) {
            return record;
        }
        requireKey(event, "ToIdOnly");
        boolean flattened = event.shape() == Shape.FULL && !isEnvelope(record.value());
        return record.valueSchema() == null ? schemaless(record, event, flattened) : withSchema(record, event, flattened);
    }

    private R withSchema(R record, ChangeEvent event, boolean flattened) {
        Struct value = requireStruct(record, PURPOSE);
        Object key = record.key();
        Schema keySchema = record.keySchema();
        if (key == null) {
            // A JSON Patch event carries its key in the value too.
            Field carried = value.schema().field(Formats.KEY);
            key = carried == null ? null : value.get(carried);
            keySchema = carried == null ? null : carried.schema();
        }
        Schema valueSchema = value.schema();
        Schema keyFieldSchema = keySchema;
        Schema schema = flattened
                ? cachedSchema(() -> EventSchemas.flattenedIdOnly(valueSchema, keyFieldSchema), valueSchema, keySchema)
                : cachedSchema(() -> EventSchemas.keyed(valueSchema, keyFieldSchema, EventSchemas.ID_ONLY_SUFFIX,
                        false, metadata), valueSchema, keySchema);
        Struct idOnly = new Struct(schema);
        idOnly.put(Formats.KEY, EventSchemas.keyValue(key, schema.field(Formats.KEY).schema()));
        if (flattened) {
            idOnly.put(Formats.OP, event.op().code());
        } else {
            EventSchemas.copyMetadata(value, idOnly);
        }
        return emit(record, schema, idOnly, Shape.ID_ONLY);
    }

    private R schemaless(R record, ChangeEvent event, boolean flattened) {
        Map<String, Object> value = requireMap(record, PURPOSE);
        Map<String, Object> idOnly = new LinkedHashMap<>();
        idOnly.put(Formats.KEY, record.key() != null ? record.key() : value.get(Formats.KEY));
        if (flattened) {
            idOnly.put(Formats.OP, event.op().code());
        } else {
            EventSchemas.copyMetadata(value, idOnly, metadata);
        }
        return emit(record, null, idOnly, Shape.ID_ONLY);
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }
}
