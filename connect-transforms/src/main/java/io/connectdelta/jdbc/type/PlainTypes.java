package io.connectdelta.jdbc.type;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The plain Connect types, one per {@link Schema.Type}, and values without a schema. Their values bind and
 * write JSON by their Java class; structs and maps go into JSON columns.
 */
enum PlainTypes implements ColumnType {
    INT8(TypeCategory.INT8) {
        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            byte value = rs.getByte(column);
            return rs.wasNull() ? null : value;
        }

        @Override
        public Object fromArrayElement(Schema schema, Object element) {
            return ((Number) element).byteValue();
        }
    },
    INT16(TypeCategory.INT16) {
        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            short value = rs.getShort(column);
            return rs.wasNull() ? null : value;
        }

        @Override
        public Object fromArrayElement(Schema schema, Object element) {
            return ((Number) element).shortValue();
        }
    },
    INT32(TypeCategory.INT32) {
        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            int value = rs.getInt(column);
            return rs.wasNull() ? null : value;
        }

        @Override
        public Object fromArrayElement(Schema schema, Object element) {
            return ((Number) element).intValue();
        }
    },
    INT64(TypeCategory.INT64) {
        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            long value = rs.getLong(column);
            return rs.wasNull() ? null : value;
        }

        @Override
        public Object fromArrayElement(Schema schema, Object element) {
            return ((Number) element).longValue();
        }
    },
    FLOAT32(TypeCategory.FLOAT32) {
        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            float value = rs.getFloat(column);
            return rs.wasNull() ? null : value;
        }

        @Override
        public Object fromArrayElement(Schema schema, Object element) {
            return ((Number) element).floatValue();
        }
    },
    FLOAT64(TypeCategory.FLOAT64) {
        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            double value = rs.getDouble(column);
            return rs.wasNull() ? null : value;
        }

        @Override
        public Object fromArrayElement(Schema schema, Object element) {
            return ((Number) element).doubleValue();
        }
    },
    BOOLEAN(TypeCategory.BOOLEAN) {
        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            boolean value = rs.getBoolean(column);
            return rs.wasNull() ? null : value;
        }

        @Override
        public Object fromArrayElement(Schema schema, Object element) {
            return element instanceof Boolean ? element : Boolean.valueOf(element.toString());
        }
    },
    STRING(TypeCategory.TEXT) {
        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            return rs.getString(column);
        }
    },
    BYTES(TypeCategory.BYTES) {
        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            return rs.getBytes(column);
        }

        @Override
        public Object fromArrayElement(Schema schema, Object element) {
            return element;
        }
    },
    /** Elements through the element schema's own type; a PostgreSQL array column in the database. */
    ARRAY(TypeCategory.ARRAY) {
        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            Array array = rs.getArray(column);
            if (array == null) {
                return null;
            }
            try {
                Schema elementSchema = schema.valueSchema();
                ColumnType elementType = ColumnTypes.of(elementSchema);
                List<Object> list = new ArrayList<>();
                for (Object element : (Object[]) array.getArray()) {
                    list.add(element == null ? null : elementType.fromArrayElement(elementSchema, element));
                }
                return list;
            } finally {
                array.free();
            }
        }
    },
    MAP(TypeCategory.JSON) {
        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            Object value = rs.getObject(column);
            if (value == null || value instanceof Map) {
                return value;
            }
            throw new DataException("Column " + rs.getMetaData().getColumnLabel(column)
                    + " does not hold a map, which its schema " + schema + " needs");
        }
    },
    STRUCT(TypeCategory.JSON) {
        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            throw new DataException("Cannot read column " + rs.getMetaData().getColumnLabel(column)
                    + " as the struct " + schema.name());
        }
    },
    /** A value without a schema (JsonConverter without schemas): no column type of its own. */
    NO_SCHEMA(null) {
        @Override
        public TypeCategory category() {
            throw new DataException("A value without a schema has no column type");
        }

        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            throw new DataException("Cannot read column " + rs.getMetaData().getColumnLabel(column)
                    + " without a schema");
        }
    };

    private static final PlainTypes[] BY_SCHEMA_TYPE = new PlainTypes[Schema.Type.values().length];

    static {
        for (Schema.Type type : Schema.Type.values()) {
            BY_SCHEMA_TYPE[type.ordinal()] = valueOf(type.name());
        }
    }

    private final TypeCategory category;

    PlainTypes(TypeCategory category) {
        this.category = category;
    }

    /** The plain type of a Connect schema type. */
    static PlainTypes of(Schema.Type type) {
        return BY_SCHEMA_TYPE[type.ordinal()];
    }

    @Override
    public TypeCategory category() {
        return category;
    }

    /** Elements of text, arrays, maps and structs: their text. */
    @Override
    public Object fromArrayElement(Schema schema, Object element) {
        return element.toString();
    }
}
