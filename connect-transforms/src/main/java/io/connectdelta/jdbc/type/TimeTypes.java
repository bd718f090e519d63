package io.connectdelta.jdbc.type;

import org.apache.kafka.connect.data.Schema;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;

/**
 * Times of day: Connect's Time, Debezium's Time, MicroTime and NanoTime (LocalTime in JDBC, wrapped into one
 * day as the sources' time columns hold them) and ZonedTime (ISO text in UTC).
 */
enum TimeTypes implements ColumnType {
    TIME(TypeCategory.TIME_MILLIS) {
        @Override
        public Object toJdbc(Schema schema, Object value) {
            return LocalTime.ofNanoOfDay(Math.floorMod(((java.util.Date) value).getTime(), MILLIS_PER_DAY) * 1_000_000L);
        }

        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            LocalTime time = rs.getObject(column, LocalTime.class);
            return time == null ? null : new java.util.Date(millisOfDay(time));
        }

        @Override
        public Object toSchemaless(Object value) {
            return (int) ((java.util.Date) value).getTime();
        }
    },
    DBZ_TIME(TypeCategory.TIME_MILLIS) {
        @Override
        public Object toJdbc(Schema schema, Object value) {
            return LocalTime.ofNanoOfDay(Math.floorMod(((Number) value).longValue() * 1_000_000L, NANOS_PER_DAY));
        }

        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            LocalTime time = rs.getObject(column, LocalTime.class);
            return time == null ? null : millisOfDay(time);
        }
    },
    MICRO_TIME(TypeCategory.TIME_MICROS) {
        @Override
        public Object toJdbc(Schema schema, Object value) {
            return LocalTime.ofNanoOfDay(Math.floorMod(((Number) value).longValue() * 1_000L, NANOS_PER_DAY));
        }

        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            LocalTime time = rs.getObject(column, LocalTime.class);
            return time == null ? null : Math.min(time.toNanoOfDay() / 1000, MICROS_PER_DAY);
        }
    },
    NANO_TIME(TypeCategory.TIME_MICROS) {
        @Override
        public Object toJdbc(Schema schema, Object value) {
            return LocalTime.ofNanoOfDay(Math.floorMod(((Number) value).longValue(), NANOS_PER_DAY));
        }

        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            LocalTime time = rs.getObject(column, LocalTime.class);
            return time == null ? null : time.toNanoOfDay();
        }
    },
    /** Bound as its text; stored in a text column. */
    ZONED_TIME(TypeCategory.TEXT) {
        @Override
        public Object read(ResultSet rs, int column, Schema schema) throws SQLException {
            OffsetTime time = rs.getObject(column, OffsetTime.class);
            return time == null ? null
                    : time.withOffsetSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_TIME);
        }
    };

    static final long MILLIS_PER_DAY = TimeUnit.DAYS.toMillis(1);
    private static final long MICROS_PER_DAY = TimeUnit.DAYS.toMicros(1);
    private static final long NANOS_PER_DAY = TimeUnit.DAYS.toNanos(1);

    private final TypeCategory category;

    TimeTypes(TypeCategory category) {
        this.category = category;
    }

    @Override
    public TypeCategory category() {
        return category;
    }

    private static int millisOfDay(LocalTime time) {
        return (int) (time.toNanoOfDay() / 1_000_000L);
    }
}
