package io.connectdelta.sink.e2e;

import io.connectdelta.sink.support.Items;
import io.connectdelta.testing.TestDatabase;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bank schema of the end-to-end tests: {@code accounts(id, balance)} and {@code transfers(id, from_id, to_id,
 * amount)}. Every transfer is one source transaction (two account updates and one transfer row), so a target that
 * applies source transactions atomically always holds a consistent ledger. Targets get an audit trigger that logs
 * every row-level write of {@code transfers} into {@code transfer_writes}: a transfer applied twice leaves two rows
 * there, so "nothing was applied twice" is a check that can fail.
 */
final class Bank {
    static final int ACCOUNTS = 10;
    static final long OPENING_BALANCE = 1000;

    private Bank() {
    }

    /** The contents of a bank database: balances by account id and the transfers by id. */
    record Snapshot(Map<Integer, Long> balances, Map<Integer, List<Long>> transfers) {
    }

    /** A ledger check result: whether the snapshot was complete and consistent, and how many transfers it held. */
    record LedgerCheck(boolean complete, boolean consistent, int transfers, String problem) {
    }

    /** An account with its history columns ({@link #addHistoryColumns}). */
    record Account(long balance, long version, List<Object> entries) {
    }

    /**
     * Adds the history columns to {@code accounts}: {@code version}, which every update of the account increments
     * (a row that goes back in time shows a lower version), and {@code entries}, the ids of the transfers that
     * touched the account, in order: an array only appends change (one applied twice shows its id twice). A
     * PostgreSQL INT[], a MariaDB JSON array.
     */
    static void addHistoryColumns(TestDatabase db) {
        addHistoryColumns(db, db);
    }

    /**
     * As {@link #addHistoryColumns(TestDatabase)}, on a target fed from {@code source}: a MariaDB source sends its
     * JSON array as JSON text, which a PostgreSQL target keeps in a JSONB column.
     */
    static void addHistoryColumns(TestDatabase db, TestDatabase source) {
        String entries = !db.isPostgres() ? "JSON NOT NULL DEFAULT '[]'"
                : source.isPostgres() ? "INT[] NOT NULL DEFAULT '{}'" : "JSONB NOT NULL DEFAULT '[]'";
        db.execute("ALTER TABLE accounts ADD COLUMN version BIGINT NOT NULL DEFAULT 0, ADD COLUMN entries " + entries);
    }

    /** The accounts with their history columns, by id. */
    static Map<Integer, Account> accounts(TestDatabase db) {
        Map<Integer, Account> accounts = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, balance, version, entries FROM accounts")) {
            while (rs.next()) {
                accounts.put(rs.getInt(1), new Account(rs.getLong(2), rs.getLong(3), Items.list(rs.getObject(4))));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the accounts of " + db + ": " + e.getMessage(), e);
        }
        return accounts;
    }

