package io.connectdelta.sink.writer;

import io.connectdelta.sink.DeltaJdbcSinkConfig;
import io.connectdelta.sink.DeltaJdbcSinkConfig.SchemaEvolution;
import io.connectdelta.sink.dialect.ColumnInfo;
import io.connectdelta.sink.dialect.Dialect;
import io.connectdelta.sink.dialect.TableInfo;
import io.connectdelta.sink.plan.TableNaming;
import io.connectdelta.sink.plan.TablePlan;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Knows the target tables (read from the database's metadata, cached) and, with schema.evolution=basic, creates
 * missing tables and adds missing columns. Never drops or narrows anything.
 */
final class TableCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(TableCatalog.class);

    private final Dialect dialect;
    private final SchemaEvolution evolution;
    /** The ordering guard's position column every table needs, or null. */
    private final String positionColumn;
    private final Map<String, TableInfo> tables = new HashMap<>();
    /** Row schemas already checked against a table, so evolution looks at each schema once. */
    private final Map<String, Set<Schema>> checkedSchemas = new HashMap<>();

    TableCatalog(Dialect dialect, SchemaEvolution evolution, String positionColumn) {
        this.dialect = dialect;
        this.evolution = evolution;
        this.positionColumn = positionColumn;
    }

    /** The table a plan writes into, created or widened first when schema evolution allows. */
    TableInfo prepare(Connection connection, TablePlan plan) throws SQLException {
        TableInfo table = describe(connection, plan.table());
        if (table == null) {
            if (evolution != SchemaEvolution.BASIC) {
                throw new DataException("Table '" + plan.table() + "' does not exist (set schema.evolution=basic to "
                        + "create it)");
            }
            create(connection, plan);
            table = describe(connection, plan.table());
        }
        if (evolution == SchemaEvolution.BASIC) {
            Set<Schema> checked = checkedSchemas.computeIfAbsent(plan.table(), t -> new java.util.HashSet<>());
            for (Schema schema : plan.rowSchemas()) {
                if (checked.add(schema) && addMissingColumns(connection, table, schema)) {
                    table = describe(connection, plan.table());
                }
            }
        }
        if (positionColumn != null && table.column(positionColumn) == null) {
            table = addPositionColumn(connection, table);
        }
        return table;
    }

    private TableInfo addPositionColumn(Connection connection, TableInfo table) throws SQLException {
        if (evolution != SchemaEvolution.BASIC) {
            throw new DataException("Table '" + table.name() + "' has no column '" + positionColumn + "' for the "
                    + "ordering guard (" + DeltaJdbcSinkConfig.ORDERING_GUARD_COLUMN + "): add it as "
                    + dialect.positionColumnType() + ", or set schema.evolution=basic to have it added");
        }
        String sql = "ALTER TABLE " + dialect.quoteTable(table.name()) + " ADD COLUMN " + dialect.quote(positionColumn) + " "
                + dialect.positionColumnType();
        boolean added = ConcurrentDdl.create(connection, "Column " + positionColumn + " of table " + table.name(), sql,
                c -> {
                    forget(table.name());
                    TableInfo now = describe(c, table.name());
                    return now != null && now.column(positionColumn) != null;
                });
        forget(table.name());
        if (added) {
            LOG.info("Altered table {}: added the ordering guard's column {}", table.name(), positionColumn);
        }
        return describe(connection, table.name());
    }

    void forget(String table) {
        tables.remove(table);
        checkedSchemas.remove(table);
    }

    /** Forgets everything: after a rollback the tables may not be what the cache says. */
    void forgetAll() {
        tables.clear();
        checkedSchemas.clear();
    }

    /** The table as last read, or null when it is not known (not read yet, or forgotten). */
    TableInfo cached(String name) {
        return tables.get(name);
    }

    TableInfo describe(Connection connection, String name) throws SQLException {
        TableInfo cached = tables.get(name);
        if (cached != null) {
            return cached;
        }
        DatabaseMetaData metadata = connection.getMetaData();
        String tableSchema = TableNaming.schemaOf(name);
        String tableName = TableNaming.tableOf(name);
        String catalog = dialect.metadataCatalog(connection, tableSchema);
        String schema = dialect.metadataSchema(connection, tableSchema);
        String escape = metadata.getSearchStringEscape();
        String pattern = escapePattern(tableName, escape);
        Map<String, ColumnInfo> columns = new LinkedHashMap<>();
        try (ResultSet rs = metadata.getColumns(catalog, schema == null ? null : escapePattern(schema, escape),
                pattern, null)) {
            while (rs.next()) {
                if (tableName.equals(rs.getString("TABLE_NAME")) && (schema == null || schema.equals(rs.getString("TABLE_SCHEM")))) {
                    String column = rs.getString("COLUMN_NAME");
                    columns.put(column, new ColumnInfo(column, rs.getInt("DATA_TYPE"), rs.getString("TYPE_NAME")));
                }
            }
        }
        if (columns.isEmpty()) {
            return null;
        }
        for (String json : dialect.jsonTextColumns(connection, tableSchema, tableName)) {
            ColumnInfo column = columns.get(json);
            if (column != null) {
                columns.put(json, new ColumnInfo(json, column.jdbcType(), "JSON"));
            }
        }
        // The primary key tells the secondary unique keys apart from those that hold it.
        TreeMap<Integer, String> keyColumns = new TreeMap<>();
        try (ResultSet rs = metadata.getPrimaryKeys(catalog, schema, tableName)) {
            while (rs.next()) {
                if (tableName.equals(rs.getString("TABLE_NAME"))) {
                    keyColumns.put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME"));
                }
            }
        }
        List<String> primaryKey = new ArrayList<>(keyColumns.values());
        TableInfo table = new TableInfo(name, columns,
                secondaryUniqueKeys(metadata, catalog, schema, tableName, primaryKey));
        tables.put(name, table);
        return table;
    }

    /**
     * The column lists of the table's unique indexes that do not hold every primary key column (one that does
     * cannot collide without the primary key colliding). Expression and partial indexes count as well: a
     * conflict on them is as possible.
     */
    private static List<List<String>> secondaryUniqueKeys(DatabaseMetaData metadata, String catalog, String schema,
                                                          String tableName, List<String> primaryKey)
            throws SQLException {
        Map<String, TreeMap<Integer, String>> indexes = new LinkedHashMap<>();
        try (ResultSet rs = metadata.getIndexInfo(catalog, schema, tableName, true, true)) {
            while (rs.next()) {
                String index = rs.getString("INDEX_NAME");
                if (index == null || rs.getBoolean("NON_UNIQUE") || !tableName.equals(rs.getString("TABLE_NAME"))) {
                    continue;
                }
                indexes.computeIfAbsent(index, i -> new TreeMap<>())
                        .put(rs.getInt("ORDINAL_POSITION"), String.valueOf(rs.getString("COLUMN_NAME")));
            }
        }
        List<List<String>> secondary = new ArrayList<>();
        for (TreeMap<Integer, String> index : indexes.values()) {
            List<String> columns = new ArrayList<>(index.values());
            if (primaryKey.isEmpty() || !columns.containsAll(primaryKey)) {
                secondary.add(columns);
            }
        }
        return secondary;
    }

    private static String escapePattern(String name, String escape) {
        if (escape == null || escape.isEmpty()) {
            return name;
        }
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }

    private void create(Connection connection, TablePlan plan) throws SQLException {
        Schema rowSchema = plan.rowSchemas().stream().findFirst().orElse(null);
        Schema keySchema = plan.keySchema();
        if (rowSchema == null || rowSchema.type() != Schema.Type.STRUCT) {
            throw new DataException("Cannot create table '" + plan.table() + "': its events carry no row schema "
                    + "(schema.evolution needs records with schemas, and full or delta events)");
        }
        Map<String, String> definitions = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>();
        if (keySchema != null) {
            for (Field field : keySchema.fields()) {
                keys.add(field.name());
                Schema schema = rowSchema.field(field.name()) != null ? rowSchema.field(field.name()).schema() : field.schema();
                definitions.put(field.name(), dialect.quote(field.name()) + " " + dialect.columnType(schema, true) + " NOT NULL");
            }
        }
        for (Field field : rowSchema.fields()) {
            if (!definitions.containsKey(field.name())) {
                definitions.put(field.name(), dialect.quote(field.name()) + " " + dialect.columnType(field.schema(), false));
            }
        }
        if (positionColumn != null && !definitions.containsKey(positionColumn)) {
            definitions.put(positionColumn, dialect.quote(positionColumn) + " " + dialect.positionColumnType());
        }
        createSchema(connection, TableNaming.schemaOf(plan.table()));
        StringBuilder sql = new StringBuilder("CREATE TABLE ").append(dialect.quoteTable(plan.table())).append(" (")
                .append(String.join(", ", definitions.values()));
        if (!keys.isEmpty()) {
            sql.append(", PRIMARY KEY (");
            for (int i = 0; i < keys.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append(dialect.quote(keys.get(i)));
            }
            sql.append(')');
        }
        sql.append(')');
        boolean created = ConcurrentDdl.create(connection, "Table " + plan.table(), sql.toString(), c -> {
            forget(plan.table());
            return describe(c, plan.table()) != null;
        });
        forget(plan.table());
        if (created) {
            LOG.info("Created table {} with columns {} and primary key {}", plan.table(), definitions.keySet(), keys);
        }
    }

    /** Creates the schema of a table name that names one, unless it exists (creating it needs more rights). */
    private void createSchema(Connection connection, String schema) throws SQLException {
        if (schema == null || schemaExists(connection, schema)) {
            return;
        }
        if (ConcurrentDdl.create(connection, schema, dialect.createSchema(schema), c -> schemaExists(c, schema))) {
            LOG.info("Created schema {}", schema);
        }
    }

    private static boolean schemaExists(Connection connection, String schema) throws SQLException {
        DatabaseMetaData metadata = connection.getMetaData();
        // PostgreSQL lists schemas; MariaDB lists its databases as catalogs.
        try (ResultSet rs = metadata.getSchemas()) {
            while (rs.next()) {
                if (schema.equals(rs.getString("TABLE_SCHEM"))) {
                    return true;
                }
            }
        }
        try (ResultSet rs = metadata.getCatalogs()) {
            while (rs.next()) {
                if (schema.equals(rs.getString("TABLE_CAT"))) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean addMissingColumns(Connection connection, TableInfo table, Schema rowSchema) throws SQLException {
        if (rowSchema.type() != Schema.Type.STRUCT) {
            return false;
        }
        List<String> added = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            for (Field field : rowSchema.fields()) {
                if (table.column(field.name()) == null) {
                    statement.execute("ALTER TABLE " + dialect.quoteTable(table.name()) + " ADD COLUMN "
                            + dialect.quote(field.name()) + " " + dialect.columnType(field.schema(), false));
                    added.add(field.name());
                }
            }
        }
        if (added.isEmpty()) {
            return false;
        }
        forget(table.name());
        LOG.info("Altered table {}: added columns {}", table.name(), added);
        return true;
    }
}
