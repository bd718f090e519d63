package io.connectdelta.sink.plan;

import org.apache.kafka.connect.data.Schema;

/**
 * A value to write: a Connect value with its field schema (null for schemaless records), or a Jackson node taken
 * from a JSON Patch (schema null), which is converted by the target column's type when bound.
 */
public record Value(Object value, Schema schema) {
    public static final Value NULL = new Value(null, null);

    public boolean isNull() {
        return value == null;
    }
}
