package io.connectdelta.sink.dialect;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A target table: its exact name, its columns in order, and the columns of each unique index that does not hold
 * the whole primary key (a secondary unique key: two rows may collide on it).
 */
public record TableInfo(String name, Map<String, ColumnInfo> columns, List<List<String>> secondaryUniqueKeys) {

    public TableInfo {
        columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
        secondaryUniqueKeys = secondaryUniqueKeys.stream().map(List::copyOf).toList();
    }

    public ColumnInfo column(String name) {
        return columns.get(name);
    }

    /**
     * True when another row may hold a unique value a write sets: then the writer runs the table's statements in
     * the order of their events, so that a value is freed before another row takes it.
     */
    public boolean hasSecondaryUniqueKey() {
        return !secondaryUniqueKeys.isEmpty();
    }
}
