package io.connectdelta.sink.dialect.postgres;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The text PostgreSQL's input function of a type reads as the same value the driver binds for a JDBC object, or
 * null where the two could differ (a Java type the column would convert with a cast, a date outside years 1-9999,
 * more than microseconds, an offset with seconds): such values keep the one-row UPDATE.
 */
final class PostgresElementText {
    private static final HexFormat HEX = HexFormat.of();

    private PostgresElementText() {
    }

    static String of(Object value, String type) {
        if (value instanceof String || value instanceof UUID) {
            // A string parameter is untyped (stringtype=unspecified): the column type's input function reads it.
            return value.toString();
        }
        if (value instanceof Boolean) {
            return type.equals("bool") ? ((Boolean) value ? "t" : "f") : null;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            return type.startsWith("int") || type.startsWith("float") || type.equals("numeric") ? value.toString() : null;
        }
        if (value instanceof BigDecimal) {
            return type.equals("numeric") ? value.toString() : null;
        }
        if (value instanceof Float) {
            // Widened first: float8 must get the float's exact value, not the nearest double to its decimal text.
            return type.equals("float4") ? value.toString()
                    : type.equals("float8") ? Double.toString((Float) value) : null;
        }
        if (value instanceof Double) {
            return type.equals("float8") ? value.toString() : null;
        }
        if (value instanceof byte[]) {
            return type.equals("bytea") ? "\\x" + HEX.formatHex((byte[]) value) : null;
        }
        return temporal(value, type);
    }

    private static String temporal(Object value, String type) {
        if (value instanceof LocalDate) {
            return type.equals("date") && plainYear(((LocalDate) value).getYear()) ? value.toString() : null;
        }
        if (value instanceof LocalTime) {
            return type.equals("time") && ((LocalTime) value).getNano() % 1000 == 0 ? value.toString() : null;
        }
        if (value instanceof LocalDateTime) {
            // Without an offset a timestamptz reads it in the session's time zone, as the driver's timestamp would be.
            return (type.equals("timestamp") || type.equals("timestamptz")) && plain((LocalDateTime) value)
                    ? value.toString() : null;
        }
        if (value instanceof OffsetDateTime) {
            OffsetDateTime time = (OffsetDateTime) value;
            int offset = time.getOffset().getTotalSeconds();
            if (!type.equals("timestamptz") || !plain(time.toLocalDateTime()) || offset % 60 != 0) {
                return null;
            }
            int minutes = Math.abs(offset) / 60;
            return time.toLocalDateTime() + String.format("%s%02d:%02d", offset < 0 ? "-" : "+", minutes / 60,
                    minutes % 60);
        }
        return null;
    }

    private static boolean plain(LocalDateTime time) {
        return plainYear(time.getYear()) && time.getNano() % 1000 == 0;
    }

    private static boolean plainYear(int year) {
        return year >= 1 && year <= 9999;
    }
}
