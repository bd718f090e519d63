package io.connectdelta.sink.writer;

import io.connectdelta.event.LogPosition;
import io.connectdelta.sink.dialect.Dialect;
import io.connectdelta.sink.progress.FencedException;
import io.connectdelta.sink.progress.PartitionProgress;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sink's own offsets table in the target database: per (connector, topic, partition) the next offset to
 * apply and the highest source position applied, written in the same transaction as the data, so data and
 * progress commit or roll back together; and the task instance that owns the partition, which every write checks
 * (fencing). Tables of earlier versions (without the position and owner columns) get them added.
 */
final class OffsetStore {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetStore.class);
    private static final String POSITION = "source_position";
    private static final String OWNER = "owner";

    private final Dialect dialect;
    private final String table;
    private final String connector;

    OffsetStore(Dialect dialect, String table, String connector) {
        this.dialect = dialect;
        this.table = table;
        this.connector = connector;
    }

    void createIfMissing(Connection connection) throws SQLException {
        ConcurrentDdl.create(connection, table, "CREATE TABLE IF NOT EXISTS " + dialect.quote(table) + " ("
                + dialect.quote("connector_name") + " VARCHAR(255) NOT NULL, "
                + dialect.quote("topic") + " VARCHAR(255) NOT NULL, "
                + dialect.quote("kafka_partition") + " INTEGER NOT NULL, "
                + dialect.quote("next_offset") + " BIGINT NOT NULL, "
                + dialect.quote(POSITION) + " VARCHAR(255), "
                + dialect.quote(OWNER) + " VARCHAR(64), "
                + "PRIMARY KEY (" + dialect.quote("connector_name") + ", " + dialect.quote("topic") + ", "
                + dialect.quote("kafka_partition") + "))", this::exists);
        for (String column : List.of(POSITION, OWNER)) {
            if (!hasColumn(connection, column)) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("ALTER TABLE " + dialect.quote(table) + " ADD COLUMN " + dialect.quote(column) + " "
                            + (column.equals(OWNER) ? "VARCHAR(64)" : "VARCHAR(255)"));
                    LOG.info("Added column {} to the offsets table {}", column, table);
                } catch (SQLException e) {
                    // Another task may have added it at the same moment.
                    if (!hasColumn(connection, column)) {
                        throw e;
                    }
                }
            }
        }
    }

    private boolean exists(Connection connection) {
        return probe(connection, "1");
    }

    private boolean hasColumn(Connection connection, String column) {
        return probe(connection, dialect.quote(column));
    }

    private boolean probe(Connection connection, String select) {
        try (Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT " + select + " FROM " + dialect.quote(table) + " WHERE 1 = 0").close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** What the table records for these partitions (those it has a row for). */
    Map<TopicPartition, PartitionProgress> read(Connection connection, Collection<TopicPartition> partitions)
            throws SQLException {
        Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
        String sql = "SELECT " + dialect.quote("topic") + ", " + dialect.quote("kafka_partition") + ", "
                + dialect.quote("next_offset") + ", " + dialect.quote(POSITION) + " FROM " + dialect.quote(table)
                + " WHERE " + dialect.quote("connector_name") + " = ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, connector);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    TopicPartition partition = new TopicPartition(rs.getString(1), rs.getInt(2));
                    if (partitions.contains(partition)) {
                        progress.put(partition, new PartitionProgress(rs.getLong(3), decode(rs.getString(4), partition)));
                    }
                }
            }
        }
        return progress;
    }

    private LogPosition decode(String text, TopicPartition partition) {
        try {
            return LogPosition.decode(text);
        } catch (IllegalArgumentException e) {
            // Not ours to fail on: without a position only offsets de-duplicate, as before positions existed.
            LOG.warn("Ignoring an unreadable source position '{}' of {} in {}: {}", text, partition, table, e.getMessage());
            return null;
        }
    }

    /**
     * Makes {@code owner} the owner of the partitions (a row without an offset for partitions never written) and
     * reads their progress. Run in a transaction of its own: the claim waits for a write of the previous owner
     * that holds the rows, and every later write of the previous owner is fenced.
     */
    Map<TopicPartition, PartitionProgress> claim(Connection connection, Collection<TopicPartition> partitions,
                                                 String owner) throws SQLException {
        List<String> keys = List.of(dialect.quote("connector_name"), dialect.quote("topic"), dialect.quote("kafka_partition"));
        String sql = "INSERT INTO " + dialect.quote(table) + " (" + String.join(", ", keys) + ", "
                + dialect.quote("next_offset") + ", " + dialect.quote(OWNER) + ") VALUES (?, ?, ?, ?, ?)"
                + dialect.upsertClause(keys, List.of(dialect.quote(OWNER)));
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (TopicPartition partition : partitions) {
                statement.setString(1, connector);
                statement.setString(2, partition.topic());
                statement.setInt(3, partition.partition());
                statement.setLong(4, PartitionProgress.NONE);
                statement.setString(5, owner);
                statement.addBatch();
            }
            statement.executeBatch();
        }
        return read(connection, partitions);
    }

    /**
     * Records the partitions' progress, in the caller's transaction, where {@code owner} still owns them; a
     * partition that another instance claimed since fails the write ({@link FencedException}).
     */
    void write(Connection connection, Map<TopicPartition, PartitionProgress> progress, String owner) throws SQLException {
        if (progress.isEmpty()) {
            return;
        }
        String sql = "UPDATE " + dialect.quote(table) + " SET " + dialect.quote("next_offset") + " = ?, "
                + dialect.quote(POSITION) + " = ? WHERE " + dialect.quote("connector_name") + " = ? AND "
                + dialect.quote("topic") + " = ? AND " + dialect.quote("kafka_partition") + " = ? AND "
                + dialect.quote(OWNER) + " = ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (Map.Entry<TopicPartition, PartitionProgress> entry : progress.entrySet()) {
                PartitionProgress p = entry.getValue();
                statement.setLong(1, p.nextOffset());
                statement.setString(2, p.position() == null ? null : p.position().encode());
                statement.setString(3, connector);
                statement.setString(4, entry.getKey().topic());
                statement.setInt(5, entry.getKey().partition());
                statement.setString(6, owner);
                // One statement per partition (few per write), not a batch: its update count must be exact.
                if (statement.executeUpdate() == 0) {
                    throw new FencedException(entry.getKey(), owner);
                }
            }
        }
    }
}
