package io.connectdelta.sink;

import io.connectdelta.event.ToastPlaceholder;
import io.connectdelta.sink.transaction.IncompletePolicy;
import io.connectdelta.sink.transaction.OverflowPolicy;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import io.connectdelta.transforms.reselect.SourceRowFetcher;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every option of {@link DeltaJdbcSinkConnector}. Keys that name a concept the Debezium JDBC sink also has use its
 * name and meaning (connection.url, insert.mode, primary.key.mode, ...).
 */
public final class DeltaJdbcSinkConfig extends AbstractConfig {

    public enum InsertMode { INSERT, UPSERT, UPDATE }

    public enum PrimaryKeyMode { NONE, KAFKA, RECORD_KEY, RECORD_VALUE }

    public enum SchemaEvolution { NONE, BASIC }

    public enum MissingRowMode { INSERT, SKIP, FAIL }

    /** What the re-select does with an id-only event whose row is gone from the source. */
    public enum ReselectMissingRow { DELETE, FAIL, SKIP }

    public static final String CONNECTION_URL = "connection.url";
    public static final String CONNECTION_USERNAME = "connection.username";
    public static final String CONNECTION_PASSWORD = "connection.password";
    public static final String INSERT_MODE = "insert.mode";
    public static final String PRIMARY_KEY_MODE = "primary.key.mode";
    public static final String PRIMARY_KEY_FIELDS = "primary.key.fields";
    public static final String DELETE_ENABLED = "delete.enabled";
    public static final String TRUNCATE_ENABLED = "truncate.enabled";
    public static final String SCHEMA_EVOLUTION = "schema.evolution";
    public static final String COLLECTION_NAME_FORMAT = "collection.name.format";
    /** The Debezium JDBC sink's older name of collection.name.format. */
    public static final String TABLE_NAME_FORMAT = "table.name.format";
    public static final String QUOTE_IDENTIFIERS = "quote.identifiers";
    public static final String FIELD_INCLUDE_LIST = "field.include.list";
    public static final String FIELD_EXCLUDE_LIST = "field.exclude.list";
    public static final String USE_TIME_ZONE = "use.time.zone";
    /** The Debezium JDBC sink's older name of use.time.zone. */
    public static final String DATABASE_TIME_ZONE = "database.time_zone";
    /** The Debezium JDBC sink's name of max.retries. */
    public static final String FLUSH_MAX_RETRIES = "flush.max.retries";
    /** The Debezium JDBC sink's name of retry.backoff.ms. */
    public static final String FLUSH_RETRY_DELAY_MS = "flush.retry.delay.ms";
    public static final String BATCH_SIZE = "batch.size";
    public static final String USE_REDUCTION_BUFFER = "use.reduction.buffer";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    public static final String MISSING_ROW_MODE = "missing.row.mode";
    public static final String ID_ONLY_IGNORE = "id.only.events.ignore";
    public static final String OFFSETS_TABLE_NAME = "offsets.table.name";
    public static final String EXACTLY_ONCE = "exactly.once.enabled";
    public static final String SOURCE_POSITION_TRACKING = "source.position.tracking.enabled";
    public static final String PLACEHOLDER = ToastPlaceholder.CONFIG;
    public static final String ORDERING_GUARD_COLUMN = "ordering.guard.column.name";
    public static final String TRANSACTION_AWARE = "transaction.aware";
    public static final String TRANSACTION_TOPIC = "transaction.topic";
    public static final String TRANSACTION_BUFFER_MAX_EVENTS = "transaction.buffer.max.events";
    public static final String TRANSACTION_BUFFER_MAX_BYTES = "transaction.buffer.max.bytes";
    public static final String TRANSACTION_BUFFER_OVERFLOW = "transaction.buffer.overflow";
    public static final String TRANSACTION_INCOMPLETE_TIMEOUT_MS = "transaction.incomplete.timeout.ms";
    public static final String TRANSACTION_INCOMPLETE_POLICY = "transaction.incomplete.policy";
    /** The prefix of the re-select's keys: the Reselect transform's query options under reselect. */
    public static final String RESELECT_PREFIX = "reselect.";
    public static final String RESELECT_CONNECTION_URL = RESELECT_PREFIX + SourceRowFetcher.CONNECTION_URL;
    public static final String RESELECT_ON_MISSING_ROW = RESELECT_PREFIX + "on.missing.row";
    public static final String RESELECT_MAX_KEYS_PER_QUERY = RESELECT_PREFIX + "max.keys.per.query";
    public static final String RESELECT_PLACEHOLDER_COLUMNS = RESELECT_PREFIX + "placeholder.columns";
    /** The fetcher's row cache serves one event at a time; the sink selects a write's keys at once instead. */
    private static final Set<String> RESELECT_UNUSED_KEYS = Set.of(SourceRowFetcher.CACHE_MAX_ENTRIES,
            SourceRowFetcher.CACHE_TTL_MS);
    /** Connect's own key, read here to decide between the DLQ and failing the task. */
    public static final String ERRORS_TOLERANCE = "errors.tolerance";

