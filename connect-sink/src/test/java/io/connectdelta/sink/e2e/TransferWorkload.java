package io.connectdelta.sink.e2e;

import io.connectdelta.testing.TestDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Random transfers on the source, each ONE source transaction: debit one account, credit another, insert the
 * transfer row. Runs in its own thread; transfer ids continue from the highest one in the source.
 */
final class TransferWorkload {
    private final TestDatabase source;
    private final Random random;
    private final boolean history;

    TransferWorkload(TestDatabase source, long seed) {
        this(source, seed, false);
    }

    private TransferWorkload(TestDatabase source, long seed, boolean history) {
        this.source = source;
        this.random = new Random(seed);
        this.history = history;
    }

    /**
     * Transfers that also keep the accounts' history columns ({@link Bank#addHistoryColumns}): each account update
     * increments {@code version} and appends the transfer's id to {@code entries}.
     */
    static TransferWorkload withHistory(TestDatabase source, long seed) {
        return new TransferWorkload(source, seed, true);
    }

    /** Runs {@code count} transfers, pausing {@code pause} after each; the future completes after the last commit. */
    CompletableFuture<Void> start(int count, Duration pause) {
        CompletableFuture<Void> finished = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                run(count, pause);
                finished.complete(null);
            } catch (Throwable e) {
                finished.completeExceptionally(e);
            }
        }, "transfer-workload");
        thread.setDaemon(true);
        thread.start();
        return finished;
    }

    /** Runs {@code count} transfers in the calling thread. */
    void run(int count, Duration pause) throws SQLException, InterruptedException {
        try (Connection c = source.connect()) {
            int nextId = 1;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(id) FROM transfers")) {
                if (rs.next()) {
                    nextId = rs.getInt(1) + 1;
                }
            }
            c.setAutoCommit(false);
            String append = source.isPostgres() ? "array_append(entries, ?)" : "JSON_ARRAY_APPEND(entries, '$', ?)";
            try (PreparedStatement move = c.prepareStatement(history
                    ? "UPDATE accounts SET balance = balance + ?, version = version + 1, entries = " + append
                            + " WHERE id = ?"
                    : "UPDATE accounts SET balance = balance + ? WHERE id = ?");
                 PreparedStatement log = c.prepareStatement("INSERT INTO transfers VALUES (?, ?, ?, ?)")) {
                for (int i = 0; i < count; i++) {
                    int from = 1 + random.nextInt(Bank.ACCOUNTS);
                    int to = 1 + (from + random.nextInt(Bank.ACCOUNTS - 1)) % Bank.ACCOUNTS;
                    long amount = 1 + random.nextInt(100);
                    move(move, -amount, from, nextId);
                    move(move, amount, to, nextId);
                    log.setInt(1, nextId++);
                    log.setInt(2, from);
                    log.setInt(3, to);
                    log.setLong(4, amount);
                    log.executeUpdate();
                    c.commit();
                    if (!pause.isZero()) {
                        TimeUnit.MICROSECONDS.sleep(pause.toNanos() / 1000);
                    }
                }
            }
        }
    }

    private void move(PreparedStatement move, long amount, int account, int transfer) throws SQLException {
        int parameter = 1;
        move.setLong(parameter++, amount);
        if (history) {
            move.setInt(parameter++, transfer);
        }
        move.setInt(parameter, account);
        move.executeUpdate();
    }
}
