package io.connectdelta.jdbc.type;

import org.apache.kafka.connect.data.Schema;

/** The kind of column a Connect field needs; each dialect names one type per category. */
public enum TypeCategory {
    INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, TEXT, BYTES,
    /** Decimal with the schema's scale (and connect.decimal.precision when given). */
    DECIMAL,
    /** Debezium's VariableScaleDecimal: any scale. */
    NUMERIC,
    DATE, TIME_MILLIS, TIME_MICROS, TIMESTAMP_MILLIS, TIMESTAMP_MICROS, TIMESTAMP_WITH_ZONE,
    UUID, JSON, ENUM, XML, ARRAY;

    public static TypeCategory of(Schema schema) {
        String logical = schema.name();
        if (logical != null) {
            switch (logical) {
                case LogicalTypes.DECIMAL: return DECIMAL;
                case LogicalTypes.DBZ_VARIABLE_SCALE_DECIMAL: return NUMERIC;
                case LogicalTypes.DATE:
                case LogicalTypes.DBZ_DATE: return DATE;
                case LogicalTypes.TIME:
                case LogicalTypes.DBZ_TIME: return TIME_MILLIS;
                case LogicalTypes.DBZ_MICRO_TIME:
                case LogicalTypes.DBZ_NANO_TIME: return TIME_MICROS;
                case LogicalTypes.TIMESTAMP:
                case LogicalTypes.DBZ_TIMESTAMP: return TIMESTAMP_MILLIS;
                case LogicalTypes.DBZ_MICRO_TIMESTAMP:
                case LogicalTypes.DBZ_NANO_TIMESTAMP: return TIMESTAMP_MICROS;
                case LogicalTypes.DBZ_ZONED_TIMESTAMP: return TIMESTAMP_WITH_ZONE;
                case LogicalTypes.DBZ_UUID: return UUID;
                case LogicalTypes.DBZ_JSON: return JSON;
                case LogicalTypes.DBZ_ENUM: return ENUM;
                case LogicalTypes.DBZ_XML: return XML;
                default: break;
            }
        }
        switch (schema.type()) {
            case INT8: return INT8;
            case INT16: return INT16;
            case INT32: return INT32;
            case INT64: return INT64;
            case FLOAT32: return FLOAT32;
            case FLOAT64: return FLOAT64;
            case BOOLEAN: return BOOLEAN;
            case BYTES: return BYTES;
            case ARRAY: return ARRAY;
            case MAP:
            case STRUCT: return JSON;
            default: return TEXT;
        }
    }

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
