package io.connectdelta.jdbc.type;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.connect.data.Schema;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Debezium's semantic types that travel as text and bind as text, each with a column type of its own where the
 * database has one.
 */
enum TextTypes implements ColumnType {
    /** The text is JSON already: written into JSON as the JSON it holds. */
    JSON(TypeCategory.JSON) {
        @Override
        public JsonNode toJson(Schema schema, Object value) {
            if (value instanceof String) {
                try {
                    return AnyValue.JSON.readTree((String) value);
                } catch (Exception e) {
                    return AnyValue.NODES.textNode((String) value);
                }
            }
            return AnyValue.toJson(schema, value);
        }

        @Override
        public String toJsonText(Schema schema, Object value) {
            return value instanceof String ? (String) value : super.toJsonText(schema, value);
        }
    },
    UUID(TypeCategory.UUID),
    ENUM(TypeCategory.ENUM),
    XML(TypeCategory.XML);

    private final TypeCategory category;

    TextTypes(TypeCategory category) {
        this.category = category;
    }

    @Override
    public TypeCategory category() {
        return category;
    }

    @Override
    public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
        return rs.getString(column);
    }
}
