package io.connectdelta.sink.transaction;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** A cheap estimate of the heap a record's key and value hold, to bound the transaction buffer in bytes. */
final class ApproximateSize {
    private static final int OBJECT_OVERHEAD = 16;
    /** A boxed number or boolean. */
    private static final int FIXED_VALUE = OBJECT_OVERHEAD + 8;

    private ApproximateSize() {
    }

    static long of(Object value) {
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
            List<Field> fields = struct.schema().fields();
            long size = OBJECT_OVERHEAD;
            for (int i = 0; i < fields.size(); i++) {
                Field field = fields.get(i);
                // Runs for every buffered event: fixed-size values are counted by their type, without a look.
                size += 8 + (isFixedSize(field.schema().type()) ? FIXED_VALUE : of(struct.get(field)));
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

    private static boolean isFixedSize(Schema.Type type) {
        return type.isPrimitive() && type != Schema.Type.STRING && type != Schema.Type.BYTES;
    }
}
