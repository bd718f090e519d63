package io.connectdelta.event;

import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A BEGIN or END event from Debezium's transaction topic ({@code <topic.prefix>.transaction}).
 *
 * @param status          BEGIN or END
 * @param id              the transaction id ({@code txId:LSN} for PostgreSQL; see {@link #xid()})
 * @param eventCount      END only: how many data events the transaction produced, else null
 * @param dataCollections END only: events per data collection ({@code schema.table}), else empty
 * @param tsMs            when the marker was produced, or null
 */
public record TransactionMarker(Status status, String id, Long eventCount, Map<String, Long> dataCollections, Long tsMs) {

    public enum Status { BEGIN, END }

    /** The grouping part of the id, shared with the data events' {@link TransactionBlock#xid()}. */
    public String xid() {
        return TransactionBlock.xidOf(id);
    }

    /**
     * Where this marker stands in its source's log, from the id's form, or null where the form does not say:
     * PostgreSQL's {@code <txId>:<LSN>} (the LSN of an END marker grows in commit order), a MySQL GTID
     * {@code <server uuid>:<sequence>} (per server uuid) and a MariaDB GTID {@code <domain>-<server>-<sequence>}
     * (per domain), and the binlog file and position {@code file=<name>.<number>,pos=<position>} that Debezium's
     * binlog connectors use without GTIDs (the transaction's first event; the binlog is written in commit order).
     * Lets a sink tell an END marker that a source sends again after an unclean stop from a new one.
     */
    public LogPosition position() {
        if (id == null) {
            return null;
        }
        int colon = TransactionBlock.postgresColon(id);
        if (colon > 0) {
            return LogPosition.of("postgresql-" + status.name().toLowerCase(Locale.ROOT),
                    Long.parseLong(id.substring(colon + 1)));
        }
        Matcher gtid = MYSQL_GTID.matcher(id);
        if (gtid.matches()) {
            return LogPosition.of("gtid:" + gtid.group(1).toLowerCase(Locale.ROOT), Long.parseLong(gtid.group(2)));
        }
        gtid = MARIADB_GTID.matcher(id);
        if (gtid.matches()) {
            return LogPosition.of("gtid:" + gtid.group(1), Long.parseLong(gtid.group(2)));
        }
        Matcher file = BINLOG_FILE_POSITION.matcher(id);
        if (file.matches()) {
            Long fileNumber = LogPosition.binlogFileNumber(file.group(1));
            return fileNumber == null ? null : LogPosition.of("binlog", fileNumber, Long.parseLong(file.group(2)));
        }
        return null;
    }

    private static final Pattern MYSQL_GTID =
            Pattern.compile("([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}):(\\d{1,18})");
    private static final Pattern MARIADB_GTID = Pattern.compile("(\\d{1,10})-\\d{1,10}-(\\d{1,18})");
    /** Debezium's BinlogOffsetContext without a GTID: {@code String.format("file=%s,pos=%s", file, position)}. */
    private static final Pattern BINLOG_FILE_POSITION = Pattern.compile("file=(.+),pos=(\\d{1,18})");

    /** The fields of Debezium's marker value (io.debezium.connector.common.TransactionMetadataValue). */
    private static final Set<String> FIELDS = Set.of("status", "id", "event_count", "data_collections", "ts_ms");
    private static final String SCHEMA_NAME = "io.debezium.connector.common.TransactionMetadataValue";

    /**
     * True when the record is one of Debezium's BEGIN/END markers: its schema says so, or it has only a marker's
     * fields with status BEGIN or END (a row of a table with columns id and status is not one).
     */
    public static boolean isMarker(ConnectRecord<?> record) {
        Object value = record.value();
        if (value instanceof Struct) {
            Struct s = (Struct) value;
            if (s.schema().name() != null) {
                // A named schema is Debezium's marker schema or some table's row, never both.
                return SCHEMA_NAME.equals(s.schema().name());
            }
            for (org.apache.kafka.connect.data.Field field : s.schema().fields()) {
                if (!FIELDS.contains(field.name())) {
                    return false;
                }
            }
            return s.schema().field("id") != null && s.schema().field("status") != null && isStatus(s.get("status"));
        }
        if (value instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) value;
            return FIELDS.containsAll(m.keySet()) && m.containsKey("id") && isStatus(m.get("status"));
        }
        return false;
    }

    private static boolean isStatus(Object status) {
        return "BEGIN".equals(status) || "END".equals(status);
    }

    /** Reads a marker; a record that is not one raises a DataException naming the record. */
    public static TransactionMarker read(ConnectRecord<?> record) {
        if (!isMarker(record)) {
            throw new DataException("Expected a Debezium transaction marker (BEGIN/END with status and id) in "
                    + RecordLocation.describe(record));
        }
        Object value = record.value();
        String status = (String) ChangeEventReader.get(value, "status");
        Status parsed;
        try {
            parsed = Status.valueOf(status);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new DataException("Unknown transaction status '" + status + "' in " + RecordLocation.describe(record));
        }
        Map<String, Long> collections = new LinkedHashMap<>();
        Object list = ChangeEventReader.get(value, "data_collections");
        if (list instanceof List) {
            for (Object item : (List<?>) list) {
                Object name = ChangeEventReader.get(item, "data_collection");
                Object count = ChangeEventReader.get(item, "event_count");
                if (name != null && count instanceof Number) {
                    collections.put(name.toString(), ((Number) count).longValue());
                }
            }
        }
        return new TransactionMarker(parsed, String.valueOf(ChangeEventReader.get(value, "id")), asLong(ChangeEventReader.get(value, "event_count")),
                Collections.unmodifiableMap(collections), asLong(ChangeEventReader.get(value, "ts_ms")));
    }

    private static Long asLong(Object value) {
        return value instanceof Number ? ((Number) value).longValue() : null;
    }
}
