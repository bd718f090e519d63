package io.connectdelta.sink.plan;

import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.Row;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.errors.DataException;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which fields of a topic's events are written, and under which column names: field.include.list /
 * field.exclude.list, and {@link Identifiers} for the names. Row and key schemas are mapped once per topic and
 * schema, so schema evolution creates exactly the written columns.
 */
public final class TargetColumns {
    private final FieldFilter filter;
    private final Identifiers identifiers;
    private final Map<String, String> columnOfField = new HashMap<>();
    private final Map<String, Map<Schema, Schema>> schemasOfTopic = new HashMap<>();

    public TargetColumns(FieldFilter filter, Identifiers identifiers) {
        this.filter = filter;
        this.identifiers = identifiers;
    }

    public boolean keeps(String topic, String field) {
        return filter.keepsAll() || filter.keeps(topic, field);
    }

    /** The column of a field. */
    public String column(String field, ChangeEvent event) {
        String column = columnOfField.get(field);
        if (column == null) {
            column = identifiers.column(field);
            if (column == null) {
                throw new DataException("Field '" + field + "' is longer than the database allows in a column name: "
                        + "rename it with a ReplaceField transform or leave it out with field.exclude.list: "
                        + event.location());
            }
            columnOfField.put(field, column);
        }
        return column;
    }

    /** The struct schema of the written columns of {@code schema} (the same object when nothing changes). */
    public Schema schema(Schema schema, ChangeEvent event) {
        if (schema == null || schema.type() != Schema.Type.STRUCT) {
            return schema;
        }
        String topic = event.record().topic();
        Map<Schema, Schema> mapped = schemasOfTopic.computeIfAbsent(topic, t -> new IdentityHashMap<>());
        Schema target = mapped.get(schema);
        if (target == null) {
            target = map(schema, topic, event);
            mapped.put(schema, target);
        }
        return target;
    }

    private Schema map(Schema schema, String topic, ChangeEvent event) {
        boolean same = true;
        SchemaBuilder builder = SchemaBuilder.struct().name(schema.name());
        if (schema.isOptional()) {
            builder.optional();
        }
        for (Field field : schema.fields()) {
            if (!keeps(topic, field.name())) {
                same = false;
                continue;
            }
            String column = column(field.name(), event);
            same &= column.equals(field.name());
            builder.field(column, field.schema());
        }
        return same ? schema : builder.build();
    }

    /** The key with only written fields, under their column names; a key left empty is refused. */
    public Row key(Row key, ChangeEvent event) {
        Schema schema = key.schema();
        if (schema != null && schema(schema, event) == schema) {
            return key;
        }
        String topic = event.record().topic();
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, Object> field : key.values().entrySet()) {
            if (keeps(topic, field.getKey())) {
                values.put(column(field.getKey(), event), field.getValue());
            }
        }
        if (values.isEmpty()) {
            throw new DataException("The field lists leave no primary key field of the event: " + event.location());
        }
        return Row.of(schema == null ? null : schema(schema, event), values);
    }

    /** {@code columns} (by field name) with only written fields, under their column names. */
    public LinkedHashMap<String, ColumnChange> columns(LinkedHashMap<String, ColumnChange> columns, ChangeEvent event) {
        String topic = event.record().topic();
        LinkedHashMap<String, ColumnChange> mapped = new LinkedHashMap<>();
        for (Map.Entry<String, ColumnChange> column : columns.entrySet()) {
            if (keeps(topic, column.getKey())) {
                mapped.put(column(column.getKey(), event), column.getValue());
            }
        }
        return mapped;
    }
}
