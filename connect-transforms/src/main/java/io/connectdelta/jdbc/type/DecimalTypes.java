package io.connectdelta.jdbc.type;

import io.connectdelta.event.Values;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Connect's Decimal (the schema's scale) and Debezium's VariableScaleDecimal (a scale per value); BigDecimal in JDBC. */
enum DecimalTypes implements ColumnType {
    DECIMAL(TypeCategory.DECIMAL) {
        @Override
        public Object toJdbc(Schema schema, Object value) {
            return value;
        }

        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            BigDecimal value = rs.getBigDecimal(column);
            return value == null ? null : rescale(value, scale(schema));
        }

        @Override
        public Object fromArrayElement(Schema schema, Object element) {
            return element instanceof BigDecimal ? rescale((BigDecimal) element, scale(schema)) : element;
        }
    },
    /** A struct of the unscaled value's bytes and the scale. */
    VARIABLE_SCALE_DECIMAL(TypeCategory.NUMERIC) {
        @Override
        public Object toJdbc(Schema schema, Object value) {
            Struct struct = (Struct) value;
            return new BigDecimal(new BigInteger(Values.bytes(struct.get("value"))), struct.getInt32("scale"));
        }

        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            BigDecimal value = rs.getBigDecimal(column);
            if (value == null) {
                return null;
            }
            return new Struct(schema).put("scale", value.scale()).put("value", value.unscaledValue().toByteArray());
        }
    };

    private final TypeCategory category;

    DecimalTypes(TypeCategory category) {
        this.category = category;
    }

    @Override
    public TypeCategory category() {
        return category;
    }

    private static int scale(Schema schema) {
        return Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD));
    }

    private static BigDecimal rescale(BigDecimal value, int scale) {
        try {
            return value.setScale(scale, RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw new DataException("Decimal " + value + " does not fit the scale " + scale + " of its schema", e);
        }
    }
}
