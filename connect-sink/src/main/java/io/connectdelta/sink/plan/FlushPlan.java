package io.connectdelta.sink.plan;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/** Everything one write applies, per table. Built by {@link PlanBuilder}. */
public final class FlushPlan {
    private final Map<String, TablePlan> tables = new LinkedHashMap<>();
    private final boolean reduce;
    private final boolean missingRowsFail;
    /** Which tables keep their statements in source order (asked once per table and plan). */
    private final Predicate<String> inSourceOrder;

    FlushPlan(boolean reduce, boolean missingRowsFail, Predicate<String> inSourceOrder) {
        this.reduce = reduce;
        this.missingRowsFail = missingRowsFail;
        this.inSourceOrder = inSourceOrder;
    }

    TablePlan table(String name) {
        TablePlan table = tables.get(name);
        if (table == null) {
            table = new TablePlan(name, inSourceOrder.test(name));
            tables.put(name, table);
        }
        return table;
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