    private static final String CONNECTION_GROUP = "Connection";
    private static final String WRITES_GROUP = "Writes";
    private static final String RELIABILITY_GROUP = "Reliability";
    private static final String TRANSACTIONS_GROUP = "Source transactions";
    private static final String NAMES_GROUP = "Names and fields";
    private static final String RESELECT_GROUP = "Re-select";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(CONNECTION_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, "JDBC URL of the target database: jdbc:postgresql://host:port/db or "
                            + "jdbc:mariadb://host:port/db (jdbc:mysql:// is served by the MariaDB dialect too).",
                    CONNECTION_GROUP, 1, ConfigDef.Width.LONG, "JDBC URL")
            .define(CONNECTION_USERNAME, Type.STRING, null, Importance.HIGH,
                    "Database user the sink logs in as.", CONNECTION_GROUP, 2, ConfigDef.Width.MEDIUM, "User")
            .define(CONNECTION_PASSWORD, Type.PASSWORD, null, Importance.HIGH,
                    "Password of connection.username.", CONNECTION_GROUP, 3, ConfigDef.Width.MEDIUM, "Password")
            .define(INSERT_MODE, Type.STRING, "upsert", enumValidator(InsertMode.values()), Importance.HIGH,
                    "How full events (ops c, r, u) are written: 'insert' (INSERT, fails on an existing key), "
                            + "'upsert' (INSERT ... ON CONFLICT DO UPDATE / ON DUPLICATE KEY UPDATE), 'update' "
                            + "(UPDATE only; a missing row follows missing.row.mode). Delta and JSON Patch events "
                            + "are always UPDATEs of the changed columns.",
                    WRITES_GROUP, 1, ConfigDef.Width.SHORT, "Insert mode")
            .define(PRIMARY_KEY_MODE, Type.STRING, "record_key", primaryKeyModeValidator(),
                    Importance.HIGH, "Where the primary key columns come from: 'record_key' (the fields of the "
                            + "record key, or primary.key.fields of it), 'record_value' (primary.key.fields of the "
                            + "row), 'kafka' (columns __connect_topic, __connect_partition and __connect_offset: "
                            + "every record is a row of its own; no deletes), 'none' (no key: insert.mode=insert "
                            + "only, no deletes or partial updates).",
                    WRITES_GROUP, 2, ConfigDef.Width.SHORT, "Primary key mode")
            .define(PRIMARY_KEY_FIELDS, Type.LIST, "", Importance.MEDIUM,
                    "Comma-separated primary key column names. Required with primary.key.mode=record_value; "
                            + "with record_key it selects key fields (empty: all of them).",
                    WRITES_GROUP, 3, ConfigDef.Width.LONG, "Primary key fields")
            .define(DELETE_ENABLED, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Apply deletes and tombstones as DELETE. When false they are ignored (counted in the metrics).",
                    WRITES_GROUP, 4, ConfigDef.Width.SHORT, "Delete enabled")
            .define(TRUNCATE_ENABLED, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Apply truncate events (op t) as TRUNCATE TABLE. When false they are ignored (counted).",
                    WRITES_GROUP, 5, ConfigDef.Width.SHORT, "Truncate enabled")
            .define(SCHEMA_EVOLUTION, Type.STRING, "none", enumValidator(SchemaEvolution.values()), Importance.MEDIUM,
                    "'basic': create a missing table from the event's row schema (key fields become the primary "
                            + "key) and add missing columns as nullable; never drops or narrows anything. 'none': "
                            + "tables and columns must exist.",
                    WRITES_GROUP, 6, ConfigDef.Width.SHORT, "Schema evolution")
            .define(COLLECTION_NAME_FORMAT, Type.STRING, "${topic}", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Target table name. Placeholders: ${topic}, ${source.db}, ${source.schema}, ${source.table}. "
                            + "Dots in the topic name become underscores (as the Debezium JDBC sink does), so the "
                            + "topic 'srv.public.orders' writes table 'srv_public_orders'. A dot in the format "
                            + "names a schema (MariaDB/MySQL: a database), e.g. ${source.schema}.${source.table}; "
                            + "without one the connection's current schema holds the table. Each part is quoted on "
                            + "its own; schema.evolution=basic creates a missing schema. A part longer than the "
                            + "database allows is cut to PostgreSQL's 63 bytes (as PostgreSQL itself cuts every "
                            + "identifier) or refused on MariaDB (64 characters).",
                    NAMES_GROUP, 1, ConfigDef.Width.LONG, "Table name format")
            .define(TABLE_NAME_FORMAT, Type.STRING, null, Importance.LOW,
                    "The Debezium JDBC sink's older name of collection.name.format; used when that is not set.",
                    NAMES_GROUP, 2, ConfigDef.Width.LONG, "Table name format (alias)")
            .define(QUOTE_IDENTIFIERS, Type.BOOLEAN, true, Importance.MEDIUM,
                    "true: table and column names are exactly the topic/format and field names, case and all. "
                            + "false (the Debezium JDBC sink's default): names are those the database gives unquoted "
                            + "identifiers, as the Debezium JDBC sink's are: column names in lower case, and on "
                            + "PostgreSQL table and schema names too. Statements still quote every name, so no "
                            + "name (a reserved word, a space) can break them.",
                    NAMES_GROUP, 3, ConfigDef.Width.SHORT, "Quote identifiers")
            .define(FIELD_INCLUDE_LIST, Type.LIST, "", Importance.MEDIUM,
                    "Comma-separated fields to write, each <topic>:<field> or <field> (any topic); every other field "
                            + "is left out of the statements and of created tables. Each part is matched whole, as "
                            + "a regular expression (a plain name matches itself). Key fields are filtered too. Not "
                            + "together with field.exclude.list.",
                    NAMES_GROUP, 4, ConfigDef.Width.LONG, "Field include list")
            .define(FIELD_EXCLUDE_LIST, Type.LIST, "", Importance.MEDIUM,
                    "Comma-separated fields never to write, each <topic>:<field> or <field> (any topic), matched as "
                            + "in field.include.list. Not together with field.include.list.",
                    NAMES_GROUP, 5, ConfigDef.Width.LONG, "Field exclude list")
            .define(USE_TIME_ZONE, Type.STRING, "UTC", zoneValidator(), Importance.LOW,
                    "Time zone in which zoned values (Debezium ZonedTimestamp) are written into columns that hold "
                            + "no zone (MariaDB/MySQL DATETIME). PostgreSQL's timestamptz stores the instant, so it "
                            + "does not depend on it. Values without a zone are written as they are.",
                    NAMES_GROUP, 6, ConfigDef.Width.SHORT, "Time zone")
            .define(DATABASE_TIME_ZONE, Type.STRING, null, zoneValidator(), Importance.LOW,
                    "The Debezium JDBC sink's older name of use.time.zone; used when that is not set.",
                    NAMES_GROUP, 7, ConfigDef.Width.SHORT, "Time zone (alias)")
            .define(MISSING_ROW_MODE, Type.STRING, "fail", enumValidator(MissingRowMode.values()), Importance.MEDIUM,
                    "What an UPDATE that finds no row does (a delta arriving before its insert, or insert.mode="
                            + "update): 'insert' inserts the partial row (absent columns get their defaults), 'skip' "
                            + "drops the change and counts it in the missing-rows-skipped metric, 'fail' stops the "
                            + "task (or sends the record to the DLQ with errors.tolerance=all), naming the record.",
                    WRITES_GROUP, 8, ConfigDef.Width.SHORT, "Missing row mode")
            .define(ID_ONLY_IGNORE, Type.BOOLEAN, false, Importance.LOW,
                    "Id-only events carry no row data and cannot be applied (put the Reselect transform before "
                            + "the sink to turn them into full events). true: skip them (counted); false: treat them "
                            + "as bad records.",
                    WRITES_GROUP, 9, ConfigDef.Width.SHORT, "Ignore id-only events")
            .define(PLACEHOLDER, Type.STRING, ToastPlaceholder.DEFAULT_PLACEHOLDER, ToastPlaceholder.validator(),
                    Importance.LOW, ToastPlaceholder.CONFIG_DOC + " Columns holding it are left out of the row's "
                            + "statement, never written.",
                    WRITES_GROUP, 10, ConfigDef.Width.LONG, "TOAST placeholder")
            .define(ORDERING_GUARD_COLUMN, Type.STRING, "", new ColumnNameValidator(), Importance.MEDIUM,
                    "The ordering guard (empty: off). The column of every target table that keeps the source "
                            + "position of the row's last write (Debezium's PostgreSQL sequence, or binlog file, pos "
                            + "and row); updates, upserts and deletes then apply only where the stored position is "
                            + "NULL or older, so an older event sent again (a re-send, a replay after an offset reset, "
                            + "a backfill) never overwrites a newer row. Events without a position (snapshots) are "
                            + "written unconditionally. With schema.evolution=basic the column is created; otherwise "
                            + "it must exist (a text column that compares bytewise).",
                    WRITES_GROUP, 11, ConfigDef.Width.MEDIUM, "Ordering guard column")
            .define(BATCH_SIZE, Type.INT, 1000, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                    "Records buffered before a write; also the largest JDBC batch. A flush (offset commit) writes "
                            + "whatever is buffered.",
                    RELIABILITY_GROUP, 1, ConfigDef.Width.SHORT, "Batch size")
            .define(USE_REDUCTION_BUFFER, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Merge successive events for the same key within a write (column by column; the final result "
                            + "never changes). false: every event is its own statement, in order.",
                    RELIABILITY_GROUP, 2, ConfigDef.Width.SHORT, "Reduction buffer")
            .define(MAX_RETRIES, Type.INT, 10, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "How often a write that failed with a transient error (lost connection, deadlock, "
                            + "serialization failure; told apart by SQLState) is retried before the task fails.",
                    RELIABILITY_GROUP, 3, ConfigDef.Width.SHORT, "Max retries")
            .define(RETRY_BACKOFF_MS, Type.LONG, 3000L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "Wait before the first retry in milliseconds; doubles with every further retry (at most 60 s).",
                    RELIABILITY_GROUP, 4, ConfigDef.Width.SHORT, "Retry backoff (ms)")
            .define(FLUSH_MAX_RETRIES, Type.INT, null, unlessNull(ConfigDef.Range.atLeast(0)), Importance.LOW,
                    "The Debezium JDBC sink's name of max.retries; used when that is not set.",
                    RELIABILITY_GROUP, 8, ConfigDef.Width.SHORT, "Max retries (alias)")
            .define(FLUSH_RETRY_DELAY_MS, Type.LONG, null, unlessNull(ConfigDef.Range.atLeast(0)), Importance.LOW,
                    "The Debezium JDBC sink's name of retry.backoff.ms (the first wait; later ones double); used "
                            + "when that is not set.",
                    RELIABILITY_GROUP, 9, ConfigDef.Width.SHORT, "Retry backoff (alias)")
            .define(EXACTLY_ONCE, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Record the next offset of every topic partition in offsets.table.name in the same "
                            + "transaction as the data, and resume from there: a replay never applies a record twice. "
                            + "Each task instance also claims its partitions there, and a write of a task that lost "
                            + "its partitions in a rebalance (it stalled, then woke up) is refused and rolled back.",
                    RELIABILITY_GROUP, 5, ConfigDef.Width.SHORT, "Exactly once")
            .define(SOURCE_POSITION_TRACKING, Type.BOOLEAN, true, Importance.MEDIUM,
                    "With exactly.once.enabled: also record, per topic partition, the highest source log position "
                            + "applied (PostgreSQL: source.sequence; MySQL/MariaDB: binlog file, pos and row), and skip "
                            + "changes at or below it. Debezium sends changes again after an unclean stop, at new "
                            + "offsets; this keeps them from being applied twice or moving rows back in time. Events "
                            + "without a position (snapshots, other connectors, flattened rows) are never skipped. In "
                            + "transaction mode a transaction sent again is skipped whole.",
                    RELIABILITY_GROUP, 6, ConfigDef.Width.SHORT, "Source position tracking")
            .define(OFFSETS_TABLE_NAME, Type.STRING, "connectdelta_offsets", new ConfigDef.NonEmptyString(),
                    Importance.LOW, "Table the sink owns in the target database, keyed by connector name, topic and "
                            + "partition, holding the next offset to apply, the highest source position applied and "
                            + "the task instance that owns the partition. Created when missing (older tables get the "
                            + "new columns added).",
                    RELIABILITY_GROUP, 7, ConfigDef.Width.MEDIUM, "Offsets table")
            .define(TRANSACTION_AWARE, Type.BOOLEAN, false, Importance.HIGH,
                    "Apply each source transaction in one target transaction, in the source's commit order, so "
                            + "readers of the target see only whole transactions (the isolation of the source). Needs "
                            + "Debezium's provide.transaction.metadata=true at the source, transaction.topic listed in "
                            + "topics, exactly.once.enabled=true and tasks.max=1. Events without a transaction block "
                            + "(snapshots) are applied as in plain mode; several small source transactions may share "
                            + "one target transaction, one is never split (but see transaction.buffer.overflow).",
                    TRANSACTIONS_GROUP, 1, ConfigDef.Width.SHORT, "Transaction aware")
            .define(TRANSACTION_TOPIC, Type.STRING, null, Importance.HIGH,
                    "Debezium's transaction topic, <topic.prefix>.transaction, whose BEGIN and END events tell the "
                            + "sink how many events each source transaction has per table. Required with "
                            + "transaction.aware=true, and must be one of topics. The tables counted are those whose "
                            + "topic <topic.prefix>.<schema>.<table> this connector consumes.",
                    TRANSACTIONS_GROUP, 2, ConfigDef.Width.LONG, "Transaction topic")
            .define(TRANSACTION_BUFFER_MAX_EVENTS, Type.LONG, 100_000L, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                    "The most data events held while their source transaction is incomplete.",
                    TRANSACTIONS_GROUP, 3, ConfigDef.Width.SHORT, "Buffer max events")
            .define(TRANSACTION_BUFFER_MAX_BYTES, Type.LONG, 256L * 1024 * 1024, ConfigDef.Range.atLeast(1),
                    Importance.MEDIUM, "The most bytes (an estimate of the records' size in memory) held while their "
                            + "source transaction is incomplete.",
                    TRANSACTIONS_GROUP, 4, ConfigDef.Width.SHORT, "Buffer max bytes")
            .define(TRANSACTION_BUFFER_OVERFLOW, Type.STRING, OverflowPolicy.FAIL.configValue(),
                    OverflowPolicy.validator(), Importance.MEDIUM,
                    "What happens past either bound. 'fail': the task fails with a message naming the held "
                            + "transactions; nothing is lost (no offset past an unapplied event is committed) and it "
                            + "resumes where it stopped once the bound is raised. 'split': the oldest held transaction "
                            + "is applied in parts, logged at WARN; readers may then see it half applied.",
                    TRANSACTIONS_GROUP, 5, ConfigDef.Width.SHORT, "Buffer overflow")
            .define(TRANSACTION_INCOMPLETE_TIMEOUT_MS, Type.LONG, 600_000L, ConfigDef.Range.atLeast(0),
                    Importance.MEDIUM, "How long a source transaction may wait incomplete (its END marker or some of "
                            + "its events missing) at the head of its partitions while later transactions are "
                            + "complete, before transaction.incomplete.policy applies. Such a transaction holds up "
                            + "its partitions; it never completes when a record of it was dropped before the sink "
                            + "(e.g. by a transform under errors.tolerance=all).",
                    TRANSACTIONS_GROUP, 6, ConfigDef.Width.SHORT, "Incomplete transaction timeout")
            .define(TRANSACTION_INCOMPLETE_POLICY, Type.STRING, "fail", enumValidator(IncompletePolicy.values()),
                    Importance.MEDIUM, "What happens to a transaction that waited incomplete past "
                            + "transaction.incomplete.timeout.ms. 'fail': the task fails with a message naming the "
                            + "transaction, the events that arrived and what its END marker announced; nothing is lost "
                            + "(no offset past it is committed). 'apply': what arrived of it is applied as one target "
                            + "transaction, logged at WARN and counted in IncompleteSourceTransactionsApplied; records "
                            + "of it that arrive later are applied as they come.",
                    TRANSACTIONS_GROUP, 7, ConfigDef.Width.SHORT, "Incomplete transaction policy");

    static {
        defineReselect(CONFIG_DEF);
        DebeziumOnlyKeys.defineAll(CONFIG_DEF);
    }

    /**
     * The re-select's keys: the Reselect transform's connection and query options (its SourceRowFetcher's
     * definitions, under {@value #RESELECT_PREFIX}, the URL optional: re-select is off without it), and how
     * the sink handles gone rows and large writes.
     */
    private static void defineReselect(ConfigDef def) {
        int order = 0;
        for (ConfigDef.ConfigKey key : SourceRowFetcher.addConfig(new ConfigDef(), false).configKeys().values()) {
            if (RESELECT_UNUSED_KEYS.contains(key.name)) {
                continue;
            }
            String name = RESELECT_PREFIX + key.name;
            ConfigDef.Validator validator = key.validator;
            String doc = key.documentation;
            if (key.name.equals(SourceRowFetcher.CONNECTION_URL)) {
                validator = (n, value) -> {
                    if (value != null && !value.toString().isBlank()) {
                        key.validator.ensureValid(n, value);
                    }
                };
                doc = "JDBC URL of the source database that the sink re-selects the rows of id-only events from "
                        + "(jdbc:postgresql://... or jdbc:mariadb://...), one query per table and write. Empty "
                        + "(the default): no re-select, id-only events are rejected or ignored ("
                        + ID_ONLY_IGNORE + ").";
            }
            def.define(new ConfigDef.ConfigKey(name, key.type, key.defaultValue, validator, key.importance, doc,
                    RESELECT_GROUP, ++order, ConfigDef.Width.LONG, name, List.of(), null, false));
        }
        def.define(RESELECT_ON_MISSING_ROW, Type.STRING, "delete", enumValidator(ReselectMissingRow.values()),
                        Importance.MEDIUM,
                        "What to do with an id-only event whose row is gone from the source: delete (the default; "
                                + "the event becomes a delete of its key, applied when delete.enabled=true), fail "
                                + "(the task fails naming the record) or skip (nothing is written for it).",
                        RESELECT_GROUP, ++order, ConfigDef.Width.SHORT, "Re-select: missing row")
                .define(RESELECT_MAX_KEYS_PER_QUERY, Type.INT, 1000, ConfigDef.Range.between(1, 30_000),
                        Importance.LOW,
                        "The most keys one re-select query selects; a write with more keys of one table runs "
                                + "one query per chunk of this many.",
                        RESELECT_GROUP, ++order, ConfigDef.Width.SHORT, "Re-select: keys per query")
                .define(RESELECT_PLACEHOLDER_COLUMNS, Type.BOOLEAN, false, null, Importance.MEDIUM,
                        "When true, columns that arrive as a TOAST placeholder (unavailable.value.placeholder) in "
                                + "full and delta inserts and updates are filled with the source's current value, "
                                + "selected with the write's id-only events (one query per table and write). Without "
                                + "it such a column is left out of the write: an existing row keeps its value, but a "
                                + "row the target does not have yet gets the column's default. Needs "
                                + RESELECT_CONNECTION_URL + ".",
                        RESELECT_GROUP, ++order, ConfigDef.Width.SHORT, "Re-select: placeholder columns");
    }

    /** Debezium's old names of our keys: alias to key. */
    private static final Map<String, String> ALIASES = Map.of(TABLE_NAME_FORMAT, COLLECTION_NAME_FORMAT,
            DATABASE_TIME_ZONE, USE_TIME_ZONE, FLUSH_MAX_RETRIES, MAX_RETRIES, FLUSH_RETRY_DELAY_MS, RETRY_BACKOFF_MS);

    private final String connectorName;

    public DeltaJdbcSinkConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props);
        Object name = props.get("name");
        this.connectorName = name == null ? "connectdelta-sink" : name.toString();
        String hibernate = DebeziumOnlyKeys.hibernateKey(props);
        if (hibernate != null) {
            throw new ConfigException(hibernate, props.get(hibernate), DebeziumOnlyKeys.hibernateMessage(hibernate));
        }
        if (getBoolean(RESELECT_PLACEHOLDER_COLUMNS) && !reselectEnabled()) {
            throw new ConfigException(RESELECT_PLACEHOLDER_COLUMNS, true, "needs " + RESELECT_CONNECTION_URL
                    + ": the source the placeholder columns are selected from");
        }
        for (Map.Entry<String, String> alias : ALIASES.entrySet()) {
            Object aliasValue = originals().get(alias.getKey());
            Object keyValue = originals().get(alias.getValue());
            if (aliasValue != null && keyValue != null && !aliasValue.toString().trim().equals(keyValue.toString().trim())) {
                throw new ConfigException(alias.getKey(), aliasValue, "is another name of " + alias.getValue()
                        + ", which is set to '" + keyValue + "': set only one of them");
            }
        }
        if (!fieldIncludeList().isEmpty() && !fieldExcludeList().isEmpty()) {
            throw new ConfigException(FIELD_EXCLUDE_LIST, getList(FIELD_EXCLUDE_LIST), "cannot be combined with "
                    + "field.include.list: set one of them");
        }
        if (primaryKeyMode() == PrimaryKeyMode.KAFKA && deleteEnabled()) {
            throw new ConfigException(DELETE_ENABLED, true, "needs a key from the record (primary.key.mode=record_key "
                    + "or record_value): with primary.key.mode=kafka no row is found by a delete's key");
        }
        if (primaryKeyMode() == PrimaryKeyMode.RECORD_VALUE && primaryKeyFields().isEmpty()) {
            throw new ConfigException(PRIMARY_KEY_FIELDS, "", "required with primary.key.mode=record_value");
        }
        if (primaryKeyMode() == PrimaryKeyMode.NONE && insertMode() != InsertMode.INSERT) {
            throw new ConfigException(PRIMARY_KEY_MODE, "none", "works with insert.mode=insert only");
        }
        if (transactionAware()) {
            if (transactionTopic() == null || transactionTopic().isBlank()) {
                throw new ConfigException(TRANSACTION_TOPIC, transactionTopic(), "is required with transaction.aware=true");
            }
            if (!exactlyOnce()) {
                throw new ConfigException(EXACTLY_ONCE, false, "must be true with transaction.aware=true: a source "
                        + "transaction held in the buffer across a restart is found again only through the offsets table");
            }
        }
    }

    /** Empty, or a column name without surrounding blanks. */
    private static final class ColumnNameValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String text = value == null ? "" : value.toString();
            if (!text.equals(text.strip()) || text.indexOf('\0') >= 0) {
                throw new ConfigException(name, value, "must be empty or a column name without surrounding blanks");
            }
        }

        @Override
        public String toString() {
            return "empty (off) or a column name";
        }
    }

    private static ConfigDef.Validator enumValidator(Enum<?>[] values) {
        String[] names = Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);
        return ConfigDef.CaseInsensitiveValidString.in(names);
    }

    private static ConfigDef.Validator primaryKeyModeValidator() {
        ConfigDef.Validator values = enumValidator(PrimaryKeyMode.values());
        return (name, value) -> {
            if (value != null && "record_header".equalsIgnoreCase(value.toString().trim())) {
                throw new ConfigException(name, value, "keys from record headers are not supported: use record_key "
                        + "(move the key into the record key with a transform, e.g. ValueToKey) or record_value");
            }
            values.ensureValid(name, value);
        };
    }

    /** {@code validator} for keys without a default (aliases: unset unless given). */
    private static ConfigDef.Validator unlessNull(ConfigDef.Validator validator) {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            if (value != null) {
                validator.ensureValid(name, value);
            }
        }, validator::toString);
    }

    private static ConfigDef.Validator zoneValidator() {
        return (name, value) -> {
            if (value == null) {
                return;
            }
            try {
                java.time.ZoneId.of(value.toString().trim());
            } catch (java.time.DateTimeException e) {
                throw new ConfigException(name, value, "is not a time zone (e.g. UTC, Europe/Berlin, +02:00): "
                        + e.getMessage());
            }
        };
    }

    /** The value of {@code key}, or of its Debezium alias when only that is set. */
    private Object aliased(String key) {
        for (Map.Entry<String, String> alias : ALIASES.entrySet()) {
            if (alias.getValue().equals(key) && !originals().containsKey(key) && get(alias.getKey()) != null) {
                return get(alias.getKey());
            }
        }
        return get(key);
    }

    private <E extends Enum<E>> E enumValue(Class<E> type, String key) {
        return Enum.valueOf(type, getString(key).toUpperCase(Locale.ROOT));
    }

    public String connectorName() {
        return connectorName;
    }

    public String connectionUrl() {
        return getString(CONNECTION_URL);
    }

    public String username() {
        return getString(CONNECTION_USERNAME);
    }

    public String password() {
        Password password = getPassword(CONNECTION_PASSWORD);
        return password == null ? null : password.value();
    }

    public InsertMode insertMode() {
        return enumValue(InsertMode.class, INSERT_MODE);
    }

    public PrimaryKeyMode primaryKeyMode() {
        return enumValue(PrimaryKeyMode.class, PRIMARY_KEY_MODE);
    }

    public List<String> primaryKeyFields() {
        return getList(PRIMARY_KEY_FIELDS);
    }

    public boolean deleteEnabled() {
        return getBoolean(DELETE_ENABLED);
    }

    public boolean truncateEnabled() {
        return getBoolean(TRUNCATE_ENABLED);
    }

    public SchemaEvolution schemaEvolution() {
        return enumValue(SchemaEvolution.class, SCHEMA_EVOLUTION);
    }

    public String collectionNameFormat() {
        return (String) aliased(COLLECTION_NAME_FORMAT);
    }

    public boolean quoteIdentifiers() {
        return getBoolean(QUOTE_IDENTIFIERS);
    }

    public List<String> fieldIncludeList() {
        return getList(FIELD_INCLUDE_LIST);
    }

    public List<String> fieldExcludeList() {
        return getList(FIELD_EXCLUDE_LIST);
    }

    public java.time.ZoneId timeZone() {
        return java.time.ZoneId.of(((String) aliased(USE_TIME_ZONE)).trim());
    }

    public MissingRowMode missingRowMode() {
        return enumValue(MissingRowMode.class, MISSING_ROW_MODE);
    }

    /** True when id-only events are re-selected (reselect.connection.url is set). */
    public boolean reselectEnabled() {
        String url = getString(RESELECT_CONNECTION_URL);
        return url != null && !url.isBlank();
    }

    /** The re-select's SourceRowFetcher configs: the reselect.* keys without their prefix. */
    public Map<String, Object> reselectFetcherConfigs() {
        return originalsWithPrefix(RESELECT_PREFIX);
    }

    public ReselectMissingRow reselectOnMissingRow() {
        return enumValue(ReselectMissingRow.class, RESELECT_ON_MISSING_ROW);
    }

    public boolean reselectPlaceholderColumns() {
        return getBoolean(RESELECT_PLACEHOLDER_COLUMNS);
    }

    public int reselectMaxKeysPerQuery() {
        return getInt(RESELECT_MAX_KEYS_PER_QUERY);
    }

    public boolean ignoreIdOnlyEvents() {
        return getBoolean(ID_ONLY_IGNORE);
    }

    public ToastPlaceholder placeholder() {
        return ToastPlaceholder.of(getString(PLACEHOLDER));
    }

    /** The ordering guard's position column, or null when the guard is off. */
    public String orderingGuardColumn() {
        String column = getString(ORDERING_GUARD_COLUMN);
        return column == null || column.isEmpty() ? null : column;
    }

    public int batchSize() {
        return getInt(BATCH_SIZE);
    }

    public boolean useReductionBuffer() {
        return getBoolean(USE_REDUCTION_BUFFER);
    }

    public int maxRetries() {
        return (Integer) aliased(MAX_RETRIES);
    }

    public long retryBackoffMs() {
        return (Long) aliased(RETRY_BACKOFF_MS);
    }

    /** The wait before retry {@code attempt} (from 0): retry.backoff.ms, doubled each time, at most 60 s. */
    public long retryBackoffMs(int attempt) {
        return Math.min(60_000L, retryBackoffMs() << Math.min(attempt, 20));
    }

    public boolean exactlyOnce() {
        return getBoolean(EXACTLY_ONCE);
    }

    public boolean sourcePositionTracking() {
        return getBoolean(SOURCE_POSITION_TRACKING);
    }

    public String offsetsTableName() {
        return getString(OFFSETS_TABLE_NAME);
    }

    public boolean transactionAware() {
        return getBoolean(TRANSACTION_AWARE);
    }

    public String transactionTopic() {
        return getString(TRANSACTION_TOPIC);
    }

    public long transactionBufferMaxEvents() {
        return getLong(TRANSACTION_BUFFER_MAX_EVENTS);
    }

    public long transactionBufferMaxBytes() {
        return getLong(TRANSACTION_BUFFER_MAX_BYTES);
    }

    public OverflowPolicy transactionBufferOverflow() {
        return OverflowPolicy.parse(getString(TRANSACTION_BUFFER_OVERFLOW));
    }

    public long transactionIncompleteTimeoutMs() {
        return getLong(TRANSACTION_INCOMPLETE_TIMEOUT_MS);
    }

    public IncompletePolicy transactionIncompletePolicy() {
        return enumValue(IncompletePolicy.class, TRANSACTION_INCOMPLETE_POLICY);
    }

    /** True when Connect's errors.tolerance is 'all': bad records go to the errant record reporter (DLQ). */
    public boolean toleratesErrors() {
        Object tolerance = originals().get(ERRORS_TOLERANCE);
        return tolerance != null && "all".equalsIgnoreCase(tolerance.toString().trim());
    }
}