    /** The version of each account, read in the current transaction of {@code c}, which is then committed. */
    static Map<Integer, Long> versions(Connection c) throws SQLException {
        Map<Integer, Long> versions = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, version FROM accounts")) {
            while (rs.next()) {
                versions.put(rs.getInt(1), rs.getLong(2));
            }
        } finally {
            c.commit();
        }
        return versions;
    }

    /** Creates the source tables and the opening accounts (before the source connector starts: snapshot events). */
    static void createSource(TestDatabase source) {
        source.execute(
                "CREATE TABLE accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL)",
                "CREATE TABLE transfers (id INT PRIMARY KEY, from_id INT, to_id INT, amount BIGINT)");
        StringBuilder insert = new StringBuilder("INSERT INTO accounts VALUES ");
        for (int id = 1; id <= ACCOUNTS; id++) {
            insert.append(id == 1 ? "" : ", ").append('(').append(id).append(", ").append(OPENING_BALANCE).append(')');
        }
        source.execute(insert.toString());
    }

    /** Creates the target tables, the audit table and its trigger on transfers (per dialect). */
    static void createTarget(TestDatabase target) {
        target.execute(
                "CREATE TABLE accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL)",
                "CREATE TABLE transfers (id INT PRIMARY KEY, from_id INT, to_id INT, amount BIGINT)");
        if (target.isPostgres()) {
            target.execute(
                    "CREATE TABLE transfer_writes (seq BIGSERIAL PRIMARY KEY, transfer_id INT NOT NULL)",
                    "CREATE FUNCTION log_transfer_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                            + "INSERT INTO transfer_writes (transfer_id) VALUES (NEW.id); RETURN NULL; END $$",
                    "CREATE TRIGGER transfers_audit AFTER INSERT OR UPDATE ON transfers "
                            + "FOR EACH ROW EXECUTE FUNCTION log_transfer_write()");
        } else {
            // MariaDB triggers have one event each; an upsert hitting an existing row fires the UPDATE one.
            target.execute(
                    "CREATE TABLE transfer_writes (seq BIGINT AUTO_INCREMENT PRIMARY KEY, transfer_id INT NOT NULL)",
                    "CREATE TRIGGER transfers_insert_audit AFTER INSERT ON transfers FOR EACH ROW "
                            + "INSERT INTO transfer_writes (transfer_id) VALUES (NEW.id)",
                    "CREATE TRIGGER transfers_update_audit AFTER UPDATE ON transfers FOR EACH ROW "
                            + "INSERT INTO transfer_writes (transfer_id) VALUES (NEW.id)");
        }
    }

    static Snapshot snapshot(TestDatabase db) {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement s = c.createStatement()) {
                Map<Integer, Long> balances = new TreeMap<>();
                try (ResultSet rs = s.executeQuery("SELECT id, balance FROM accounts")) {
                    while (rs.next()) {
                        balances.put(rs.getInt(1), rs.getLong(2));
                    }
                }
                Map<Integer, List<Long>> transfers = new TreeMap<>();
                try (ResultSet rs = s.executeQuery("SELECT id, from_id, to_id, amount FROM transfers")) {
                    while (rs.next()) {
                        transfers.put(rs.getInt(1), List.of(rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                    }
                }
                c.commit();
                return new Snapshot(balances, transfers);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the bank of " + db + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks the ledger in one REPEATABLE READ transaction: all accounts present, the balances sum to the opening
     * total, and each balance equals the opening balance minus its outgoing plus its incoming transfers.
     */
    static LedgerCheck checkLedger(Connection c) throws SQLException {
        Map<Integer, Long> balances = new TreeMap<>();
        Map<Integer, Long> expected = new TreeMap<>();
        int transfers = 0;
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT id, balance FROM accounts")) {
                while (rs.next()) {
                    balances.put(rs.getInt(1), rs.getLong(2));
                    expected.put(rs.getInt(1), OPENING_BALANCE);
                }
            }
            try (ResultSet rs = s.executeQuery(
                    "SELECT from_id, to_id, SUM(amount), COUNT(*) FROM transfers GROUP BY from_id, to_id")) {
                while (rs.next()) {
                    long amount = rs.getLong(3);
                    expected.merge(rs.getInt(1), -amount, Long::sum);
                    expected.merge(rs.getInt(2), amount, Long::sum);
                    transfers += rs.getInt(4);
                }
            }
        } finally {
            c.commit();
        }
        if (balances.size() < ACCOUNTS) {
            return new LedgerCheck(false, true, transfers, null);
        }
        long total = balances.values().stream().mapToLong(Long::longValue).sum();
        if (total != ACCOUNTS * OPENING_BALANCE) {
            return new LedgerCheck(true, false, transfers, "total " + total + " with " + transfers + " transfers");
        }
        if (!expected.equals(balances)) {
            return new LedgerCheck(true, false, transfers,
                    "balances " + balances + " but transfers give " + expected + " (" + transfers + " transfers)");
        }
        return new LedgerCheck(true, true, transfers, null);
    }

    /** Per transfer id, how often the target wrote its row (the audit table). */
    static Map<Integer, Integer> transferWrites(TestDatabase target) {
        Map<Integer, Integer> writes = new TreeMap<>();
        try (Connection c = target.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT transfer_id, COUNT(*) FROM transfer_writes GROUP BY transfer_id")) {
            while (rs.next()) {
                writes.put(rs.getInt(1), rs.getInt(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the audit table of " + target + ": " + e.getMessage(), e);
        }
        return writes;
    }

    /** The transfers the audit table shows written more than once: empty when every write happened once. */
    static List<String> writtenTwice(TestDatabase target) {
        List<String> twice = new ArrayList<>();
        transferWrites(target).forEach((id, count) -> {
            if (count != 1) {
                twice.add("transfer " + id + " written " + count + " times");
            }
        });
        return twice;
    }

    /** Number of rows in the audit table. */
    static long auditRows(TestDatabase target) {
        return transferWrites(target).values().stream().mapToLong(Integer::longValue).sum();
    }

    /** The server's id of a session: what {@link #killSessions} compares. */
    static long sessionId(Connection c, boolean postgres) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(postgres ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Ends every session on the target database except this one's and those in {@code spared} (test readers): the
     * sink's connections break mid-use. Returns how many were ended.
     */
    static int killSessions(TestDatabase target, Collection<Long> spared) {
        try (Connection c = target.connect(); Statement s = c.createStatement()) {
            List<Long> ids = new ArrayList<>();
            String sessions = target.isPostgres()
                    ? "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    : "SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()";
            try (ResultSet rs = s.executeQuery(sessions)) {
                while (rs.next()) {
                    if (!spared.contains(rs.getLong(1))) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            for (long id : ids) {
                try {
                    s.execute(target.isPostgres() ? "SELECT pg_terminate_backend(" + id + ")" : "KILL " + id);
                } catch (SQLException gone) {
                    // the session ended by itself meanwhile
                }
            }
            return ids.size();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot end the sessions on " + target + ": " + e.getMessage(), e);
        }
    }
}
