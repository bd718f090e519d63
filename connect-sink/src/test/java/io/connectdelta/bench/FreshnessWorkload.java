package io.connectdelta.bench;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The freshness benchmark's source workload: {@value #THREADS} connections commit changes to {@value #TABLE} at a
 * fixed, steady rate (change i of a connection is due at i / its share of the rate), in transactions of 1-4
 * changes: ~30% inserts, ~70% updates of 2-4 columns of a row the same connection inserted before in the phase.
 * Every change sets {@code change_no}, unique and increasing, so that a target row tells which change it shows.
 * <p>
 * The sessions commit with synchronous_commit off (the server's wal_writer_delay flushes within 10 ms), so that
 * the commit rate is not bound by one fsync per transaction on this disk; Debezium reads only flushed WAL, and the
 * flush delay is part of the measured source stage.
 */
final class FreshnessWorkload {
    static final String TABLE = "fresh_items";
    static final int THREADS = 2;
    static final String COLUMNS = "id bigint PRIMARY KEY, change_no bigint NOT NULL, s1 text, s2 text, s3 text, "
            + "s4 text, i1 integer, i2 integer, l1 bigint, d1 numeric(12,2), t1 timestamp, b1 boolean";
    static final String[] COLUMN_NAMES = {"id", "change_no", "s1", "s2", "s3", "s4", "i1", "i2", "l1", "d1", "t1", "b1"};

    /** One measured phase: the change numbers it used, how many changes and transactions it committed, how long. */
    record Phase(long firstChange, long lastChange, long changes, long transactions, double seconds) {
        double achievedRate() {
            return changes / seconds;
        }
    }

    private final String url;
    private final AtomicLong nextId = new AtomicLong();
    private final AtomicLong nextChange = new AtomicLong();

    FreshnessWorkload(String url) {
        this.url = url;
    }

    void createTable() throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + TABLE);
            s.execute("CREATE TABLE " + TABLE + " (" + COLUMNS + ")");
            // Before and after in update events: ToDelta finds the changed columns.
            s.execute("ALTER TABLE " + TABLE + " REPLICA IDENTITY FULL");
        }
    }

    /** Commits changes at {@code rate} per second (infinity: as fast as it can) for {@code duration}; returns what it did. */
    Phase run(double rate, Duration duration) throws Exception {
        long first = nextChange.get() + 1;
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        long start = System.nanoTime();
        List<Future<long[]>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            long seed = first * 31 + t;
            done.add(pool.submit(() -> commitAtRate(rate / THREADS, start, start + duration.toNanos(), new Random(seed))));
        }
        long changes = 0;
        long transactions = 0;
        try {
            for (Future<long[]> thread : done) {
                long[] counts = thread.get();
                changes += counts[0];
                transactions += counts[1];
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Phase(first, nextChange.get(), changes, transactions, seconds);
    }

    private long[] commitAtRate(double rate, long start, long end, Random random) throws SQLException {
        List<Long> inserted = new ArrayList<>();
        long changes = 0;
        long transactions = 0;
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE
                     + " (id, change_no, s1, s2, s3, s4, i1, i2, l1, d1, t1, b1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement updateSmall = c.prepareStatement("UPDATE " + TABLE + " SET change_no = ?, s1 = ?, i1 = ? WHERE id = ?");
             PreparedStatement updateWide = c.prepareStatement("UPDATE " + TABLE
                     + " SET change_no = ?, s2 = ?, l1 = ?, d1 = ?, t1 = ? WHERE id = ?")) {
            try (Statement s = c.createStatement()) {
                s.execute("SET synchronous_commit = off");
            }
            c.setAutoCommit(false);
            long now;
            while ((now = System.nanoTime()) < end) {
                long due = (long) ((now - start) / 1e9 * rate);
                if (changes >= due) {
                    long next = start + (long) ((changes + 1) / rate * 1e9);
                    LockSupport.parkNanos(Math.max(0, Math.min(next, end) - now));
                    continue;
                }
                int size = 1 + random.nextInt(4);
                for (int i = 0; i < size; i++) {
                    long change = nextChange.incrementAndGet();
                    if (inserted.isEmpty() || random.nextInt(10) < 3) {
                        long id = nextId.incrementAndGet();
                        insert.setLong(1, id);
                        insert.setLong(2, change);
                        insert.setString(3, text(random, 24));
                        insert.setString(4, text(random, 32));
                        insert.setString(5, text(random, 16));
                        insert.setString(6, text(random, 40));
                        insert.setInt(7, random.nextInt(1_000_000));
                        insert.setInt(8, random.nextInt(1_000_000));
                        insert.setLong(9, random.nextLong());
                        insert.setBigDecimal(10, BigDecimal.valueOf(random.nextInt(100_000_000), 2));
                        insert.setTimestamp(11, new Timestamp(System.currentTimeMillis()));
                        insert.setBoolean(12, random.nextBoolean());
                        insert.executeUpdate();
                        inserted.add(id);
                    } else if (random.nextBoolean()) {
                        updateSmall.setLong(1, change);
                        updateSmall.setString(2, text(random, 24));
                        updateSmall.setInt(3, random.nextInt(1_000_000));
                        updateSmall.setLong(4, inserted.get(random.nextInt(inserted.size())));
                        updateSmall.executeUpdate();
                    } else {
                        updateWide.setLong(1, change);
                        updateWide.setString(2, text(random, 32));
                        updateWide.setLong(3, random.nextLong());
                        updateWide.setBigDecimal(4, BigDecimal.valueOf(random.nextInt(100_000_000), 2));
                        updateWide.setTimestamp(5, new Timestamp(System.currentTimeMillis()));
                        updateWide.setLong(6, inserted.get(random.nextInt(inserted.size())));
                        updateWide.executeUpdate();
                    }
                }
                c.commit();
                changes += size;
                transactions++;
            }
        }
        return new long[] {changes, transactions};
    }

    private static String text(Random random, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }
}
