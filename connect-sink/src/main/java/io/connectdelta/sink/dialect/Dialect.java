package io.connectdelta.sink.dialect;

import io.connectdelta.jdbc.dialect.JdbcDialect;
import org.apache.kafka.connect.data.Schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The write SQL that differs between the target databases: the upsert clause, json and array functions, column
 * type names, how a value is bound. Quoting, URLs and transient errors come from the database's {@link JdbcDialect};
 * everything else (statement shapes, batching, transactions, retries) is shared by the writer.
 */
public interface Dialect extends JdbcDialect {

    /**
     * The catalog and schema pattern for DatabaseMetaData lookups in {@code schema} (the schema part of a table
     * name; a database in MariaDB), or in the connection's current schema when it is null.
     */
    String metadataCatalog(Connection connection, String schema) throws SQLException;

    String metadataSchema(Connection connection, String schema) throws SQLException;

    /** A table name, {@code table} or {@code schema.table}, with each part quoted on its own. */
    default String quoteTable(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? quote(name) : quote(name.substring(0, dot)) + "." + quote(name.substring(dot + 1));
    }

    /** The statement creating {@code schema} (a database in MariaDB) unless it exists. */
    String createSchema(String schema);

    /** The name the database stores for a table or schema name written without quotes. */
    String unquotedName(String identifier);

    /**
     * The identifier as the database names it when it is longer than the database allows (PostgreSQL cuts it to
     * 63 bytes), or null when the database refuses it (MariaDB: more than 64 characters).
     */
    String fitIdentifier(String identifier);

    /**
     * The clause after INSERT ... VALUES (...) that turns it into an upsert updating {@code columns} on a key
     * conflict (already quoted names).
     */
    default String upsertClause(List<String> quotedKeys, List<String> quotedColumns) {
        return upsertClause(quotedKeys, quotedColumns, null);
    }

    /**
     * The upsert clause that updates an existing row only where {@code onlyIf} (an SQL condition over the existing
     * row's columns and {@link #proposed} values; null: always) holds. Columns are assigned in the order given and
     * may be assigned one after the other (MariaDB): a column the condition reads must come last.
     */
    String upsertClause(List<String> quotedKeys, List<String> quotedColumns, String onlyIf);

    /**
     * True when the upsert clause acts on a conflict of the primary key only (PostgreSQL's ON CONFLICT (key): any
     * other unique key's conflict is an error). False when any unique key's conflict updates the row holding the
     * value (MariaDB's ON DUPLICATE KEY UPDATE): then tables with a secondary unique key are not upserted.
     */
    default boolean upsertsOnPrimaryKeyOnly() {
        return true;
    }

    /** In an upsert clause: the value the INSERT proposed for a column (EXCLUDED.c, VALUES(c)). */
    String proposed(String quotedColumn);

    /**
     * An expression giving the text just above every {@link io.connectdelta.event.LogPosition#encode encoded}
     * position of the same log as {@code encodedPosition} (an SQL expression): the log's name followed by
     * {@link io.connectdelta.event.LogPosition#LOG_END_SUFFIX}.
     */
    String logEnd(String encodedPosition);

    /** The type of a column created to hold encoded log positions: text that compares bytewise. */
    String positionColumnType();

    /**
     * The UPDATE of many rows from arrays, or null: then plain partial updates go as one-row UPDATEs in JDBC
     * batches.
     */
    default ArrayUpdate arrayUpdate() {
        return null;
    }

    /** A statement emptying the table inside the current transaction. */
    String truncate(String quotedTable);

    /**
     * {@code base} with the json value at {@code path} set (or inserted into an array); appends params. A numeric
     * token of the path names an array element where {@code types} holds an array at that point, else an object
     * member; {@code types} is null when the path has no numeric token.
     */
    String jsonSet(String base, ColumnInfo column, List<String> path, String jsonValue, boolean insert,
                   SqlExpression types, List<Object> params);

    /** {@code base} without the json value at {@code path} (numeric tokens as in jsonSet); appends params. */
    String jsonRemove(String base, ColumnInfo column, List<String> path, SqlExpression types, List<Object> params);

    /** {@code base} with one element appended: a native array element or a json value; appends params. */
    String arrayAppend(String base, ColumnInfo column, Object element, String jsonElement, List<Object> params);

    /**
     * Names of columns that hold JSON although the metadata reports a text type (MariaDB's JSON is LONGTEXT
     * with a json_valid check).
     */
    default java.util.Set<String> jsonTextColumns(Connection connection, String schema, String table)
            throws SQLException {
        return java.util.Set.of();
    }

    /** A NULL of the column's type: the base of edits in an INSERT of a row that was missing. */
    default String typedNull(ColumnInfo column) {
        return "NULL";
    }

    /** An expression giving a json value from a bound parameter holding JSON text. */
    String jsonParameter(ColumnInfo column);

    /** The column type to create for a Connect schema; {@code key} columns need an indexable type. */
    String columnType(Schema schema, boolean key);

    /** Adapts a converted value to what this database's driver binds for the column (arrays, time zones). */
    Object adapt(Object value, ColumnInfo column);

    default void bind(Connection connection, PreparedStatement statement, int index, Object value) throws SQLException {
        if (value instanceof SqlArray) {
            SqlArray array = (SqlArray) value;
            statement.setArray(index, connection.createArrayOf(array.elementType(), array.elements()));
        } else if (value == null) {
            statement.setNull(index, java.sql.Types.NULL);
        } else {
            statement.setObject(index, value);
        }
    }
}
