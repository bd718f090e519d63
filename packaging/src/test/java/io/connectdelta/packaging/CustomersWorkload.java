package io.connectdelta.packaging;

import io.connectdelta.testing.TestDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * The source table every example reads ({@code customers}, on PostgreSQL or MariaDB) and a repeatable workload on
 * it: inserts, updates of one or two columns of wide rows (where delta events pay off), and deletes, in
 * multi-statement transactions. Its SQL runs on both databases.
 */
final class CustomersWorkload {

    static final String TABLE = "customers";

    /** What the workload did, in events Debezium emits for it (snapshot reads excluded). */
    record Counts(int inserts, int updates, int deletes, int transactions) {
        int changeEvents() {
            return inserts + updates + deletes;
        }
    }

    private final Random random;
    private final List<Integer> liveIds = new ArrayList<>();
    private int nextId = 1;
    private int moves;

    CustomersWorkload(long seed) {
        this.random = new Random(seed);
    }

    /**
     * Creates the table and its first rows. On PostgreSQL with REPLICA IDENTITY FULL, so that update events carry
     * the old row (a binlog in ROW format with the FULL row image always does).
     */
    void createTable(TestDatabase source, int initialRows) {
        source.execute("CREATE TABLE " + TABLE + " (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, "
                + "email VARCHAR(200), score INT NOT NULL, active BOOLEAN NOT NULL, notes TEXT)");
        if (source.isPostgres()) {
            source.execute("ALTER TABLE " + TABLE + " REPLICA IDENTITY FULL");
        }
        try (Connection c = source.connect()) {
            c.setAutoCommit(false);
            for (int i = 0; i < initialRows; i++) {
                insert(c);
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Creates the table in a target whose sink does not create tables (JSON Patch events carry no row schema to
     * create one from): as an operator would before starting such a sink.
     */
    static void createTargetTable(TestDatabase target) {
        target.execute("CREATE TABLE " + TABLE + " (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, "
                + "email VARCHAR(200), score INT NOT NULL, active BOOLEAN NOT NULL, notes TEXT)");
    }

    /**
     * Runs {@code transactions} transactions of 5 statements each (mostly updates, some inserts and deletes) and
     * reports progress after each transaction.
     */
    Counts run(TestDatabase source, int transactions, IntConsumer progress) {
        int inserts = 0;
        int updates = 0;
        int deletes = 0;
        try (Connection c = source.connect()) {
            c.setAutoCommit(false);
            for (int t = 0; t < transactions; t++) {
                for (int s = 0; s < 5; s++) {
                    int dice = random.nextInt(10);
                    if (dice < 2 || liveIds.size() < 5) {
                        insert(c);
                        inserts++;
                    } else if (dice < 9) {
                        update(c);
                        updates++;
                    } else {
                        delete(c);
                        deletes++;
                    }
                }
                c.commit();
                progress.accept(t + 1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new Counts(inserts, updates, deletes, transactions);
    }

    private void insert(Connection c) throws SQLException {
        int id = nextId++;
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE
                + " (id, name, email, score, active, notes) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setInt(1, id);
            insert.setString(2, "customer " + id);
            insert.setString(3, "customer" + id + "@example.com");
            insert.setInt(4, random.nextInt(1000));
            insert.setBoolean(5, random.nextBoolean());
            insert.setString(6, notes(id));
            insert.executeUpdate();
        }
        liveIds.add(id);
    }

    private void update(Connection c) throws SQLException {
        int id = liveIds.get(random.nextInt(liveIds.size()));
        String sql = switch (random.nextInt(4)) {
            case 0 -> "UPDATE " + TABLE + " SET score = score + 1 WHERE id = ?";
            case 1 -> "UPDATE " + TABLE + " SET active = NOT active WHERE id = ?";
            case 2 -> "UPDATE " + TABLE + " SET email = ?, score = score + 1 WHERE id = ?";
            default -> "UPDATE " + TABLE + " SET email = CASE WHEN email IS NULL THEN CONCAT('back', id, "
                    + "'@example.com') END WHERE id = ?";
        };
        // Every update changes the row, so every one of them is a change event with at least one changed field.
        try (PreparedStatement update = c.prepareStatement(sql)) {
            if (sql.contains("email = ?")) {
                update.setString(1, "moved" + ++moves + "@example.org");
                update.setInt(2, id);
            } else {
                update.setInt(1, id);
            }
            update.executeUpdate();
        }
    }

    private void delete(Connection c) throws SQLException {
        int id = liveIds.remove(random.nextInt(liveIds.size()));
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + TABLE + " WHERE id = ?")) {
            delete.setInt(1, id);
            delete.executeUpdate();
        }
    }

    /** A wide text column that updates leave alone: what full events repeat and delta events leave out. */
    private String notes(int id) {
        StringBuilder notes = new StringBuilder("notes of customer ").append(id).append(':');
        for (int i = 0; i < 40; i++) {
            notes.append(' ').append(Integer.toString(random.nextInt(Integer.MAX_VALUE), 36));
        }
        return notes.toString();
    }

    /**
     * The table's rows in id order, as text, comparable between PostgreSQL and MariaDB ({@code active} as 1 or 0:
     * a boolean, or the TINYINT(1) a binlog source gives and a sink may create as SMALLINT).
     */
    static List<List<String>> rows(TestDatabase db) {
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, name, email, score, active, notes FROM " + TABLE
                     + " ORDER BY id")) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= 6; i++) {
                    row.add(i == 5 ? (rs.getBoolean(i) ? "1" : "0") : rs.getString(i));
                }
                rows.add(row);
            }
        } catch (SQLException e) {
            // The sink creates the table with its first write: until then there is nothing to compare.
            return null;
        }
        return rows;
    }
}
