package io.connectdelta.event;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Value equality as a change event means it: byte arrays by content, decimals by value (1.0 equals 1.00),
 * integral numbers across boxed types (schemaless JSON may give Integer or Long), and structs, lists and
 * maps deeply.
 */
public final class Values {
    private Values() {
    }

    public static boolean deepEquals(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof String || a instanceof Boolean) {
            // The commonest values: compared by equals in the end anyway, spared the interface tests below.
            return a.equals(b);
        }
        if (isBytes(a) && isBytes(b)) {
            return Arrays.equals(bytes(a), bytes(b));
        }
        if (a instanceof Number && b instanceof Number) {
            return numbersEqual((Number) a, (Number) b);
        }
        if (a instanceof Struct && b instanceof Struct) {
            return structsEqual((Struct) a, (Struct) b);
        }
        if (a instanceof List && b instanceof List) {
            return listsEqual((List<?>) a, (List<?>) b);
        }
        if (a instanceof Map && b instanceof Map) {
            return mapsEqual((Map<?, ?>) a, (Map<?, ?>) b);
        }
        return a.equals(b);
    }

    /** True for the Java types Connect uses for BYTES values. */
    public static boolean isBytes(Object value) {
        return value instanceof byte[] || value instanceof ByteBuffer;
    }

    /** The content of a BYTES value, without disturbing a ByteBuffer's position. */
    public static byte[] bytes(Object value) {
        if (value instanceof byte[]) {
            return (byte[]) value;
        }
        ByteBuffer buffer = ((ByteBuffer) value).duplicate();
        byte[] copy = new byte[buffer.remaining()];
        buffer.get(copy);
        return copy;
    }

    private static boolean numbersEqual(Number a, Number b) {
        if (isIntegral(a) && isIntegral(b)) {
            if (a instanceof BigInteger || b instanceof BigInteger) {
                return toBigInteger(a).equals(toBigInteger(b));
            }
            return a.longValue() == b.longValue();
        }
        if (a instanceof BigDecimal || b instanceof BigDecimal) {
            return toBigDecimal(a).compareTo(toBigDecimal(b)) == 0;
        }
        if ((a instanceof Float || a instanceof Double) && (b instanceof Float || b instanceof Double)) {
            return Double.compare(a.doubleValue(), b.doubleValue()) == 0;
        }
        return toBigDecimal(a).compareTo(toBigDecimal(b)) == 0;
    }

    private static boolean isIntegral(Number n) {
        return n instanceof Byte || n instanceof Short || n instanceof Integer || n instanceof Long || n instanceof BigInteger;
    }

    private static BigInteger toBigInteger(Number n) {
        return n instanceof BigInteger ? (BigInteger) n : BigInteger.valueOf(n.longValue());
    }

    private static BigDecimal toBigDecimal(Number n) {
        if (n instanceof BigDecimal) {
            return (BigDecimal) n;
        }
        if (isIntegral(n)) {
            return new BigDecimal(toBigInteger(n));
        }
        return BigDecimal.valueOf(n.doubleValue());
    }

    private static boolean structsEqual(Struct a, Struct b) {
        List<Field> fields = a.schema().fields();
        if (fields.size() != b.schema().fields().size()) {
            return false;
        }
        for (Field field : fields) {
            Field other = b.schema().field(field.name());
            if (other == null || !deepEquals(a.get(field), b.get(other))) {
                return false;
            }
        }
        return true;
    }

    private static boolean listsEqual(List<?> a, List<?> b) {
        if (a.size() != b.size()) {
            return false;
        }
        Iterator<?> ia = a.iterator();
        Iterator<?> ib = b.iterator();
        while (ia.hasNext()) {
            if (!deepEquals(ia.next(), ib.next())) {
                return false;
            }
        }
        return true;
    }

    private static boolean mapsEqual(Map<?, ?> a, Map<?, ?> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (Map.Entry<?, ?> entry : a.entrySet()) {
            if (!b.containsKey(entry.getKey()) || !deepEquals(entry.getValue(), b.get(entry.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
