package io.connectdelta.sink.reselect;

import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.Op;
import io.connectdelta.event.Shape;
import io.connectdelta.sink.DeltaJdbcSinkConfig;
import io.connectdelta.sink.DeltaJdbcSinkConfig.ReselectMissingRow;
import io.connectdelta.sink.metrics.SinkTaskMetrics;
import io.connectdelta.transforms.reselect.SourceRowFetcher;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The sink's re-select: turns the id-only events of a write into full events by selecting their rows from the
 * source (and, with reselect.placeholder.columns, fills the TOAST placeholder columns of inserts and updates), one query per table and chunk of {@code reselect.max.keys.per.query} keys (the Reselect transform,
 * which Connect hands one record at a time, runs one query per event). The rows are the current rows, not the
 * rows as of the events (see docs/reselect.md). Events keep their order; the caller writes them in one target
 * transaction.
 * <p>
 * A row gone from the source becomes a delete, fails the write or is skipped ({@code reselect.on.missing.row}).
 * A source that cannot be reached is retried as the target is ({@code max.retries}, {@code retry.backoff.ms}),
 * then the write fails: nothing of it is applied and no offset moves past it.
 */
public final class BatchReselect implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchReselect.class);

    private final SourceRowFetcher fetcher;
    private final ReselectMissingRow onMissingRow;
    private final int maxKeysPerQuery;
    private final int maxRetries;
    private final boolean placeholderColumns;
    private final DeltaJdbcSinkConfig config;
    private final SinkTaskMetrics metrics;

    public BatchReselect(DeltaJdbcSinkConfig config, SinkTaskMetrics metrics) {
        this.fetcher = new SourceRowFetcher(config.reselectFetcherConfigs());
        this.onMissingRow = config.reselectOnMissingRow();
        this.maxKeysPerQuery = config.reselectMaxKeysPerQuery();
        this.maxRetries = config.maxRetries();
        this.placeholderColumns = config.reselectPlaceholderColumns();
        this.config = config;
        this.metrics = metrics;
    }

    /**
     * The events with each id-only one replaced by a full event of its current row, a delete when the row is gone
     * (or left out: skip), in the same order; other events as they are. Events of the same table are selected
     * together, whatever lies between them.
     *
     * @param badEvent takes an event whose row is gone under reselect.on.missing.row=fail, or whose select fails
     *                 for the record (a key value the key column cannot take, a table that does not exist): it
     *                 reports the record to the DLQ or throws; the event is left out, the rest are written
     * @throws ConnectException when the source stays unreachable after max.retries
     */
    public List<ChangeEvent> apply(List<ChangeEvent> events, BiConsumer<ChangeEvent, RuntimeException> badEvent) {
        // By table (and key fields): one query per group and chunk.
        Map<Object, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            ChangeEvent event = events.get(i);
            if (needsRow(event)) {
                groups.computeIfAbsent(groupOf(event), g -> new ArrayList<>()).add(i);
            }
        }
        if (groups.isEmpty()) {
            return idOnlyDeletesAsFull(events);
        }
        ChangeEvent[] result = events.toArray(new ChangeEvent[0]);
        boolean[] skipped = new boolean[result.length];
        for (List<Integer> group : groups.values()) {
            for (int from = 0; from < group.size(); from += maxKeysPerQuery) {
                reselect(group.subList(from, Math.min(group.size(), from + maxKeysPerQuery)), result, skipped, badEvent);
            }
        }
        List<ChangeEvent> applied = new ArrayList<>(result.length);
        for (int i = 0; i < result.length; i++) {
            if (!skipped[i]) {
                applied.add(result[i]);
            }
        }
        return idOnlyDeletesAsFull(applied);
    }

    /**
     * Selects the rows of the events at {@code chunk} (indexes into {@code result}) in one query and puts the full
     * events into {@code result}. A select that fails for a bad record (a key value the key column cannot take,
     * a template returning two rows) is split in halves until the records that fail are alone: only they go to
     * {@code badEvent}, the others are written.
     */
    private void reselect(List<Integer> chunk, ChangeEvent[] result, boolean[] skipped,
                          BiConsumer<ChangeEvent, RuntimeException> badEvent) {
        List<ChangeEvent> selected = new ArrayList<>(chunk.size());
        for (int index : chunk) {
            selected.add(result[index]);
        }
        List<SourceRowFetcher.Result> rows;
        try {
            rows = selectWithRetries(selected);
        } catch (DataException e) {
            if (chunk.size() == 1) {
                skipped[chunk.get(0)] = true;
                badEvent.accept(selected.get(0), e);
                return;
            }
            LOG.debug("Re-selecting {} rows failed, selecting them in halves to find the failing record: {}",
                    chunk.size(), e.getMessage());
            int half = chunk.size() / 2;
            reselect(chunk.subList(0, half), result, skipped, badEvent);
            reselect(chunk.subList(half, chunk.size()), result, skipped, badEvent);
            return;
        }
        int found = 0;
        for (int i = 0; i < chunk.size(); i++) {
            int index = chunk.get(i);
            ChangeEvent event = selected.get(i);
            if (event.shape() != Shape.ID_ONLY) {
                // Placeholder columns: filled where the row is still there, else left out as without re-select.
                if (rows.get(i).row().isPresent()) {
                    found++;
                    int before = event.unavailableFields().size();
                    result[index] = event.withUnavailableFieldsFrom(rows.get(i).row().get());
                    metrics.recordPlaceholderColumnsReselected(before - result[index].unavailableFields().size());
                }
            } else if (rows.get(i).row().isPresent()) {
                found++;
                result[index] = event.asFull(rows.get(i).row().get());
            } else if (onMissingRow == ReselectMissingRow.FAIL) {
                skipped[index] = true;
                badEvent.accept(event, new DataException("The row of " + event.location() + " (key "
                        + event.key() + ") is gone from the source; "
                        + DeltaJdbcSinkConfig.RESELECT_ON_MISSING_ROW + "=fail"));
            } else if (onMissingRow == ReselectMissingRow.SKIP) {
                skipped[index] = true;
            } else {
                result[index] = event.asDelete();
            }
        }
        metrics.recordRowsReselected(found, chunk.size() - found);
    }

    /**
     * True for an id-only insert or update, and (reselect.placeholder.columns) for an insert or update carrying a
     * TOAST placeholder, whose real value only the source has.
     */
    private boolean needsRow(ChangeEvent event) {
        if (event.op() == Op.DELETE || event.op() == Op.TRUNCATE) {
            return false;
        }
        if (event.shape() == Shape.ID_ONLY) {
            return true;
        }
        return placeholderColumns && (event.shape() == Shape.FULL || event.shape() == Shape.DELTA)
                && event.after() != null && event.hasUnavailableFields();
    }

    /** An id-only delete needs no row: it is a delete of its key. */
    private static List<ChangeEvent> idOnlyDeletesAsFull(List<ChangeEvent> events) {
        List<ChangeEvent> full = null;
        for (int i = 0; i < events.size(); i++) {
            ChangeEvent event = events.get(i);
            if (event.shape() == Shape.ID_ONLY && event.op() == Op.DELETE) {
                if (full == null) {
                    full = new ArrayList<>(events);
                }
                full.set(i, event.asDelete());
            }
        }
        return full == null ? events : full;
    }

    /** What events must share to be selected together: the table (the topic stands for it) and the key fields. */
    private Object groupOf(ChangeEvent event) {
        if (fetcher.usesQuery()) {
            // The template names its tables; events whose record schemas differ are read apart.
            return List.of(String.valueOf(event.record().topic()), event.hasSchema());
        }
        return new TableGroup(event.record().topic(), event.position().database(), event.position().schema(),
                event.position().table(), event.key() == null ? List.of() : List.copyOf(event.key().values().keySet()),
                event.hasSchema());
    }

    private record TableGroup(String topic, String database, String schema, String table,
                                       List<String> keyFields, boolean withSchema) {
    }

    private List<SourceRowFetcher.Result> selectWithRetries(List<ChangeEvent> events) {
        for (int attempt = 0; ; attempt++) {
            try {
                metrics.recordReselectQuery();
                return fetcher.selectAll(events);
            } catch (RetriableException e) {
                if (attempt >= maxRetries) {
                    throw new ConnectException("Cannot re-select the rows of " + events.size() + " event(s) "
                            + "from " + events.get(0).location() + " on: the source database stays unreachable after "
                            + maxRetries + " retries: " + e.getMessage(), e);
                }
                long backoff = config.retryBackoffMs(attempt);
                LOG.warn("Cannot reach the source to re-select rows, retry {} of {} in {} ms: {}", attempt + 1,
                        maxRetries, backoff, e.getMessage());
                metrics.recordRetry();
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new ConnectException("Interrupted while waiting to retry the re-select", interrupted);
                }
            }
        }
    }

    @Override
    public void close() {
        fetcher.close();
    }
}
