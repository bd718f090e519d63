package io.connectdelta.event;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.util.LinkedHashMap;
import java.util.Map;

/** Turns a {@link Row} back into a record value: a Struct of a given schema, or a schemaless map. */
public final class RowStructs {
    private RowStructs() {
    }

    /**
     * The row as a Struct of {@code schema}, fields matched by name. Fields the row lacks, or holds as null,
     * stay unset; fields of the row that the schema lacks are left out (a row stored under an older schema).
     */
    public static Struct toStruct(Row row, Schema schema) {
        Struct struct = new Struct(schema);
        for (Field field : schema.fields()) {
            Object value = row.get(field);
            if (value != null) {
                struct.put(field, value);
            }
        }
        return struct;
    }

    /** The row's present fields as a mutable map, in row order. */
    public static Map<String, Object> toMap(Row row) {
        return new LinkedHashMap<>(row.values());
    }

    /** The row as a value for a record: a Struct when {@code schema} is given, else a map. */
    public static Object toValue(Row row, Schema schema) {
        if (row == null) {
            return null;
        }
        return schema == null ? toMap(row) : toStruct(row, schema);
    }
}
