package io.connectdelta.jdbc.type;

import org.apache.kafka.connect.data.Schema;

import java.util.Map;

import static java.util.Map.entry;

/**
 * Finds the {@link ColumnType} of a Connect schema: by its logical name first, then by its Schema.Type; values
 * without a schema, and logical types not listed here, convert as their plain type. One map look-up and no
 * allocation per call: the sink asks for every value it writes.
 */
public final class ColumnTypes {
    private static final Map<String, ColumnType> BY_LOGICAL_NAME = Map.ofEntries(
            entry(LogicalTypes.DECIMAL, DecimalTypes.DECIMAL),
            entry(LogicalTypes.DBZ_VARIABLE_SCALE_DECIMAL, DecimalTypes.VARIABLE_SCALE_DECIMAL),
            entry(LogicalTypes.DATE, DateTypes.DATE),
            entry(LogicalTypes.DBZ_DATE, DateTypes.DBZ_DATE),
            entry(LogicalTypes.TIME, TimeTypes.TIME),
            entry(LogicalTypes.DBZ_TIME, TimeTypes.DBZ_TIME),
            entry(LogicalTypes.DBZ_MICRO_TIME, TimeTypes.MICRO_TIME),
            entry(LogicalTypes.DBZ_NANO_TIME, TimeTypes.NANO_TIME),
            entry(LogicalTypes.DBZ_ZONED_TIME, TimeTypes.ZONED_TIME),
            entry(LogicalTypes.TIMESTAMP, TimestampTypes.TIMESTAMP),
            entry(LogicalTypes.DBZ_TIMESTAMP, TimestampTypes.DBZ_TIMESTAMP),
            entry(LogicalTypes.DBZ_MICRO_TIMESTAMP, TimestampTypes.MICRO_TIMESTAMP),
            entry(LogicalTypes.DBZ_NANO_TIMESTAMP, TimestampTypes.NANO_TIMESTAMP),
            entry(LogicalTypes.DBZ_ZONED_TIMESTAMP, TimestampTypes.ZONED_TIMESTAMP),
            entry(LogicalTypes.DBZ_JSON, TextTypes.JSON),
            entry(LogicalTypes.DBZ_UUID, TextTypes.UUID),
            entry(LogicalTypes.DBZ_ENUM, TextTypes.ENUM),
            entry(LogicalTypes.DBZ_XML, TextTypes.XML));

    private ColumnTypes() {
    }

    /** The type of the values of {@code schema}, which is null for values without a schema. */
    public static ColumnType of(Schema schema) {
        if (schema == null) {
            return PlainTypes.NO_SCHEMA;
        }
        String logical = schema.name();
        if (logical != null) {
            ColumnType type = BY_LOGICAL_NAME.get(logical);
            if (type != null) {
                return type;
            }
        }
        return PlainTypes.of(schema.type());
    }
}
