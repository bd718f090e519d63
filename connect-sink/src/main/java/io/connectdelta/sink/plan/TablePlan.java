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

/** What to write into one table: an optional TRUNCATE first, then the statements of every key. */
public final class TablePlan {
    private final String table;
    private boolean truncate;
    private final Map<List<Object>, KeyPlan> keys = new LinkedHashMap<>();
    private final List<RowWrite> keyless = new ArrayList<>();
    private final Set<Schema> rowSchemas = new LinkedHashSet<>();
    private Schema keySchema;

    TablePlan(String table) {
        this.table = table;
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
    }

    void add(RowWrite write, boolean reduce, boolean missingRowsFail) {
        if (write.rowSchema() != null) {
            rowSchemas.add(write.rowSchema());
        }
        if (write.key() == null) {
            keyless.add(write);
            return;
        }
        if (keySchema == null && write.key().schema() != null) {
            keySchema = write.key().schema();
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
        return !truncate && keys.isEmpty() && keyless.isEmpty();
    }

    /** A map key equal for equal key values, whatever their boxing (byte arrays by content, decimals by value). */
    static List<Object> identity(Row key) {
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
