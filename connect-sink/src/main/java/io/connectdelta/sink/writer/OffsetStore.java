package io.connectdelta.sink.writer;

import io.connectdelta.sink.dialect.Dialect;
import org.apache.kafka.common.TopicPartition;

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
 * apply, written in the same transaction as the data, so data and progress commit or roll back together.
 */
final class OffsetStore {
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
                + "PRIMARY KEY (" + dialect.quote("connector_name") + ", " + dialect.quote("topic") + ", "
                + dialect.quote("kafka_partition") + "))", this::exists);
    }

    private boolean exists(Connection connection) {
        try (Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT 1 FROM " + dialect.quote(table) + " WHERE 1 = 0").close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    Map<TopicPartition, Long> read(Connection connection, Collection<TopicPartition> partitions) throws SQLException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        String sql = "SELECT " + dialect.quote("topic") + ", " + dialect.quote("kafka_partition") + ", "
                + dialect.quote("next_offset") + " FROM " + dialect.quote(table) + " WHERE "
                + dialect.quote("connector_name") + " = ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, connector);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    TopicPartition partition = new TopicPartition(rs.getString(1), rs.getInt(2));
                    if (partitions.contains(partition)) {
                        offsets.put(partition, rs.getLong(3));
                    }
                }
            }
        }
        return offsets;
    }

    void write(Connection connection, Map<TopicPartition, Long> nextOffsets) throws SQLException {
        if (nextOffsets.isEmpty()) {
            return;
        }
        List<String> keys = List.of(dialect.quote("connector_name"), dialect.quote("topic"), dialect.quote("kafka_partition"));
        String sql = "INSERT INTO " + dialect.quote(table) + " (" + String.join(", ", keys) + ", "
                + dialect.quote("next_offset") + ") VALUES (?, ?, ?, ?)"
                + dialect.upsertClause(keys, List.of(dialect.quote("next_offset")));
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (Map.Entry<TopicPartition, Long> offset : nextOffsets.entrySet()) {
                statement.setString(1, connector);
                statement.setString(2, offset.getKey().topic());
                statement.setInt(3, offset.getKey().partition());
                statement.setLong(4, offset.getValue());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }
}
