package io.connectdelta.bench;

import org.apache.kafka.connect.data.Struct;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/** The benchmark's target table in PostgreSQL: create it fresh, wait for the sentinel row, compare with the model. */
final class TargetTable {
    private final String url;
    private final String user;
    private final String password;

    TargetTable(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    void recreate(String table, BenchmarkEvents events) throws SQLException {
        execute("DROP TABLE IF EXISTS \"" + table + "\"", "CREATE TABLE \"" + table + "\" (" + events.postgresColumns() + ")",
                "CHECKPOINT");
    }

    void execute(String... statements) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** Waits until the sentinel row exists; returns the nanoTime when it was seen. */
    long awaitSentinel(String table, Duration timeout, Runnable onEachPoll) throws SQLException, InterruptedException {
        return awaitSentinels(table, timeout, onEachPoll, BenchmarkEvents.SENTINEL_ID);
    }

    /** Waits until every one of the sentinel rows exists; returns the nanoTime when they were seen. */
    long awaitSentinels(String table, Duration timeout, Runnable onEachPoll, long... ids) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String in = java.util.Arrays.stream(ids).mapToObj(Long::toString).collect(java.util.stream.Collectors.joining(","));
        try (Connection c = connect(); Statement s = c.createStatement()) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM \"" + table + "\" WHERE id IN (" + in + ")")) {
                    if (rs.next() && rs.getInt(1) == ids.length) {
                        return System.nanoTime();
                    }
                }
                onEachPoll.run();
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("The sink did not apply every event into " + table + " within " + timeout);
    }

    long rowCount(String table) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM \"" + table + "\"")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The WAL insert position (pg_current_wal_lsn, the write position, lags behind it). */
    long walLsn() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    long countWhere(String table, String condition) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM \"" + table + "\" WHERE " + condition)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Compares the table with the model's final rows (ignoring the sentinel); returns the number of rows that
     * differ or are missing or extra.
     */
    long mismatches(String table, BenchmarkEvents events, boolean compareDoc) throws SQLException {
        StringBuilder select = new StringBuilder("SELECT id");
        for (int i = 1; i < BenchmarkEvents.COLUMNS.length; i++) {
            String column = BenchmarkEvents.COLUMNS[i];
            // Timestamps as epoch microseconds in SQL: no JDBC time-zone conversion in the comparison.
            select.append(", ").append(column.charAt(0) == 't'
                    ? "(extract(epoch from \"" + column + "\") * 1000000)::bigint"
                    : "\"" + column + "\"");
        }
        if (compareDoc) {
            select.append(", md5(doc)");
        }
        // The sentinels have negative ids; the model's rows start at 1.
        select.append(" FROM \"").append(table).append("\" WHERE id >= 0");
        long bad = 0;
        long seen = 0;
        Map<Long, Struct> expected = events.finalRows;
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.setFetchSize(5000);
            c.setAutoCommit(false);
            try (ResultSet rs = s.executeQuery(select.toString())) {
                while (rs.next()) {
                    seen++;
                    Struct row = expected.get(rs.getLong(1));
                    if (row == null || !rowEquals(rs, row, compareDoc)) {
                        bad++;
                    }
                }
            }
        }
        return bad + Math.max(0, expected.size() - (seen - bad));
    }

    private static boolean rowEquals(ResultSet rs, Struct row, boolean compareDoc) throws SQLException {
        for (int i = 1; i < BenchmarkEvents.COLUMNS.length; i++) {
            String column = BenchmarkEvents.COLUMNS[i];
            Object want = row.get(column);
            Object got = rs.getObject(i + 1);
            if (!valueEquals(want, got)) {
                return false;
            }
        }
        if (compareDoc) {
            String md5 = rs.getString(BenchmarkEvents.COLUMNS.length + 1);
            return Objects.equals(md5, md5Hex((String) row.get("doc")));
        }
        return true;
    }

    private static boolean valueEquals(Object want, Object got) {
        if (want == null || got == null) {
            return want == got;
        }
        if (want instanceof BigDecimal) {
            return ((BigDecimal) want).compareTo(new BigDecimal(got.toString())) == 0;
        }
        if (want instanceof Number && got instanceof Number) {
            return want instanceof Double ? ((Number) want).doubleValue() == ((Number) got).doubleValue()
                    : ((Number) want).longValue() == ((Number) got).longValue();
        }
        return want.equals(got);
    }

    static String md5Hex(String text) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("MD5")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
