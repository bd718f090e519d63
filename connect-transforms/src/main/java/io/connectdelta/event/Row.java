package io.connectdelta.event;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The fields of a row (or of a key), in order, telling a field that is absent apart from one that is null.
 * With a schema (records from Struct values) {@link #schema()} is the row's struct schema; schemaless rows
 * (Map values, JsonConverter with schemas.enable=false) have none.
 */
public final class Row {
    private final Schema schema;
    private final Map<String, Object> values;

    private Row(Schema schema, Map<String, Object> values) {
        this.schema = schema;
        this.values = Collections.unmodifiableMap(values);
    }

    /** Every field of the struct is present (a Struct cannot leave a field out). */
    public static Row ofStruct(Struct struct) {
        return ofStruct(struct, name -> true);
    }

    /** Only the fields of the struct that {@code present} accepts are present. */
    public static Row ofStruct(Struct struct, Predicate<String> present) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Field field : struct.schema().fields()) {
            if (present.test(field.name())) {
                Object value = struct.get(field);
                // Without the default: a column set to null must read as null, not as its schema's default.
                if (value != null && value == field.schema().defaultValue()) {
                    value = struct.getWithoutDefault(field.name());
                }
                values.put(field.name(), value);
            }
        }
        return new Row(struct.schema(), values);
    }

    /** The entries of a schemaless map; a key mapped to null is present with the value null. */
    public static Row ofMap(Map<?, ?> map) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            values.put(String.valueOf(entry.getKey()), entry.getValue());
        }
        return new Row(null, values);
    }

    /** A row of the given values (in the map's order) for the given struct schema, or schemaless when null. */
    public static Row of(Schema schema, Map<String, Object> values) {
        return new Row(schema, new LinkedHashMap<>(values));
    }

    /** The row's struct schema, or {@code null} for a schemaless row. */
    public Schema schema() {
        return schema;
    }

    /** The schema of one field, or {@code null} when the row is schemaless or has no such field. */
    public Schema fieldSchema(String name) {
        if (schema == null) {
            return null;
        }
        Field field = schema.field(name);
        return field == null ? null : field.schema();
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The value of a present field; null both for a null value and an absent field (use {@link #has}). */
    public Object get(String name) {
        return values.get(name);
    }

    /** The names of the present fields, in row order. */
    public Set<String> fieldNames() {
        return values.keySet();
    }

    /** The present fields and their values, in row order (unmodifiable). */
    public Map<String, Object> values() {
        return values;
    }

    public int size() {
        return values.size();
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** The same row with only the named fields that are present. */
    public Row select(Collection<String> names) {
        Map<String, Object> selected = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            if (names.contains(entry.getKey())) {
                selected.put(entry.getKey(), entry.getValue());
            }
        }
        return new Row(schema, selected);
    }

    /** The same row without the named fields. */
    public Row without(Collection<String> names) {
        if (names.isEmpty()) {
            return this;
        }
        Map<String, Object> kept = new LinkedHashMap<>(values);
        kept.keySet().removeAll(names);
        return new Row(schema, kept);
    }

    /** This row with the fields of {@code other} laid over it (other's values win); keeps this row's schema. */
    public Row overlay(Row other) {
        Map<String, Object> merged = new LinkedHashMap<>(values);
        merged.putAll(other.values);
        return new Row(schema, merged);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Row)) {
            return false;
        }
        Row other = (Row) o;
        return Values.deepEquals(values, other.values);
    }

    @Override
    public int hashCode() {
        return values.keySet().hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
