package io.connectdelta.jdbc.type;

import org.apache.kafka.connect.data.Schema;

/**
 * The kind of column a Connect field needs ({@link ColumnType#category()}); each dialect names one column type per
 * category.
 */
public enum TypeCategory {
    INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, TEXT, BYTES,
    /** Decimal with the schema's scale (and connect.decimal.precision when given). */
    DECIMAL,
    /** Debezium's VariableScaleDecimal: any scale. */
    NUMERIC,
    DATE, TIME_MILLIS, TIME_MICROS, TIMESTAMP_MILLIS, TIMESTAMP_MICROS, TIMESTAMP_WITH_ZONE,
    UUID, JSON, ENUM, XML, ARRAY;

    /** The scale of a Decimal schema. */
    public static int scale(Schema schema) {
        String scale = schema.parameters() == null ? null : schema.parameters().get("scale");
        return scale == null ? 0 : Integer.parseInt(scale);
    }

    /** The precision of a Decimal schema, when the source gave one. */
    public static Integer precision(Schema schema) {
        String precision = schema.parameters() == null ? null : schema.parameters().get("connect.decimal.precision");
        return precision == null ? null : Integer.valueOf(precision);
    }
}
