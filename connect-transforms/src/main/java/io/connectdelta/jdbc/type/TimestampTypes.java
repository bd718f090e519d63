package io.connectdelta.jdbc.type;

import org.apache.kafka.connect.data.Schema;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Timestamps: Connect's Timestamp and Debezium's (Micro|Nano)Timestamp become UTC wall-clock LocalDateTimes, as
 * Debezium reads timestamps without time zone; Debezium's ZonedTimestamp (ISO text) an OffsetDateTime.
 */
enum TimestampTypes implements ColumnType {
    TIMESTAMP(TypeCategory.TIMESTAMP_MILLIS) {
        @Override
        public Object toJdbc(Schema schema, Object value) {
            return ConnectValues.utc(((java.util.Date) value).toInstant());
        }

        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            Instant instant = instant(rs, column);
            return instant == null ? null : java.util.Date.from(instant);
        }

        @Override
        public Object toSchemaless(Object value) {
            return ((java.util.Date) value).getTime();
        }
    },
    DBZ_TIMESTAMP(TypeCategory.TIMESTAMP_MILLIS) {
        @Override
        public Object toJdbc(Schema schema, Object value) {
            return ConnectValues.utc(Instant.ofEpochMilli(((Number) value).longValue()));
        }

        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            Instant instant = instant(rs, column);
            return instant == null ? null : instant.toEpochMilli();
        }
    },
    MICRO_TIMESTAMP(TypeCategory.TIMESTAMP_MICROS) {
        @Override
        public Object toJdbc(Schema schema, Object value) {
            long micros = ((Number) value).longValue();
            return ConnectValues.utc(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                    Math.floorMod(micros, 1_000_000L) * 1_000L));
        }

        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            Instant instant = instant(rs, column);
            return instant == null ? null : TimeUnit.SECONDS.toMicros(instant.getEpochSecond()) + instant.getNano() / 1000;
        }
    },
    NANO_TIMESTAMP(TypeCategory.TIMESTAMP_MICROS) {
        @Override
        public Object toJdbc(Schema schema, Object value) {
            long nanos = ((Number) value).longValue();
            return ConnectValues.utc(Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
                    Math.floorMod(nanos, 1_000_000_000L)));
        }

        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            Instant instant = instant(rs, column);
            return instant == null ? null : TimeUnit.SECONDS.toNanos(instant.getEpochSecond()) + instant.getNano();
        }
    },
    ZONED_TIMESTAMP(TypeCategory.TIMESTAMP_WITH_ZONE) {
        @Override
        public Object toJdbc(Schema schema, Object value) {
            return OffsetDateTime.parse(value.toString());
        }

        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            Instant instant = instant(rs, column);
            return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant);
        }
    };

    private final TypeCategory category;

    TimestampTypes(TypeCategory category) {
        this.category = category;
    }

    @Override
    public TypeCategory category() {
        return category;
    }

    /** A timestamp column as an instant; a timestamp without time zone is read as UTC, as Debezium does. */
    private static Instant instant(ResultSet rs, int column) throws SQLException {
        ResultSetMetaData metadata = rs.getMetaData();
        String typeName = String.valueOf(metadata.getColumnTypeName(column)).toLowerCase(Locale.ROOT);
        if (metadata.getColumnType(column) == Types.TIMESTAMP_WITH_TIMEZONE || typeName.equals("timestamptz")) {
            OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
            return value == null ? null : value.toInstant();
        }
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }
}
