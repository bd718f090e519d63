package io.connectdelta.sink.dialect;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A target table: its exact name, its columns in order and its primary key columns. */
public record TableInfo(String name, Map<String, ColumnInfo> columns, List<String> primaryKey) {

    public TableInfo {
        columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
        primaryKey = List.copyOf(primaryKey);
    }

    public ColumnInfo column(String name) {
        return columns.get(name);
    }
}
