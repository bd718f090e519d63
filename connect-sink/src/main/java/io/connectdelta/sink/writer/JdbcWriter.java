package io.connectdelta.sink.writer;

import io.connectdelta.jdbc.dialect.JdbcDialect;
import io.connectdelta.sink.DeltaJdbcSinkConfig;
import io.connectdelta.sink.DeltaJdbcSinkConfig.MissingRowMode;
import io.connectdelta.sink.dialect.Dialect;
import io.connectdelta.sink.dialect.TableInfo;
import io.connectdelta.sink.metrics.SinkTaskMetrics;
import io.connectdelta.sink.plan.FlushPlan;
import io.connectdelta.sink.plan.RowWrite;
import io.connectdelta.sink.plan.TablePlan;
import io.connectdelta.sink.plan.WriteKind;
import io.connectdelta.sink.progress.PartitionProgress;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The one write loop: applies plans in a transaction (DDL first, then per table TRUNCATE, then the statements in
 * rounds, grouped by SQL into JDBC batches), records the offsets in the same transaction, commits, and retries the
 * whole transaction with backoff on transient errors.
 */
public final class JdbcWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcWriter.class);
    /** Column sets with fewer rows than this in a round share one flagged statement. */
    private static final int RARE_GROUP_SIZE = 4;

    /** Decides about a unit that failed for a reason other than a transient one: report it, or throw. */
    @FunctionalInterface
    public interface FailureHandler {
        void failed(int unit, Exception error);
    }

    private final DeltaJdbcSinkConfig config;
    private final Dialect dialect;
    private final SinkTaskMetrics metrics;
    private final StatementFactory statements;
    private final TableCatalog catalog;
    private final OffsetStore offsets;
    /** Null when the ordering guard is off. */
    private final OrderingGuard guard;
    /** Null where the dialect has no UPDATE of many rows from arrays. */
    private final ArrayUpdates arrayUpdates;
    private final ConnectionOpener opener;
    /** This task instance's claim on its partitions, checked by every write (fencing). */
    private final String owner;
    private Connection connection;

    /** Opens a new connection to the target. */
    @FunctionalInterface
    interface ConnectionOpener {
        Connection open() throws SQLException;
    }

    public JdbcWriter(DeltaJdbcSinkConfig config, Dialect dialect, SinkTaskMetrics metrics, String owner) {
        this(config, dialect, metrics, owner, () -> connect(config, dialect));
    }

    /** With connections from {@code opener} (tests put faults between the writer and a real database). */
    JdbcWriter(DeltaJdbcSinkConfig config, Dialect dialect, SinkTaskMetrics metrics, String owner,
               ConnectionOpener opener) {
        this.opener = opener;
        this.owner = owner;
        this.config = config;
        this.dialect = dialect;
        this.metrics = metrics;
        String positionColumn = config.orderingGuardColumn();
        this.guard = positionColumn == null ? null : new OrderingGuard(dialect, positionColumn);
        this.statements = new StatementFactory(dialect, guard);
        this.catalog = new TableCatalog(dialect, config.schemaEvolution(), positionColumn);
        this.offsets = new OffsetStore(dialect, config.offsetsTableName(), config.connectorName());
        // The array UPDATE has no guard: with the guard on, rare column sets take the flagged statement.
        this.arrayUpdates = dialect.arrayUpdate() == null || guard != null ? null : new ArrayUpdates(dialect, statements);
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Opens a connection to the target with the dialect's driver properties. */
    public static Connection connect(DeltaJdbcSinkConfig config, Dialect dialect) throws SQLException {
        Properties properties = dialect.connectionProperties();
        if (config.username() != null) {
            properties.setProperty("user", config.username());
        }
        if (config.password() != null) {
            properties.setProperty("password", config.password());
        }
        return DriverManager.getConnection(dialect.driverUrl(config.connectionUrl()), properties);
    }

    private Connection connection() throws SQLException {
        // No validity probe per write (a round trip): a broken connection fails the write as a transient error,
        // which closes it, and the retry reconnects here.
        if (connection == null || connection.isClosed()) {
            closeConnection();
            connection = opener.open();
            connection.setAutoCommit(false);
        }
        return connection;
    }

    /**
     * True when the statements of {@code table} must run in the order of their events: it has a secondary unique
     * key (read from the table's indexes the first time, then cached with the table).
     */
    public boolean inSourceOrder(String table) {
        TableInfo known = catalog.cached(table);
        if (known == null) {
            known = withRetries("read table " + table, (c, attempt) -> {
                TableInfo read = catalog.describe(c, table);
                c.commit();
                return read;
            });
        }
        return known != null && known.hasSecondaryUniqueKey();
    }

    /**
     * Claims the partitions for this task instance and reads what the target records for them (exactly-once
     * mode); creates the offsets table if missing. Every later write of a previous owner of the partitions fails.
     */
    public Map<TopicPartition, PartitionProgress> claim(Collection<TopicPartition> partitions) {
        return withRetries("claim partitions in the offsets table", (c, attempt) -> {
            c.setAutoCommit(true);
            try {
                offsets.createIfMissing(c);
            } finally {
                c.setAutoCommit(false);
            }
            Map<TopicPartition, PartitionProgress> progress = offsets.claim(c, partitions, owner);
            c.commit();
            return progress;
        });
    }

    /** What the target records for these partitions, without claiming them. */
    public Map<TopicPartition, PartitionProgress> readProgress(Collection<TopicPartition> partitions) {
        return withRetries("read the offsets table", (c, attempt) -> {
            Map<TopicPartition, PartitionProgress> progress = offsets.read(c, partitions);
            c.commit();
            return progress;
        });
    }

    /**
     * Applies the units in one transaction together with {@code progress} (exactly-once mode: where this task
     * instance still owns the partitions, else a {@link io.connectdelta.sink.progress.FencedException}). Without a handler any failure fails
     * the whole write; with one, each unit runs under a savepoint and a failed unit is rolled back alone and handed
     * to the handler (which may throw to abort everything).
     */
    public void write(List<FlushPlan> units, Map<TopicPartition, PartitionProgress> progress, FailureHandler handler) {
        withRetries("write " + units.size() + " plan(s)", (c, attempt) -> {
            if (attempt > 0 && config.exactlyOnce() && alreadyRecorded(c, progress)) {
                // The failure hit after the commit (a connection lost while the commit was acknowledged): the
                // offsets say this write is in, and applying it again would apply it twice.
                c.rollback();
                LOG.info("A write that failed after its commit was applied: the target records {}", progress);
                return null;
            }
            long start = System.nanoTime();
            Map<FlushPlan, Map<String, TableInfo>> tables = new IdentityHashMap<>();
            List<Integer> failedEarly = new ArrayList<>();
            // DDL first: MariaDB commits implicitly on DDL, which must not cut a data transaction in two.
            for (int i = 0; i < units.size(); i++) {
                try {
                    tables.put(units.get(i), prepare(c, units.get(i)));
                } catch (RuntimeException e) {
                    if (handler == null) {
                        throw e;
                    }
                    failedEarly.add(i);
                    handler.failed(i, e);
                }
            }
            for (int i = 0; i < units.size(); i++) {
                FlushPlan unit = units.get(i);
                if (failedEarly.contains(i)) {
                    continue;
                }
                if (handler == null) {
                    apply(c, unit, tables.get(unit));
                    continue;
                }
                Savepoint savepoint = c.setSavepoint();
                try {
                    apply(c, unit, tables.get(unit));
                    c.releaseSavepoint(savepoint);
                } catch (SQLException e) {
                    if (dialect.isTransient(e)) {
                        throw e;
                    }
                    c.rollback(savepoint);
                    handler.failed(i, e);
                } catch (RuntimeException e) {
                    c.rollback(savepoint);
                    handler.failed(i, e);
                }
            }
            if (config.exactlyOnce()) {
                offsets.write(c, progress, owner);
            }
            c.commit();
            long nanos = System.nanoTime() - start;
            metrics.recordCommit(nanos);
            LOG.debug("Committed {} plan(s) and progress {} in {} ms", units.size(), progress, nanos / 1_000_000);
            return null;
        });
    }

    private Map<String, TableInfo> prepare(Connection c, FlushPlan plan) throws SQLException {
        Map<String, TableInfo> prepared = new HashMap<>();
        for (TablePlan table : plan.tables()) {
            prepared.put(table.table(), catalog.prepare(c, table));
        }
        return prepared;
    }

    private void apply(Connection c, FlushPlan plan, Map<String, TableInfo> tables) throws SQLException {
        for (TablePlan tablePlan : plan.tables()) {
            TableInfo table = tables.get(tablePlan.table());
            if (tablePlan.truncate()) {
                try (Statement statement = c.createStatement()) {
                    statement.execute(dialect.truncate(dialect.quoteTable(table.name())));
                }
                metrics.recordStatement(0, 0);
            }
            if (tablePlan.inSourceOrder()) {
                applyInSourceOrder(c, table, tablePlan.inOrder());
                continue;
            }
            for (List<RowWrite> round : tablePlan.rounds()) {
                List<RowWrite> unchanged = execute(c, table, build(table, round, false));
                if (!unchanged.isEmpty()) {
                    handleUnchangedRows(c, table, unchanged);
                }
            }
        }
    }

    /**
     * Runs the statements in the order of their events: a run of statements that share their SQL (or are all
     * plain UPDATEs: they share a flagged statement) and touch different rows goes as one JDBC batch, which keeps
     * their order. Where the dialect's upsert also fires on a secondary unique key (MariaDB), an upsert is an
     * UPDATE by primary key and, where it found no row, an INSERT: a value another row holds is then an error
     * naming the record, never an update of that other row.
     */
    private void applyInSourceOrder(Connection c, TableInfo table, List<RowWrite> writes) throws SQLException {
        boolean upsertsAsUpdates = !dialect.upsertsOnPrimaryKeyOnly() && table.hasSecondaryUniqueKey();
        List<SqlStatement> run = new ArrayList<>();
        java.util.Set<List<Object>> rows = new java.util.HashSet<>();
        for (RowWrite write : writes) {
            SqlStatement statement = upsertsAsUpdates && write.kind() == WriteKind.UPSERT && !write.columns().isEmpty()
                    ? statements.updateInstead(table, write) : statements.statement(table, write);
            if (statement == null) {
                continue;
            }
            List<Object> row = write.key() == null ? List.of(new Object()) : TablePlan.identity(write.key());
            if (!run.isEmpty() && (!sharesBatch(run.get(0), statement) || !rows.add(row))) {
                executeRun(c, table, run, upsertsAsUpdates);
                run = new ArrayList<>();
                rows.clear();
                rows.add(row);
            } else {
                rows.add(row);
            }
            run.add(statement);
        }
        if (!run.isEmpty()) {
            executeRun(c, table, run, upsertsAsUpdates);
        }
    }

    private static boolean sharesBatch(SqlStatement first, SqlStatement next) {
        return first.sql().equals(next.sql()) || (first.plainUpdate() && next.plainUpdate());
    }

    /** One run of statements in order (see applyInSourceOrder), then what its UPDATEs found missing. */
    private void executeRun(Connection c, TableInfo table, List<SqlStatement> run, boolean upsertsAsUpdates)
            throws SQLException {
        List<SqlStatement> shared = run;
        if (run.stream().map(SqlStatement::sql).distinct().count() > 1) {
            List<RowWrite> writes = new ArrayList<>(run.size());
            run.forEach(statement -> writes.add(statement.write()));
            shared = statements.flaggedUpdates(table, writes);
        }
        List<RowWrite> unchanged = executeGroup(c, table, shared.get(0).sql(), shared, upsertsAsUpdates);
        if (unchanged.isEmpty()) {
            return;
        }
        List<RowWrite> notFound = new ArrayList<>();
        unchanged.removeIf(write -> write.kind() == WriteKind.UPSERT && notFound.add(write));
        List<RowWrite> upserts = guard == null || notFound.isEmpty() ? notFound
                : guard.withoutStale(c, table, notFound, statements, metrics);
        if (!upserts.isEmpty()) {
            // An upsert's row was missing: insert it, whatever missing.row.mode says of partial updates.
            execute(c, table, build(table, upserts, true));
        }
        if (!unchanged.isEmpty()) {
            handleUnchangedRows(c, table, unchanged);
        }
    }

    private List<SqlStatement> build(TableInfo table, List<RowWrite> writes, boolean insteadOfUpdate) {
        List<SqlStatement> built = new ArrayList<>(writes.size());
        for (RowWrite write : writes) {
            SqlStatement statement = insteadOfUpdate ? statements.insertInstead(table, write)
                    : statements.statement(table, write);
            if (statement != null) {
                built.add(statement);
            }
        }
        return built;
    }

    /**
     * The UPDATEs (and, with the guard, DELETEs) that changed no row: with the guard, those whose row is newer are
     * stale and skipped; the UPDATEs of missing rows follow missing.row.mode.
     */
    private void handleUnchangedRows(Connection c, TableInfo table, List<RowWrite> unchanged) throws SQLException {
        List<RowWrite> missing = guard == null ? unchanged : guard.withoutStale(c, table, unchanged, statements, metrics);
        missing.removeIf(write -> write.kind() == WriteKind.DELETE);
        if (!missing.isEmpty()) {
            handleMissingRows(c, table, missing);
        }
    }

    private void handleMissingRows(Connection c, TableInfo table, List<RowWrite> missing) throws SQLException {
        MissingRowMode mode = config.missingRowMode();
        if (mode == MissingRowMode.FAIL) {
            throw new MissingRowException(table.name(), missing.get(0));
        }
        if (mode == MissingRowMode.SKIP) {
            missing.forEach(w -> metrics.recordMissingRowSkipped());
            LOG.debug("Skipped {} updates of table {} that found no row", missing.size(), table.name());
            return;
        }
        execute(c, table, build(table, missing, true));
        missing.forEach(w -> metrics.recordMissingRowInserted());
    }

    /**
     * Runs statements grouped by SQL in JDBC batches, but plain partial updates of rare column sets in UPDATEs of
     * many rows from arrays where the dialect has them, else in one flagged statement; returns the UPDATEs that
     * changed no row (see executeBatch).
     */
    private List<RowWrite> execute(Connection c, TableInfo table, List<SqlStatement> round) throws SQLException {
        Map<String, List<SqlStatement>> groups = new LinkedHashMap<>();
        for (SqlStatement statement : round) {
            groups.computeIfAbsent(statement.sql(), k -> new ArrayList<>()).add(statement);
        }
        List<RowWrite> missing = new ArrayList<>();
        List<SqlStatement> rare = takeRareColumnSets(groups);
        if (arrayUpdates != null) {
            List<SqlStatement> left = new ArrayList<>();
            for (ArrayUpdateChunk chunk : arrayUpdates.take(table, rare, config.batchSize(), left)) {
                missing.addAll(chunk.execute(c, dialect));
                recordExecuted(table, chunk.writes());
            }
            rare = left;
        }
        shareStatementAmongRareColumnSets(table, rare, groups);
        for (Map.Entry<String, List<SqlStatement>> group : groups.entrySet()) {
            missing.addAll(executeGroup(c, table, group.getKey(), group.getValue(), false));
        }
        return missing;
    }

    /**
     * Runs statements of one SQL in JDBC batches of at most batch.size, in their order; returns the writes whose
     * UPDATE changed no row (see executeBatch).
     */
    private List<RowWrite> executeGroup(Connection c, TableInfo table, String sql, List<SqlStatement> members,
                                        boolean upsertsAsUpdates) throws SQLException {
        List<RowWrite> missing = new ArrayList<>();
        int batchSize = config.batchSize();
        try (PreparedStatement prepared = c.prepareStatement(sql)) {
            for (int from = 0; from < members.size(); from += batchSize) {
                List<SqlStatement> batch = members.subList(from, Math.min(members.size(), from + batchSize));
                missing.addAll(executeBatch(c, prepared, batch, upsertsAsUpdates));
                List<RowWrite> writes = new ArrayList<>(batch.size());
                batch.forEach(statement -> writes.add(statement.write()));
                recordExecuted(table, writes);
            }
        }
        return missing;
    }

    /**
     * Runs one JDBC batch of statements of the same SQL; returns the UPDATEs (with the guard also the DELETEs, and
     * with {@code upsertsAsUpdates} the upserts run as UPDATEs) whose update count was 0.
     */
    private List<RowWrite> executeBatch(Connection c, PreparedStatement prepared, List<SqlStatement> batch,
                                        boolean upsertsAsUpdates) throws SQLException {
        for (SqlStatement statement : batch) {
            List<Object> params = statement.params();
            for (int i = 0; i < params.size(); i++) {
                dialect.bind(c, prepared, i + 1, params.get(i));
            }
            prepared.addBatch();
        }
        int[] counts = prepared.executeBatch();
        List<RowWrite> missing = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            RowWrite write = batch.get(i).write();
            boolean counted = write.kind() == WriteKind.UPDATE || (guard != null && write.kind() == WriteKind.DELETE)
                    || (upsertsAsUpdates && write.kind() == WriteKind.UPSERT && !write.columns().isEmpty());
            if (counted && i < counts.length && counts[i] == 0) {
                missing.add(write);
            }
        }
        return missing;
    }

    /** One round trip, and a statement per row (the metrics count rows' statements, however they were sent). */
    private void recordExecuted(TableInfo table, List<RowWrite> writes) {
        metrics.recordBatch();
        for (RowWrite write : writes) {
            int written = write.columns().size();
            metrics.recordStatement(written, table.columns().size() - written
                    - (write.key() == null ? 0 : write.key().size()));
        }
    }

    /**
     * Removes and returns the plain UPDATEs of column sets that few rows share: in JDBC batches of their own SQL they
     * would go nearly one per round trip (see docs/sink.md, Batching).
     */
    private static List<SqlStatement> takeRareColumnSets(Map<String, List<SqlStatement>> groups) {
        List<SqlStatement> rare = new ArrayList<>();
        groups.values().removeIf(members -> {
            // By the statement, not the write: the INSERTs of updates that found no row must stay INSERTs.
            if (members.size() < RARE_GROUP_SIZE && members.stream().allMatch(SqlStatement::plainUpdate)) {
                rare.addAll(members);
                return true;
            }
            return false;
        });
        return rare;
    }

    /**
     * Rare column sets share one statement with per-column "is set" flags; a single one keeps its own SQL.
     * Adds the statements to {@code groups}.
     */
    private void shareStatementAmongRareColumnSets(TableInfo table, List<SqlStatement> rare,
                                                   Map<String, List<SqlStatement>> groups) {
        List<SqlStatement> shared = rare;
        if (rare.stream().map(SqlStatement::sql).distinct().count() > 1) {
            List<RowWrite> writes = new ArrayList<>(rare.size());
            rare.forEach(statement -> writes.add(statement.write()));
            shared = statements.flaggedUpdates(table, writes);
        }
        for (SqlStatement statement : shared) {
            groups.computeIfAbsent(statement.sql(), k -> new ArrayList<>()).add(statement);
        }
    }

    /** True when the target already records every partition at or past {@code progress}'s offsets. */
    private boolean alreadyRecorded(Connection c, Map<TopicPartition, PartitionProgress> progress) throws SQLException {
        if (progress.isEmpty()) {
            return false;
        }
        Map<TopicPartition, PartitionProgress> recorded = offsets.read(c, progress.keySet());
        for (Map.Entry<TopicPartition, PartitionProgress> next : progress.entrySet()) {
            PartitionProgress at = recorded.get(next.getKey());
            if (at == null || at.nextOffset() < next.getValue().nextOffset()) {
                return false;
            }
        }
        return true;
    }

    @FunctionalInterface
    private interface Work<T> {
        /** One attempt; {@code attempt} is 0 for the first, 1 for the first retry, and so on. */
        T run(Connection connection, int attempt) throws SQLException;
    }

    private <T> T withRetries(String what, Work<T> work) {
        int attempt = 0;
        while (true) {
            try {
                return work.run(connection(), attempt);
            } catch (SQLException e) {
                rollbackQuietly();
                if (dialect.isTransient(e) && attempt < config.maxRetries()) {
                    long backoff = config.retryBackoffMs(attempt);
                    attempt++;
                    metrics.recordRetry();
                    LOG.warn("Transient failure trying to {} (SQLState {}), retry {} of {} in {} ms: {}", what,
                            JdbcDialect.sqlState(e), attempt, config.maxRetries(), backoff, e.getMessage());
                    closeConnection();
                    sleep(backoff);
                    continue;
                }
                throw new WriteFailure("Cannot " + what + " (SQLState " + JdbcDialect.sqlState(e) + ")"
                        + (dialect.isTransient(e) ? " after " + attempt + " retries" : "") + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                rollbackQuietly();
                throw e;
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while waiting to retry", e);
        }
    }

    private void rollbackQuietly() {
        catalog.forgetAll();
        if (connection != null) {
            try {
                connection.rollback();
            } catch (SQLException e) {
                LOG.debug("Rollback failed: {}", e.toString());
            }
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing the connection failed: {}", e.toString());
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        closeConnection();
    }
}
