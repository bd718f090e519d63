package io.connectdelta.sink.transaction;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cheap estimate of the heap a record's key and value hold, to bound the transaction buffer in bytes. It runs for
 * every buffered event, so a struct schema's fixed-size fields are summed once per schema instance (converters
 * share one instance among the records of a topic), and only the fields of variable size are looked at.
 */
final class ApproximateSize {
    private static final int OBJECT_OVERHEAD = 16;
    /** A boxed number or boolean. */
    private static final int FIXED_VALUE = OBJECT_OVERHEAD + 8;
    /** More schema instances than a task sees in practice: past it the layouts are worked out again. */
    private static final int MAX_LAYOUTS = 1024;

    private final Map<Schema, StructLayout> layouts = new IdentityHashMap<>();

    long of(Object value) {
        if (value == null) {
            return 0;
        }
        if (value instanceof String) {
            return OBJECT_OVERHEAD + 2L * ((String) value).length();
        }
        if (value instanceof byte[]) {
            return OBJECT_OVERHEAD + ((byte[]) value).length;
        }
        if (value instanceof ByteBuffer) {
            return OBJECT_OVERHEAD + ((ByteBuffer) value).remaining();
        }
        if (value instanceof Struct) {
            Struct struct = (Struct) value;
            StructLayout layout = layoutOf(struct.schema());
            long size = layout.fixedBytes;
            for (Field field : layout.variableFields) {
                size += of(struct.get(field));
            }
            return size;
        }
        if (value instanceof Map) {
            long size = OBJECT_OVERHEAD;
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                size += 32 + of(entry.getKey()) + of(entry.getValue());
            }
            return size;
        }
        if (value instanceof Collection) {
            long size = OBJECT_OVERHEAD;
            for (Object element : (Collection<?>) value) {
                size += 8 + of(element);
            }
            return size;
        }
        return FIXED_VALUE;
    }

    private StructLayout layoutOf(Schema schema) {
        StructLayout layout = layouts.get(schema);
        if (layout == null) {
            if (layouts.size() >= MAX_LAYOUTS) {
                layouts.clear();
            }
            layout = StructLayout.of(schema);
            layouts.put(schema, layout);
        }
        return layout;
    }

    /** A struct's own size and its fixed-size fields' values in {@code fixedBytes}; the rest is measured per value. */
    private record StructLayout(long fixedBytes, Field[] variableFields) {
        static StructLayout of(Schema schema) {
            long fixed = OBJECT_OVERHEAD;
            List<Field> variable = new ArrayList<>();
            for (Field field : schema.fields()) {
                fixed += 8;
                if (isFixedSize(field.schema().type())) {
                    fixed += FIXED_VALUE;
                } else {
                    variable.add(field);
                }
            }
            return new StructLayout(fixed, variable.toArray(new Field[0]));
        }
    }

    private static boolean isFixedSize(Schema.Type type) {
        return type.isPrimitive() && type != Schema.Type.STRING && type != Schema.Type.BYTES;
    }
}
