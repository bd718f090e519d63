package io.connectdelta.sink.plan;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Everything one write applies, per table. Built by {@link PlanBuilder}. */
public final class FlushPlan {
    private final Map<String, TablePlan> tables = new LinkedHashMap<>();
    private final boolean reduce;
    private final boolean missingRowsFail;

    FlushPlan(boolean reduce, boolean missingRowsFail) {
        this.reduce = reduce;
        this.missingRowsFail = missingRowsFail;
    }

    TablePlan table(String name) {
        return tables.computeIfAbsent(name, TablePlan::new);
    }

    void add(String table, RowWrite write) {
        table(table).add(write, reduce, missingRowsFail);
    }

    public Collection<TablePlan> tables() {
        return Collections.unmodifiableCollection(tables.values());
    }

    public boolean isEmpty() {
        return tables.values().stream().allMatch(TablePlan::isEmpty);
    }
}
