package io.connectdelta.jdbc.type;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.connect.data.Schema;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

/** Dates: Connect's Date (a java.util.Date at midnight UTC) and Debezium's Date (days since the epoch); LocalDate in JDBC. */
enum DateTypes implements ColumnType {
    DATE {
        @Override
        public Object toJdbc(Schema schema, Object value) {
            return LocalDate.ofInstant(((java.util.Date) value).toInstant(), ZoneOffset.UTC);
        }

        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            LocalDate date = rs.getObject(column, LocalDate.class);
            return date == null ? null : new java.util.Date(TimeUnit.DAYS.toMillis(date.toEpochDay()));
        }

        /** As Kafka's JsonConverter writes a Date: days since the epoch. */
        @Override
        public JsonNode toJson(Schema schema, Object value) {
            if (value instanceof java.util.Date) {
                long millis = ((java.util.Date) value).getTime();
                return AnyValue.NODES.numberNode((int) Math.floorDiv(millis, TimeTypes.MILLIS_PER_DAY));
            }
            return AnyValue.toJson(schema, value);
        }

        @Override
        public Object toSchemaless(Object value) {
            return (int) TimeUnit.MILLISECONDS.toDays(((java.util.Date) value).getTime());
        }
    },
    DBZ_DATE {
        @Override
        public Object toJdbc(Schema schema, Object value) {
            return LocalDate.ofEpochDay(((Number) value).longValue());
        }

        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            LocalDate date = rs.getObject(column, LocalDate.class);
            return date == null ? null : (int) date.toEpochDay();
        }
    };

    @Override
    public TypeCategory category() {
        return TypeCategory.DATE;
    }
}
