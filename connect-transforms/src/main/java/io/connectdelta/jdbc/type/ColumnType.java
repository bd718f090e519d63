package io.connectdelta.jdbc.type;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * One Connect type (a logical type, or a plain Schema.Type) and all its conversions: to the object JDBC binds,
 * from a result column, to JSON, and the kind of column it needs. Found from a schema by {@link ColumnTypes#of}.
 * Values passed in are never null: {@link ConnectValues} and {@link JdbcValues} handle null first.
 * The defaults convert by the value's Java class, as a value of a plain type or without a schema.
 */
public interface ColumnType {

    /** The kind of column a field of this type needs; each dialect names one column type per category. */
    TypeCategory category();

    /** Reads one column as a value of {@code schema} (of this type); null for SQL NULL. */
    Object read(ResultSet rs, int column, Schema schema) throws SQLException;

    /** The Java object JDBC binds for the value. */
    default Object toJdbc(Schema schema, Object value) {
        return AnyValue.toJdbc(schema, value);
    }

    /** The value as a JSON tree, as Kafka's JsonConverter encodes it. */
    default JsonNode toJson(Schema schema, Object value) {
        return AnyValue.toJson(schema, value);
    }

    /** The value as JSON text (for json columns and JSON edits). */
    default String toJsonText(Schema schema, Object value) {
        try {
            return AnyValue.JSON.writeValueAsString(toJson(schema, value));
        } catch (Exception e) {
            throw new DataException("Cannot write a value as JSON: " + e.getMessage(), e);
        }
    }

    /** An element (not null) of a JDBC array as a value of this type: by default as its plain Connect type. */
    default Object fromArrayElement(Schema schema, Object element) {
        return PlainTypes.of(schema.type()).fromArrayElement(schema, element);
    }

    /**
     * A value read as this type as a schemaless (JSON-friendly) value; a decimal as its exact text, as
     * JsonConverter cannot write a BigDecimal without a schema.
     */
    default Object toSchemaless(Object value) {
        return value instanceof BigDecimal ? ((BigDecimal) value).toPlainString() : value;
    }
}
