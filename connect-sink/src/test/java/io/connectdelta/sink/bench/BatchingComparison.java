package io.connectdelta.sink.bench;

import io.connectdelta.testing.TestDatabase;
import io.connectdelta.testing.TestDatabases;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Measures two ways to batch partial updates whose column sets differ (run by hand, not part of the suite):
 * <ol>
 *   <li>grouped: one PreparedStatement per distinct column set, each a JDBC batch (what the sink's writer does);</li>
 *   <li>flagged: one fixed-shape statement {@code SET c = CASE WHEN ? THEN ? ELSE c END ...} in one batch;</li>
 *   <li>and, for reference, one round trip per row.</li>
 * </ol>
 * Usage: java -cp ... io.connectdelta.sink.bench.BatchingComparison [rows] [maxColumnsPerDelta] [rowsPerTransaction]
 */
public final class BatchingComparison {
    private static final int COLUMNS = 10;
    private static final int RARE = 4;

    private record Delta(int id, BitSet columns, int[] values) {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int maxColumns = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int chunk = args.length > 2 ? Integer.parseInt(args[2]) : rows;
        for (TestDatabase server : List.of(TestDatabases.postgres(), TestDatabases.mariadb())) {
            TestDatabase db = server.createDatabase("bench");
            String url = db.jdbcUrl() + (db.isPostgres() ? "?reWriteBatchedInserts=true" : "");
            try (Connection c = java.sql.DriverManager.getConnection(url, db.user(), db.password())) {
                c.setAutoCommit(false);
                setUp(c, rows);
                Random random = new Random(42);
                List<Delta> deltas = new ArrayList<>();
                for (int i = 0; i < rows; i++) {
                    BitSet set = new BitSet();
                    int n = 1 + random.nextInt(maxColumns);
                    while (set.cardinality() < n) {
                        set.set(random.nextInt(COLUMNS));
                    }
                    int[] values = new int[COLUMNS];
                    for (int k = 0; k < COLUMNS; k++) {
                        values[k] = random.nextInt(1_000_000);
                    }
                    deltas.add(new Delta(1 + random.nextInt(rows), set, values));
                }
                long sets = deltas.stream().map(Delta::columns).distinct().count();
                // Warm up, then alternate the order of the measured runs.
                grouped(c, deltas.subList(0, rows / 4), 0);
                flagged(c, deltas.subList(0, rows / 4));
                List<Double> groupedRates = new ArrayList<>();
                List<Double> flaggedRates = new ArrayList<>();
                List<Double> hybridRates = new ArrayList<>();
                Strategy grouped = (conn, part) -> grouped(conn, part, 0);
                Strategy hybrid = (conn, part) -> grouped(conn, part, RARE);
                Strategy flagged = BatchingComparison::flagged;
                for (int run = 0; run < 3; run++) {
                    if (run % 2 == 0) {
                        groupedRates.add(inChunks(c, deltas, chunk, grouped));
                        flaggedRates.add(inChunks(c, deltas, chunk, flagged));
                        hybridRates.add(inChunks(c, deltas, chunk, hybrid));
                    } else {
                        hybridRates.add(inChunks(c, deltas, chunk, hybrid));
                        flaggedRates.add(inChunks(c, deltas, chunk, flagged));
                        groupedRates.add(inChunks(c, deltas, chunk, grouped));
                    }
                }
                double single = perRow(c, deltas.subList(0, Math.min(rows, 5_000)));
                System.out.printf("%s: %d deltas in transactions of %d, 1-%d of %d columns, %d distinct column sets%n",
                        db.kind(), rows, chunk, maxColumns, COLUMNS, sets);
                System.out.printf("  grouped by column set : %s rows/s%n", groupedRates);
                System.out.printf("  fixed shape + flags   : %s rows/s%n", flaggedRates);
                System.out.printf("  grouped, sets < %d rows flagged: %s rows/s%n", RARE, hybridRates);
                System.out.printf("  one round trip per row: %.0f rows/s%n", single);
            }
        }
        System.exit(0);
    }

    @FunctionalInterface
    private interface Strategy {
        double apply(Connection c, List<Delta> deltas) throws SQLException;
    }

    /** Rows per second over all chunks, each chunk one transaction (like one put of the sink). */
    private static double inChunks(Connection c, List<Delta> deltas, int chunk, Strategy strategy) throws SQLException {
        long start = System.nanoTime();
        for (int from = 0; from < deltas.size(); from += chunk) {
            strategy.apply(c, deltas.subList(from, Math.min(deltas.size(), from + chunk)));
        }
        return rate(deltas.size(), start);
    }

    private static void setUp(Connection c, int rows) throws SQLException {
        StringBuilder ddl = new StringBuilder("CREATE TABLE bench (id INT PRIMARY KEY");
        for (int k = 0; k < COLUMNS; k++) {
            ddl.append(", c").append(k).append(" INT");
        }
        try (var s = c.createStatement()) {
            s.execute(ddl.append(')').toString());
        }
        StringBuilder insert = new StringBuilder("INSERT INTO bench (id");
        for (int k = 0; k < COLUMNS; k++) {
            insert.append(", c").append(k);
        }
        insert.append(") VALUES (?").append(", 0".repeat(COLUMNS)).append(')');
        try (PreparedStatement p = c.prepareStatement(insert.toString())) {
            for (int i = 1; i <= rows; i++) {
                p.setInt(1, i);
                p.addBatch();
                if (i % 1000 == 0) {
                    p.executeBatch();
                }
            }
            p.executeBatch();
        }
        c.commit();
    }

    /** Grouped by column set; groups smaller than {@code rare} rows go through one flagged statement. */
    private static double grouped(Connection c, List<Delta> deltas, int rare) throws SQLException {
        long start = System.nanoTime();
        Map<BitSet, List<Delta>> groups = new LinkedHashMap<>();
        for (Delta d : deltas) {
            groups.computeIfAbsent(d.columns(), k -> new ArrayList<>()).add(d);
        }
        List<Delta> stragglers = new ArrayList<>();
        groups.values().removeIf(g -> g.size() < rare && stragglers.addAll(g));
        if (!stragglers.isEmpty()) {
            flaggedBatch(c, stragglers);
        }
        for (Map.Entry<BitSet, List<Delta>> group : groups.entrySet()) {
            StringBuilder sql = new StringBuilder("UPDATE bench SET ");
            BitSet set = group.getKey();
            boolean first = true;
            for (int k = set.nextSetBit(0); k >= 0; k = set.nextSetBit(k + 1)) {
                sql.append(first ? "" : ", ").append('c').append(k).append(" = ?");
                first = false;
            }
            try (PreparedStatement p = c.prepareStatement(sql.append(" WHERE id = ?").toString())) {
                for (Delta d : group.getValue()) {
                    int i = 1;
                    for (int k = set.nextSetBit(0); k >= 0; k = set.nextSetBit(k + 1)) {
                        p.setInt(i++, d.values()[k]);
                    }
                    p.setInt(i, d.id());
                    p.addBatch();
                }
                p.executeBatch();
            }
        }
        c.commit();
        return rate(deltas.size(), start);
    }

    private static double flagged(Connection c, List<Delta> deltas) throws SQLException {
        long start = System.nanoTime();
        flaggedBatch(c, deltas);
        c.commit();
        return rate(deltas.size(), start);
    }

    private static void flaggedBatch(Connection c, List<Delta> deltas) throws SQLException {
        StringBuilder sql = new StringBuilder("UPDATE bench SET ");
        for (int k = 0; k < COLUMNS; k++) {
            sql.append(k == 0 ? "" : ", ").append('c').append(k).append(" = CASE WHEN ? THEN ? ELSE c").append(k)
                    .append(" END");
        }
        try (PreparedStatement p = c.prepareStatement(sql.append(" WHERE id = ?").toString())) {
            int n = 0;
            for (Delta d : deltas) {
                int i = 1;
                for (int k = 0; k < COLUMNS; k++) {
                    p.setBoolean(i++, d.columns().get(k));
                    p.setInt(i++, d.values()[k]);
                }
                p.setInt(i, d.id());
                p.addBatch();
                if (++n % 1000 == 0) {
                    p.executeBatch();
                }
            }
            p.executeBatch();
        }
    }

    private static double perRow(Connection c, List<Delta> deltas) throws SQLException {
        long start = System.nanoTime();
        for (Delta d : deltas) {
            StringBuilder sql = new StringBuilder("UPDATE bench SET ");
            BitSet set = d.columns();
            boolean first = true;
            for (int k = set.nextSetBit(0); k >= 0; k = set.nextSetBit(k + 1)) {
                sql.append(first ? "" : ", ").append('c').append(k).append(" = ?");
                first = false;
            }
            try (PreparedStatement p = c.prepareStatement(sql.append(" WHERE id = ?").toString())) {
                int i = 1;
                for (int k = set.nextSetBit(0); k >= 0; k = set.nextSetBit(k + 1)) {
                    p.setInt(i++, d.values()[k]);
                }
                p.setInt(i, d.id());
                p.executeUpdate();
            }
        }
        c.commit();
        return rate(deltas.size(), start);
    }

    private static double rate(int rows, long start) {
        return Math.round(rows / ((System.nanoTime() - start) / 1e9));
    }
}
