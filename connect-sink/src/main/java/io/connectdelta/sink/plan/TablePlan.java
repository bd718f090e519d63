package io.connectdelta.sink.plan;

import io.connectdelta.event.Row;
import io.connectdelta.event.Values;
import org.apache.kafka.connect.data.Schema;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What to write into one table: an optional TRUNCATE first, then the statements of every key. By default they are
 * planned per key, in rounds that may run in any order; for a table {@link #inSourceOrder in source order} they
 * stay in the order of their events.
 */
public final class TablePlan {
    private final String table;
    private boolean truncate;
    private final Map<List<Object>, KeyPlan> keys = new LinkedHashMap<>();
    private final List<RowWrite> keyless = new ArrayList<>();
    /** Null unless in source order: then every statement, in the order of the events. */
    private final SourceOrderPlan sourceOrder;
    private final Set<Schema> rowSchemas = new LinkedHashSet<>();
    private Schema keySchema;

    TablePlan(String table) {
        this(table, false);
    }

    TablePlan(String table, boolean inSourceOrder) {
        this.table = table;
        this.sourceOrder = inSourceOrder ? new SourceOrderPlan() : null;
    }

    /**
     * True when the statements run in the order of their events (a table with a secondary unique key: a value one
     * row frees must be free before another row takes it); {@link #inOrder} gives them.
     */
    public boolean inSourceOrder() {
        return sourceOrder != null;
    }

    /** In source order: the statements in the order of their events. */
    public List<RowWrite> inOrder() {
        return sourceOrder.writes();
    }

    public String table() {
        return table;
    }

    public boolean truncate() {
        return truncate;
    }

    void truncateNow() {
        // Everything planned before the truncate is void.
        truncate = true;
        keys.clear();
        keyless.clear();
        if (sourceOrder != null) {
            sourceOrder.clear();
        }
    }

    void add(RowWrite write, boolean reduce, boolean missingRowsFail) {
        if (write.rowSchema() != null) {
            rowSchemas.add(write.rowSchema());
        }
        if (keySchema == null && write.key() != null && write.key().schema() != null) {
            keySchema = write.key().schema();
        }
        if (sourceOrder != null) {
            sourceOrder.add(write, reduce, missingRowsFail);
            return;
        }
        if (write.key() == null) {
            keyless.add(write);
            return;
        }
        keys.computeIfAbsent(identity(write.key()), k -> new KeyPlan()).add(write, reduce, missingRowsFail);
    }

    /**
     * The statements grouped in rounds: round n holds the n-th statement of every key. Statements of one round
     * touch different rows, so they may run in any order (and batch together).
     */
    public List<List<RowWrite>> rounds() {
        List<List<RowWrite>> rounds = new ArrayList<>();
        if (!keyless.isEmpty()) {
            rounds.add(new ArrayList<>(keyless));
        }
        int offset = rounds.size();
        for (KeyPlan plan : keys.values()) {
            List<RowWrite> steps = plan.steps();
            for (int i = 0; i < steps.size(); i++) {
                while (rounds.size() <= offset + i) {
                    rounds.add(new ArrayList<>());
                }
                rounds.get(offset + i).add(steps.get(i));
            }
        }
        return rounds;
    }

    /** The distinct row schemas seen (for schema evolution). */
    public Set<Schema> rowSchemas() {
        return Collections.unmodifiableSet(rowSchemas);
    }

    /** The key's struct schema, when the events had one. */
    public Schema keySchema() {
        return keySchema;
    }

    public boolean isEmpty() {
        return !truncate && keys.isEmpty() && keyless.isEmpty() && (sourceOrder == null || sourceOrder.writes().isEmpty());
    }

    /** A map key equal for equal key values, whatever their boxing (byte arrays by content, decimals by value). */
    public static List<Object> identity(Row key) {
        List<Object> identity = new ArrayList<>(key.size());
        for (Object value : key.values().values()) {
            if (Values.isBytes(value)) {
                identity.add(ByteBuffer.wrap(Values.bytes(value)));
            } else if (value instanceof BigDecimal) {
                identity.add(((BigDecimal) value).stripTrailingZeros());
            } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
                identity.add(((Number) value).longValue());
            } else {
                identity.add(value);
            }
        }
        return identity;
    }
}
