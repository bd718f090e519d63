package io.connectdelta.packaging;

import io.connectdelta.testing.TestDatabase;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The demo's freshness: how long after a new row is visible in the source it is visible in each target. A thread
 * polls {@code max(id)} of the source table and of every target table every {@value #POLL_MS} ms and notes when
 * each id first shows; a row's latency is the difference, to within a poll. The workload inserts rows with
 * increasing ids, so max(id) tells which inserts a table holds; a row deleted before a poll saw it has no sample.
 * A poll sees a commit at once, so the latencies are from source commit to target commit, plus up to a poll.
 */
final class FreshnessProbe implements AutoCloseable {
    static final int POLL_MS = 20;
    private static final String SOURCE = "";

    private final Map<String, TestDatabase> tables = new LinkedHashMap<>();
    /** Per table (the source under ""), id to the nanoTime it first showed. */
    private final Map<String, Map<Long, Long>> firstSeen = new ConcurrentHashMap<>();
    private final Thread poller;
    private volatile boolean running = true;

    /** Starts polling; rows the source holds now are not measured. */
    FreshnessProbe(TestDatabase source, Map<String, TestDatabase> targets) {
        tables.put(SOURCE, source);
        tables.putAll(targets);
        tables.keySet().forEach(name -> firstSeen.put(name, new ConcurrentHashMap<>()));
        poller = new Thread(this::poll, "demo-freshness-probe");
        poller.setDaemon(true);
        poller.start();
    }

    private void poll() {
        Map<String, Connection> connections = new LinkedHashMap<>();
        Map<String, Long> seenUpTo = new LinkedHashMap<>();
        try {
            long baseline = -1;
            while (running) {
                for (Map.Entry<String, TestDatabase> table : tables.entrySet()) {
                    long max = maxId(connections, table.getKey(), table.getValue());
                    long now = System.nanoTime();
                    if (baseline < 0) {
                        // The first poll of the source: what it holds already is not measured.
                        baseline = Math.max(0, max);
                        tables.keySet().forEach(name -> seenUpTo.put(name, Math.max(0, max)));
                        continue;
                    }
                    Map<Long, Long> seen = firstSeen.get(table.getKey());
                    for (long id = seenUpTo.get(table.getKey()) + 1; id <= max; id++) {
                        seen.put(id, now);
                    }
                    seenUpTo.put(table.getKey(), Math.max(seenUpTo.get(table.getKey()), max));
                }
                Thread.sleep(POLL_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            connections.values().forEach(c -> {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // closing anyway
                }
            });
        }
    }

    /** max(id) of the table, or -1 while it does not exist yet or cannot be read. */
    private static long maxId(Map<String, Connection> connections, String name, TestDatabase database) {
        try {
            Connection c = connections.get(name);
            if (c == null) {
                c = database.connect();
                connections.put(name, c);
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT max(id) FROM " + CustomersWorkload.TABLE)) {
                rs.next();
                long max = rs.getLong(1);
                return rs.wasNull() ? -1 : max;
            }
        } catch (SQLException e) {
            // A sink creates its table with its first write; PostgreSQL needs a new connection after an error.
            Connection broken = connections.remove(name);
            if (broken != null) {
                try {
                    broken.close();
                } catch (SQLException ignored) {
                    // replaced
                }
            }
            return -1;
        }
    }

    /** Milliseconds from source to target of every new row seen in both, sorted. */
    long[] latencies(String target) {
        Map<Long, Long> source = firstSeen.get(SOURCE);
        return firstSeen.get(target).entrySet().stream().filter(e -> source.containsKey(e.getKey()))
                .mapToLong(e -> Math.max(0, (e.getValue() - source.get(e.getKey())) / 1_000_000)).sorted().toArray();
    }

    /** The nearest-rank percentile ({@code p} in 0..100) of sorted values; -1 without values. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** "p50 X ms, p99 Y ms, max Z ms (n new rows)" for a target. */
    String summary(String target) {
        long[] sorted = latencies(target);
        if (sorted.length == 0) {
            return "no new row seen in both";
        }
        return String.format("p50 %d ms, p99 %d ms, max %d ms (%d new rows, polled every %d ms)", percentile(sorted, 50),
                percentile(sorted, 99), sorted[sorted.length - 1], sorted.length, POLL_MS);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        poller.join(5000);
    }
}
