package io.connectdelta.transforms.reselect;

import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.Row;
import io.connectdelta.jdbc.JdbcDialects;
import io.connectdelta.jdbc.dialect.JdbcDialect;
import io.connectdelta.jdbc.type.JdbcValues;
import io.connectdelta.transforms.state.MissingStateResolver;
import org.apache.kafka.common.cache.Cache;
import org.apache.kafka.common.cache.LRUCache;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Re-selects the current row of a change event from the source database over JDBC: by the event's key from
 * the table its source block names (or {@code table.name.format}), or with a user's {@code query} template.
 * Identifiers are always quoted for the database and event values always bound as parameters.
 * <p>
 * One JDBC connection per fetcher (one per task, as transforms are per task); prepared statements are reused
 * per statement text; a broken connection is reopened and the select retried once. Results, and rows found
 * missing, are cached ({@code cache.max.entries}, {@code cache.ttl.ms}); a cached row answers only for events
 * whose change committed before the row was read. The row returned is the row as it is now, not as it was
 * when the event happened (see docs/reselect.md).
 * <p>
 * Reused by other transforms: add its keys to their ConfigDef with {@link #addConfig(ConfigDef)} and build it
 * from their configs with {@link #SourceRowFetcher(Map)}.
 */
public final class SourceRowFetcher implements MissingStateResolver {
    public static final String CONNECTION_URL = "connection.url";
    public static final String CONNECTION_USERNAME = "connection.username";
    public static final String CONNECTION_PASSWORD = "connection.password";
    public static final String TABLE_NAME_FORMAT = "table.name.format";
    public static final String QUERY = "query";
    public static final String CACHE_MAX_ENTRIES = "cache.max.entries";
    public static final String CACHE_TTL_MS = "cache.ttl.ms";

    private static final Logger LOG = LoggerFactory.getLogger(SourceRowFetcher.class);
    private static final Pattern TABLE_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");
    private static final Set<String> TABLE_VARIABLES = Set.of("topic", "topic.schema", "topic.table", "source.db",
            "source.schema", "source.table");
    private static final int MAX_STATEMENTS = 64;

    private final String url;
    private final String username;
    private final Password password;
    private final JdbcDialect dialect;
    private final List<String> tableNameFormat;
    private final QueryTemplate query;
    private final RowCache rows;
    private final Time time;
    private final Cache<List<Object>, Schema> derivedSchemas = new LRUCache<>(64);
    private final LinkedHashMap<String, PreparedStatement> statements =
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
                    if (size() > MAX_STATEMENTS) {
                        closeQuietly(eldest.getValue());
                        return true;
                    }
                    return false;
                }
            };
    private Connection connection;

    /** Adds this fetcher's config keys to {@code def} and returns it; connection.url is required. */
    public static ConfigDef addConfig(ConfigDef def) {
        return addConfig(def, true);
    }

    /**
     * Adds this fetcher's config keys to {@code def} and returns it. A transform that re-selects only in some
     * modes (ToFull) passes {@code urlRequired=false} and checks the URL itself when it needs it.
     */
    public static ConfigDef addConfig(ConfigDef def, boolean urlRequired) {
        return def
                .define(CONNECTION_URL, ConfigDef.Type.STRING, urlRequired ? ConfigDef.NO_DEFAULT_VALUE : null,
                        (name, value) -> {
                            if (value != null) {
                                JdbcDialects.forUrl((String) value);
                            }
                        }, ConfigDef.Importance.HIGH,
                        "JDBC URL of the source database to re-select rows from: jdbc:postgresql://... or "
                                + "jdbc:mariadb://... (jdbc:mysql:// also)."
                                + (urlRequired ? "" : " Needed only when rows are re-selected."))
                .define(CONNECTION_USERNAME, ConfigDef.Type.STRING, null, ConfigDef.Importance.HIGH,
                        "User name for the source database.")
                .define(CONNECTION_PASSWORD, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.HIGH,
                        "Password for the source database.")
                .define(TABLE_NAME_FORMAT, ConfigDef.Type.STRING, "", ConfigDef.Importance.MEDIUM,
                        "The table to select from. Empty (the default): the schema and table named in the event's "
                                + "source block (MariaDB/MySQL: database and table). Otherwise a dot-separated name "
                                + "whose parts may use ${topic}, ${topic.schema} and ${topic.table} (the last two "
                                + "dot-separated segments of the topic name), ${source.db}, ${source.schema} and "
                                + "${source.table}; each part is quoted as one identifier. Needed for flattened rows "
                                + "without source fields, e.g. ${topic.schema}.${topic.table}.")
                .define(QUERY, ConfigDef.Type.STRING, "", ConfigDef.Importance.MEDIUM,
                        "A SELECT to run instead of selecting the row from its table, e.g. to join an aggregate. "
                                + "${key.<field>} and ${after.<field>} stand for values of the event's key and new "
                                + "row; they are bound as JDBC parameters, never pasted into the SQL. The query must "
                                + "return at most one row; its columns (by label) become the re-selected row.")
                .define(CACHE_MAX_ENTRIES, ConfigDef.Type.INT, 10_000, ConfigDef.Range.atLeast(0),
                        ConfigDef.Importance.LOW,
                        "How many re-selected rows to keep, least recently used out first; 0 disables the cache.")
                .define(CACHE_TTL_MS, ConfigDef.Type.LONG, 1_000L, ConfigDef.Range.atLeast(0),
                        ConfigDef.Importance.LOW,
                        "How long a re-selected row may answer for later events of the same key, in "
                                + "milliseconds; 0 disables the cache. A cached row only answers for events whose "
                                + "change committed (source ts_ms) before the row was read.");
    }

    private static final ConfigDef CONFIG_DEF = addConfig(new ConfigDef());

    public SourceRowFetcher(Map<String, ?> configs) {
        this(configs, Time.SYSTEM);
    }

    SourceRowFetcher(Map<String, ?> configs, Time time) {
        // Parse only our own keys: the caller's ConfigDef has already validated its own.
        Map<String, Object> own = new LinkedHashMap<>();
        for (String name : CONFIG_DEF.names()) {
            if (configs.containsKey(name)) {
                own.put(name, configs.get(name));
            }
        }
        AbstractConfig config = new AbstractConfig(CONFIG_DEF, own, false);
        this.url = config.getString(CONNECTION_URL);
        this.username = config.getString(CONNECTION_USERNAME);
        this.password = config.getPassword(CONNECTION_PASSWORD);
        this.dialect = JdbcDialects.forUrl(url);
        String format = config.getString(TABLE_NAME_FORMAT).trim();
        this.tableNameFormat = format.isEmpty() ? null : parseTableFormat(format);
        String template = config.getString(QUERY).trim();
        this.query = template.isEmpty() ? null : QueryTemplate.parse(QUERY, template);
        this.time = time;
        this.rows = new RowCache(config.getInt(CACHE_MAX_ENTRIES), config.getLong(CACHE_TTL_MS), time);
    }

    private static List<String> parseTableFormat(String format) {
        List<String> parts = splitOutsideVariables(format);
        if (parts.size() > 3 || parts.stream().anyMatch(String::isBlank)) {
            throw new ConfigException(TABLE_NAME_FORMAT, format, "must be table, schema.table or catalog.schema.table");
        }
        for (String part : parts) {
            Matcher matcher = TABLE_VARIABLE.matcher(part);
            while (matcher.find()) {
                if (!TABLE_VARIABLES.contains(matcher.group(1))) {
                    throw new ConfigException(TABLE_NAME_FORMAT, format, "unknown variable ${" + matcher.group(1)
                            + "}; known: " + TABLE_VARIABLES);
                }
            }
        }
        return parts;
    }

    /** Splits at the dots that are not inside a ${...} variable. */
    private static List<String> splitOutsideVariables(String format) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean inVariable = false;
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c == '$' && i + 1 < format.length() && format.charAt(i + 1) == '{') {
                inVariable = true;
            } else if (c == '}') {
                inVariable = false;
            }
            if (c == '.' && !inVariable) {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts;
    }

    public JdbcDialect dialect() {
        return dialect;
    }

    /** True when a {@code query} template selects the rows, rather than the event's table. */
    public boolean usesQuery() {
        return query != null;
    }

    /** As {@link #fetch(ChangeEvent, Schema)}: ToFull re-selects the rows its state store does not hold. */
    @Override
    public Optional<Row> resolve(ChangeEvent event, Schema rowSchema) {
        return fetch(event, rowSchema);
    }

    /**
     * The current row of the event's record, every column: see {@link #fetch(ChangeEvent, Schema, Collection)}.
     */
    public Optional<Row> fetch(ChangeEvent event, Schema rowSchema) {
        return fetch(event, rowSchema, null);
    }

    /**
     * The row of the event as it is now in the source database, or empty when it no longer exists.
     *
     * @param event     the event whose row to select; its key selects the row (or the template's placeholders)
     * @param rowSchema the full row's struct schema: the result is read as (and the returned Row carries) this
     *                  schema, with only the fetched fields present. Null when unknown: then the schema is derived
     *                  from the result's metadata (and cached), or, for a schemaless event, the row is schemaless
     * @param columns   the columns to select, or null for all (the row schema's fields, else every column);
     *                  ignored with a {@code query} template, whose columns are what it selects
     * @throws DataException naming the record when the event has no usable key, the table cannot be named or the
     *                       select fails; a RetriableException when the database cannot be reached
     */
    public Optional<Row> fetch(ChangeEvent event, Schema rowSchema, Collection<String> columns) {
        return select(event, rowSchema, columns).row();
    }

    /**
     * The outcome of a re-select: the row, if it still exists, and the row's schema, also when it does not
     * (so that a delete can be built for it): the given row schema, the one derived from the result's
     * metadata, or null for schemaless events.
     */
    public record Result(Optional<Row> row, Schema schema) {
    }

    /** As {@link #fetch(ChangeEvent, Schema, Collection)}, with the row schema also when the row is missing. */
    public synchronized Result select(ChangeEvent event, Schema rowSchema, Collection<String> columns) {
        Statement statement = statementFor(event, rowSchema, columns);
        List<Object> cacheKey = new ArrayList<>(statement.values.size() + 3);
        cacheKey.add(statement.sql);
        cacheKey.add(rowSchema);
        cacheKey.add(event.hasSchema());
        for (Object value : statement.values) {
            cacheKey.add(value instanceof byte[] ? ByteBuffer.wrap((byte[]) value) : value);
        }
        Long changedAt = event.position().tsMs();
        Result cached = rows.get(cacheKey, changedAt);
        if (cached != null) {
            return cached;
        }
        long startedAt = time.milliseconds();
        Result result = execute(event, statement, rowSchema);
        rows.put(cacheKey, result, startedAt);
        return result;
    }

    /**
     * The current rows of many events in one query: every event must name the same table (or, with a
     * {@code query} template, any), and, without a template, carry the same key fields. Without a template the
     * keys are selected with {@code WHERE key IN (?, ...)} (a row value {@code (k1, k2) IN ((?, ?), ...)} for
     * composite keys); with one, the template runs once per event inside one {@code UNION ALL}. Returns one
     * result per event, in the events' order; the row cache is neither read nor filled (the caller batches).
     * The rows are read with the schema derived from the result (as for an id-only event), or schemaless.
     *
     * @throws DataException naming the first record when the events cannot be selected together or the select
     *                       fails; a RetriableException when the database cannot be reached
     */
    public synchronized List<Result> selectAll(List<ChangeEvent> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        ChangeEvent first = events.get(0);
        if (query != null) {
            List<Statement> parts = new ArrayList<>(events.size());
            for (ChangeEvent event : events) {
                parts.add(statementFor(event, null, null));
            }
            Statement union = unionOf(parts);
            return execute(union, events.size() + " rows starting with " + first.location(),
                    () -> selectByOrdinal(events, union));
        }
        List<String> table = table(first);
        Row firstKey = first.key();
        if (firstKey == null || firstKey.isEmpty()) {
            throw new DataException("Cannot re-select the row: the event has no key (a Struct or a Map record key, "
                    + "or the key of an id-only event) in " + first.location());
        }
        List<String> keyFields = List.copyOf(firstKey.values().keySet());
        List<Object> values = new ArrayList<>(events.size() * keyFields.size());
        List<Schema> schemas = new ArrayList<>(values.size());
        for (ChangeEvent event : events) {
            if (!table(event).equals(table) || event.key() == null
                    || !event.key().values().keySet().equals(firstKey.values().keySet())) {
                throw new DataException("Cannot re-select " + event.location() + " with " + first.location()
                        + ": their tables or key fields differ");
            }
            for (String field : keyFields) {
                values.add(nonNull(event.key().get(field), field, event));
                schemas.add(event.key().fieldSchema(field));
            }
        }
        String columns = keyFields.stream().map(this::quote).collect(Collectors.joining(", "));
        String tuple = keyFields.size() == 1 ? "?" : "(" + String.join(", ", Collections.nCopies(
                keyFields.size(), "?")) + ")";
        String sql = "SELECT * FROM " + quoteTable(table, first) + " WHERE "
                + (keyFields.size() == 1 ? columns : "(" + columns + ")") + " IN ("
                + String.join(", ", Collections.nCopies(events.size(), tuple)) + ")";
        Statement statement = new Statement(sql, values, schemas, String.join(".", table));
        return execute(statement, events.size() + " rows starting with " + first.location(),
                () -> selectByKey(events, keyFields, statement));
    }

    /** The template once per event, each tagged with its event's ordinal as the first column. */
    private static Statement unionOf(List<Statement> parts) {
        StringBuilder sql = new StringBuilder();
        List<Object> values = new ArrayList<>();
        List<Schema> schemas = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            Statement part = parts.get(i);
            if (i > 0) {
                sql.append(" UNION ALL ");
            }
            String body = part.sql.strip();
            if (body.endsWith(";")) {
                body = body.substring(0, body.length() - 1);
            }
            sql.append("SELECT ").append(i).append(" AS connectdelta_ordinal, reselected.* FROM (").append(body)
                    .append(") reselected");
            values.addAll(part.values);
            schemas.addAll(part.schemas);
        }
        return new Statement(sql.toString(), values, schemas, "query");
    }

    private PreparedStatement bound(Statement statement) throws SQLException {
        PreparedStatement prepared = prepared(statement.sql);
        for (int i = 0; i < statement.values.size(); i++) {
            JdbcValues.bind(prepared, i + 1, statement.values.get(i), statement.schemas.get(i), dialect);
        }
        return prepared;
    }

    private List<Result> selectByOrdinal(List<ChangeEvent> events, Statement statement) throws SQLException {
        Row[] rows = new Row[events.size()];
        Schema schema;
        try (ResultSet rs = bound(statement).executeQuery()) {
            ChangeEvent first = events.get(0);
            schema = first.hasSchema() ? derivedSchema(first, rs.getMetaData(), 2) : null;
            while (rs.next()) {
                int ordinal = rs.getInt(1);
                ChangeEvent event = events.get(ordinal);
                if (rows[ordinal] != null) {
                    throw new DataException("Re-selecting the row of " + event.location() + " with the query "
                            + "returned more than one row: the query must return at most one row (aggregate child "
                            + "rows, e.g. with json_agg)");
                }
                rows[ordinal] = readRow(event, rs, schema, 2);
            }
        }
        return results(rows, schema);
    }

    private List<Result> selectByKey(List<ChangeEvent> events, List<String> keyFields, Statement statement)
            throws SQLException {
        Map<List<Object>, Integer> ordinals = new HashMap<>();
        Map<List<String>, Integer> textOrdinals = null;
        for (int i = 0; i < events.size(); i++) {
            ordinals.putIfAbsent(comparableKey(events.get(i).key(), keyFields), i);
        }
        Row[] rows = new Row[events.size()];
        Schema schema;
        try (ResultSet rs = bound(statement).executeQuery()) {
            ChangeEvent first = events.get(0);
            schema = first.hasSchema() ? derivedSchema(first, rs.getMetaData()) : null;
            while (rs.next()) {
                Row row = readRow(first, rs, schema, 1);
                Integer ordinal = ordinals.get(comparableKey(row, keyFields));
                if (ordinal == null) {
                    // A key field whose type differs from its column's (text "1" for an INT column, which the
                    // database casts): matched by its text. Built only then: a batch whose keys match needs none.
                    if (textOrdinals == null) {
                        textOrdinals = new HashMap<>();
                        for (int i = 0; i < events.size(); i++) {
                            textOrdinals.putIfAbsent(textKey(events.get(i).key(), keyFields), i);
                        }
                    }
                    ordinal = textOrdinals.get(textKey(row, keyFields));
                }
                if (ordinal == null) {
                    throw new DataException("Re-selecting " + events.size() + " rows from " + statement.description
                            + " returned a row whose key matches none of them: " + row);
                }
                if (rows[ordinal] != null) {
                    throw new DataException("Re-selecting the row of " + events.get(ordinal).location() + " from "
                            + statement.description + " returned more than one row: the record key does not "
                            + "identify one row");
                }
                rows[ordinal] = row;
            }
        }
        // Events of the same key share their row.
        for (int i = 0; i < events.size(); i++) {
            if (rows[i] == null) {
                Integer ordinal = ordinals.get(comparableKey(events.get(i).key(), keyFields));
                rows[i] = rows[ordinal];
            }
        }
        return results(rows, schema);
    }

    private static List<Result> results(Row[] rows, Schema schema) {
        List<Result> results = new ArrayList<>(rows.length);
        for (Row row : rows) {
            results.add(new Result(Optional.ofNullable(row), schema));
        }
        return results;
    }

    /** A key's values as they compare across the key's and the column's Java types (Integer 1 and Long 1). */
    /** The key's values as text, numbers without trailing zeros: matches a key field typed apart from its column. */
    private static List<String> textKey(Row row, List<String> fields) {
        List<String> key = new ArrayList<>(fields.size());
        for (Object value : comparableKey(row, fields)) {
            key.add(value instanceof BigDecimal number ? number.toPlainString() : String.valueOf(value));
        }
        return key;
    }

    private static List<Object> comparableKey(Row row, List<String> fields) {
        List<Object> key = new ArrayList<>(fields.size());
        for (String field : fields) {
            Object value = row.get(field);
            if (value instanceof byte[] bytes) {
                key.add(ByteBuffer.wrap(bytes));
            } else if (value instanceof ByteBuffer || value instanceof String || value == null) {
                key.add(value);
            } else if (value instanceof Number number) {
                key.add(new BigDecimal(number.toString()).stripTrailingZeros());
            } else {
                key.add(value.toString());
            }
        }
        return key;
    }

    /** One select to run: SQL text, the values to bind and their schemas. */
    private record Statement(String sql, List<Object> values, List<Schema> schemas, String description) {
    }

    private Statement statementFor(ChangeEvent event, Schema rowSchema, Collection<String> columns) {
        Row key = event.key();
        if (query != null) {
            List<Object> values = new ArrayList<>();
            List<Schema> schemas = new ArrayList<>();
            for (QueryTemplate.Parameter parameter : query.parameters()) {
                Row source = parameter.origin() == QueryTemplate.Origin.KEY ? key : event.after();
                String what = parameter.origin() == QueryTemplate.Origin.KEY ? "key" : "new row";
                if (source == null || !source.has(parameter.field())) {
                    throw new DataException("The query's placeholder for field '" + parameter.field() + "' has no value: "
                            + "the event's " + what + " lacks it in " + event.location());
                }
                if (parameter.origin() == QueryTemplate.Origin.AFTER && event.unavailableFields().contains(parameter.field())) {
                    throw new DataException("The query's placeholder ${after." + parameter.field() + "} holds a TOAST "
                            + "placeholder, not a value, in " + event.location());
                }
                values.add(nonNull(source.get(parameter.field()), parameter.field(), event));
                schemas.add(source.fieldSchema(parameter.field()));
            }
            return new Statement(query.sql(), values, schemas, "query");
        }
        if (key == null || key.isEmpty()) {
            throw new DataException("Cannot re-select the row: the event has no key (a Struct or a Map record key, or "
                    + "the key of an id-only event) in " + event.location());
        }
        List<String> table = table(event);
        StringBuilder sql = new StringBuilder("SELECT ");
        List<String> selected = columns != null ? new ArrayList<>(columns)
                : rowSchema != null ? rowSchema.fields().stream().map(Field::name).toList() : null;
        if (selected == null) {
            sql.append('*');
        } else if (selected.isEmpty()) {
            throw new DataException("No columns to re-select for " + event.location());
        } else {
            sql.append(String.join(", ", selected.stream().map(this::quote).toList()));
        }
        sql.append(" FROM ").append(quoteTable(table, event)).append(" WHERE ");
        List<Object> values = new ArrayList<>();
        List<Schema> schemas = new ArrayList<>();
        boolean first = true;
        for (Map.Entry<String, Object> field : key.values().entrySet()) {
            if (!first) {
                sql.append(" AND ");
            }
            first = false;
            sql.append(quote(field.getKey())).append(" = ?");
            values.add(nonNull(field.getValue(), field.getKey(), event));
            schemas.add(key.fieldSchema(field.getKey()));
        }
        return new Statement(sql.toString(), values, schemas, String.join(".", table));
    }

    private static Object nonNull(Object value, String field, ChangeEvent event) {
        if (value == null) {
            throw new DataException("Cannot re-select the row by a null value of key field '" + field + "' in "
                    + event.location());
        }
        return value;
    }

    private String quote(String identifier) {
        try {
            return dialect.quote(identifier);
        } catch (IllegalArgumentException e) {
            throw new DataException(e.getMessage(), e);
        }
    }

    private String quoteTable(List<String> table, ChangeEvent event) {
        try {
            return dialect.quote(table);
        } catch (IllegalArgumentException e) {
            throw new DataException(e.getMessage() + " (table name of " + event.location() + ")", e);
        }
    }

    /** The qualified name of the event's table, from table.name.format or the source block. */
    List<String> table(ChangeEvent event) {
        if (tableNameFormat == null) {
            String table = event.position().table();
            if (table == null) {
                throw new DataException("Cannot tell which table to re-select from: the event names no source table "
                        + "(no 'source' block) in " + event.location() + "; set " + TABLE_NAME_FORMAT
                        + ", e.g. ${topic.schema}.${topic.table}");
            }
            String schema = event.position().schema();
            if (schema == null && dialect.schemaIsDatabase()) {
                schema = event.position().database();
            }
            return schema == null ? List.of(table) : List.of(schema, table);
        }
        List<String> parts = new ArrayList<>();
        for (String part : tableNameFormat) {
            Matcher matcher = TABLE_VARIABLE.matcher(part);
            StringBuilder name = new StringBuilder();
            while (matcher.find()) {
                String value = tableVariable(matcher.group(1), event);
                matcher.appendReplacement(name, Matcher.quoteReplacement(value));
            }
            matcher.appendTail(name);
            parts.add(name.toString());
        }
        return parts;
    }

    private static String tableVariable(String variable, ChangeEvent event) {
        String topic = event.record().topic();
        String[] segments = topic == null ? new String[0] : topic.split("\\.");
        String value;
        switch (variable) {
            case "topic": value = topic; break;
            case "topic.table": value = segments.length >= 1 ? segments[segments.length - 1] : null; break;
            case "topic.schema": value = segments.length >= 2 ? segments[segments.length - 2] : null; break;
            case "source.db": value = event.position().database(); break;
            case "source.schema": value = event.position().schema(); break;
            default: value = event.position().table(); break;
        }
        if (value == null || value.isEmpty()) {
            throw new DataException("The " + TABLE_NAME_FORMAT + " variable ${" + variable + "} has no value for "
                    + event.location());
        }
        return value;
    }

    // ---- running selects -------------------------------------------------------------------------------

    private Result execute(ChangeEvent event, Statement statement, Schema rowSchema) {
        return execute(statement, "the row of " + event.location(), () -> select(event, statement, rowSchema));
    }

    /** One select that may be retried. */
    private interface Select<T> {
        T run() throws SQLException;
    }

    /**
     * Runs a select; a broken connection is reopened and the select retried once, as is a statement that failed
     * (one prepared before a schema change can fail once).
     */
    private <T> T execute(Statement statement, String what, Select<T> select) {
        SQLException failure = null;
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                return select.run();
            } catch (SQLException e) {
                failure = e;
                if (JdbcDialect.isConnectionLost(e)) {
                    LOG.warn("Lost the connection to {} ({}): reconnecting", redactedUrl(), e.getMessage());
                    closeConnection();
                } else {
                    closeQuietly(statements.remove(statement.sql));
                }
            }
        }
        if (JdbcDialect.isConnectionLost(failure)) {
            throw new RetriableException("Cannot re-select " + what + " from " + redactedUrl() + ": "
                    + failure.getMessage(), failure);
        }
        throw new DataException("Cannot re-select " + what + " from " + statement.description + ": "
                + failure.getMessage(), failure);
    }

    private Result select(ChangeEvent event, Statement statement, Schema rowSchema) throws SQLException {
        PreparedStatement prepared = prepared(statement.sql);
        for (int i = 0; i < statement.values.size(); i++) {
            JdbcValues.bind(prepared, i + 1, statement.values.get(i), statement.schemas.get(i), dialect);
        }
        try (ResultSet rs = prepared.executeQuery()) {
            Schema schema = rowSchema != null ? rowSchema
                    : event.hasSchema() ? derivedSchema(event, rs.getMetaData()) : null;
            if (!rs.next()) {
                return new Result(Optional.empty(), schema);
            }
            Row row = readRow(event, rs, schema, 1);
            if (rs.next()) {
                throw new DataException("Re-selecting the row of " + event.location() + " from " + statement.description
                        + " returned more than one row" + (query != null
                        ? ": the query must return at most one row (aggregate child rows, e.g. with json_agg)"
                        : ": the record key does not identify one row"));
            }
            return new Result(Optional.of(row), schema);
        }
    }

    /** Reads the current result row from column {@code first} on (a batch puts its key ordinal before). */
    private Row readRow(ChangeEvent event, ResultSet rs, Schema schema, int first) throws SQLException {
        ResultSetMetaData metadata = rs.getMetaData();
        int count = metadata.getColumnCount();
        // Schemaless events: read by the derived schema, then hand out plain (JSON-friendly) values.
        Schema readAs = schema != null ? schema : derivedSchema(event, metadata, first);
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = first; i <= count; i++) {
            String label = metadata.getColumnLabel(i);
            Field field = readAs.field(label);
            if (field == null) {
                throw new DataException("The re-selected column '" + label + "' is not a field of the row schema "
                        + readAs.name() + " of " + event.location());
            }
            Object value = JdbcValues.read(rs, i, field.schema());
            values.put(label, schema == null ? JdbcValues.schemaless(value, field.schema()) : value);
        }
        return Row.of(schema, values);
    }

    private Schema derivedSchema(ChangeEvent event, ResultSetMetaData metadata) throws SQLException {
        return derivedSchema(event, metadata, 1);
    }

    private Schema derivedSchema(ChangeEvent event, ResultSetMetaData metadata, int first) throws SQLException {
        String name = derivedSchemaName(event);
        List<Object> signature = new ArrayList<>();
        signature.add(name);
        int count = metadata.getColumnCount();
        for (int i = first; i <= count; i++) {
            signature.add(metadata.getColumnLabel(i));
            signature.add(metadata.getColumnTypeName(i));
            signature.add(metadata.getPrecision(i));
            signature.add(metadata.getScale(i));
            signature.add(metadata.isNullable(i));
        }
        Schema schema = derivedSchemas.get(signature);
        if (schema != null) {
            return schema;
        }
        SchemaBuilder builder = SchemaBuilder.struct().optional();
        if (name != null) {
            builder.name(name);
        }
        Set<String> labels = new HashSet<>();
        for (int i = first; i <= count; i++) {
            String label = metadata.getColumnLabel(i);
            if (!labels.add(label)) {
                throw new DataException("The re-select returns two columns labelled '" + label + "' for "
                        + event.location() + ": give them distinct aliases in the query");
            }
            // A query's outer joins can null a NOT NULL column: only a table's own columns keep NOT NULL.
            boolean optional = query != null || metadata.isNullable(i) != ResultSetMetaData.columnNoNulls;
            builder.field(label, JdbcValues.columnSchema(metadata, i, optional));
        }
        schema = builder.build();
        derivedSchemas.put(signature, schema);
        return schema;
    }

    /**
     * The name of a derived row schema: Debezium's {@code <prefix>.Value} from the event's schema name
     * ({@code <prefix>.Envelope}, {@code .IdOnly}, {@code .Delta} or {@code .JsonPatch}); with a query,
     * {@code <prefix>.Reselected}, as its columns are not the table's.
     */
    private String derivedSchemaName(ChangeEvent event) {
        Schema valueSchema = event.record().valueSchema();
        if (valueSchema == null || valueSchema.name() == null) {
            return null;
        }
        String name = valueSchema.name();
        int dot = name.lastIndexOf('.');
        String prefix = dot < 0 ? name : name.substring(0, dot);
        return prefix + (query != null ? ".Reselected" : ".Value");
    }

    private PreparedStatement prepared(String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection().prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Properties properties = new Properties();
            if (username != null) {
                properties.setProperty("user", username);
            }
            if (password != null) {
                properties.setProperty("password", password.value());
            }
            // Drivers inside a plugin's class loader are not visible to DriverManager: use ours directly.
            Driver driver = dialect.driver();
            String driverUrl = dialect.driverUrl(url);
            connection = driver.acceptsURL(driverUrl) ? driver.connect(driverUrl, properties)
                    : DriverManager.getConnection(driverUrl, properties);
            connection.setAutoCommit(true);
            LOG.info("Connected to {} to re-select rows", redactedUrl());
        }
        return connection;
    }

    private String redactedUrl() {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    private void closeConnection() {
        for (PreparedStatement statement : statements.values()) {
            closeQuietly(statement);
        }
        statements.clear();
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }

    private static void closeQuietly(PreparedStatement statement) {
        if (statement != null) {
            try {
                statement.close();
            } catch (SQLException ignored) {
                // the connection may be gone already
            }
        }
    }

    /** Drops every cached row (not the prepared statements). */
    public synchronized void clearCache() {
        rows.clear();
    }

    @Override
    public synchronized void close() {
        closeConnection();
        rows.clear();
    }
}
