package io.connectdelta.sink;

import io.connectdelta.sink.dialect.Dialect;
import io.connectdelta.sink.dialect.SinkDialects;
import io.connectdelta.sink.writer.JdbcWriter;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The partial-update JDBC sink: applies full, delta and JSON Patch change events (and deletes, tombstones and
 * truncates) to PostgreSQL or MariaDB/MySQL, writing only the columns that changed. See docs/sink.md.
 */
public class DeltaJdbcSinkConnector extends SinkConnector {
    public static final String VERSION = "0.1.0-SNAPSHOT";

    private Map<String, String> props;

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        new DeltaJdbcSinkConfig(props);
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return DeltaJdbcSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        // One source transaction spans topics and partitions: in transaction mode one task must see all of it.
        int tasks = new DeltaJdbcSinkConfig(props).transactionAware() ? 1 : maxTasks;
        List<Map<String, String>> configs = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(DeltaJdbcSinkTask.TASK_ID, Integer.toString(i));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return DeltaJdbcSinkConfig.CONFIG_DEF;
    }

    /** Validates every key, the combinations, and that the database answers with the given credentials. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = super.validate(connectorConfigs);
        Map<String, ConfigValue> values = new HashMap<>();
        for (ConfigValue value : result.configValues()) {
            values.put(value.name(), value);
        }
        boolean keysValid = result.configValues().stream().allMatch(v -> v.errorMessages().isEmpty());
        if (!keysValid) {
            return result;
        }
        DeltaJdbcSinkConfig config;
        try {
            config = new DeltaJdbcSinkConfig(connectorConfigs);
        } catch (ConfigException e) {
            keyOf(e, result, values).addErrorMessage(e.getMessage());
            return result;
        }
        if (config.transactionAware() && !validTransactionMode(connectorConfigs, config, values)) {
            return result;
        }
        Dialect dialect;
        try {
            dialect = SinkDialects.forUrl(config.connectionUrl());
        } catch (ConfigException e) {
            values.get(DeltaJdbcSinkConfig.CONNECTION_URL).addErrorMessage(e.getMessage());
            return result;
        }
        try (Connection connection = JdbcWriter.connect(config, dialect)) {
            if (!connection.isValid(10)) {
                values.get(DeltaJdbcSinkConfig.CONNECTION_URL).addErrorMessage("The database does not answer");
            }
        } catch (SQLException e) {
            String message = "Cannot connect to " + config.connectionUrl() + " (SQLState " + e.getSQLState() + "): "
                    + e.getMessage();
            boolean credentials = e.getSQLState() != null && e.getSQLState().startsWith("28");
            if (credentials) {
                values.get(DeltaJdbcSinkConfig.CONNECTION_USERNAME).addErrorMessage(message);
                values.get(DeltaJdbcSinkConfig.CONNECTION_PASSWORD).addErrorMessage(message);
            } else {
                values.get(DeltaJdbcSinkConfig.CONNECTION_URL).addErrorMessage(message);
            }
        }
        return result;
    }

    /**
     * The key a combination error is about: the key its message names ("... for configuration KEY: ..."). A key
     * outside our definition (a hibernate.* key) gets an entry of its own, so the error shows next to it.
     */
    private static ConfigValue keyOf(ConfigException e, Config result, Map<String, ConfigValue> values) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        int start = message.indexOf("configuration ");
        int end = start < 0 ? -1 : message.indexOf(':', start);
        String key = end < 0 ? DeltaJdbcSinkConfig.PRIMARY_KEY_MODE : message.substring(start + 14, end);
        return values.computeIfAbsent(key, k -> {
            ConfigValue value = new ConfigValue(k);
            result.configValues().add(value);
            return value;
        });
    }

    /**
     * Transaction mode needs one task (one source transaction spans topics and partitions, and only a task that
     * sees all of them can apply it whole) and the transaction topic among the topics it consumes.
     */
    private static boolean validTransactionMode(Map<String, String> props, DeltaJdbcSinkConfig config,
                                                Map<String, ConfigValue> values) {
        boolean valid = true;
        String tasksMax = props.getOrDefault("tasks.max", "1").trim();
        if (!"1".equals(tasksMax)) {
            values.get(DeltaJdbcSinkConfig.TRANSACTION_AWARE).addErrorMessage("transaction.aware=true needs tasks.max=1 "
                    + "(it is " + tasksMax + "): the events of one source transaction arrive on several topics and "
                    + "partitions, and only a task that consumes all of them can apply the transaction whole. Use "
                    + "plain mode (transaction.aware=false) to spread a connector over several tasks.");
            valid = false;
        }
        String txTopic = config.transactionTopic();
        if (!Subscription.of(props).includes(txTopic)) {
            values.get(DeltaJdbcSinkConfig.TRANSACTION_TOPIC).addErrorMessage("The transaction topic '" + txTopic
                    + "' must also be consumed: add it to topics (or make topics.regex match it).");
            valid = false;
        }
        return valid;
    }
}
