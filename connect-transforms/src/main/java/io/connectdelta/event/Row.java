package io.connectdelta.event;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * The fields of a row (or of a key), in order, telling a field that is absent apart from one that is null.
 * With a schema (records from Struct values) {@link #schema()} is the row's struct schema; schemaless rows
 * (Map values, JsonConverter with schemas.enable=false) have none.
 * <p>
 * A row read from a Struct keeps its values by the struct's field positions, so that reading a record costs no
 * map and rows of one schema compare position by position.
 */
public final class Row {
    /** The value of a field that the row's layout has but the row does not carry. */
    private static final Object ABSENT = new Object();

    private final Schema schema;
    private final Layout layout;
    private final Object[] values;
    private final int size;

    private Row(Schema schema, Layout layout, Object[] values, int size) {
        this.schema = schema;
        this.layout = layout;
        this.values = values;
        this.size = size;
    }

    /** Every field of the struct is present (a Struct cannot leave a field out). */
    public static Row ofStruct(Struct struct) {
        Object[] values = valuesOf(struct);
        return new Row(struct.schema(), new StructLayout(struct.schema()), values, values.length);
    }

    /** Only the fields of the struct that {@code present} accepts are present. */
    public static Row ofStruct(Struct struct, Predicate<String> present) {
        Object[] values = valuesOf(struct);
        int size = 0;
        for (Field field : struct.schema().fields()) {
            if (present.test(field.name())) {
                size++;
            } else {
                values[field.index()] = ABSENT;
            }
        }
        return new Row(struct.schema(), new StructLayout(struct.schema()), values, size);
    }

    private static Object[] valuesOf(Struct struct) {
        List<Field> fields = struct.schema().fields();
        Object[] values = new Object[fields.size()];
        for (Field field : fields) {
            Object value = struct.get(field);
            // Without the default: a column set to null must read as null, not as its schema's default.
            if (value != null && value == field.schema().defaultValue()) {
                value = struct.getWithoutDefault(field.name());
            }
            values[field.index()] = value;
        }
        return values;
    }

    /** The entries of a schemaless map; a key mapped to null is present with the value null. */
    public static Row ofMap(Map<?, ?> map) {
        return ofEntries(null, map);
    }

    /** A row of the given values (in the map's order) for the given struct schema, or schemaless when null. */
    public static Row of(Schema schema, Map<String, Object> values) {
        return ofEntries(schema, values);
    }

    private static Row ofEntries(Schema schema, Map<?, ?> entries) {
        String[] names = new String[entries.size()];
        Object[] values = new Object[entries.size()];
        Map<String, Integer> positions = new HashMap<>();
        int size = 0;
        for (Map.Entry<?, ?> entry : entries.entrySet()) {
            String name = String.valueOf(entry.getKey());
            // Two keys may print the same (1 and "1"): the later value wins, as in a map keyed by the text.
            Integer earlier = positions.putIfAbsent(name, size);
            if (earlier != null) {
                values[earlier] = entry.getValue();
            } else {
                names[size] = name;
                values[size++] = entry.getValue();
            }
        }
        return new Row(schema, new NamedLayout(Arrays.copyOf(names, size), positions), Arrays.copyOf(values, size),
                size);
    }

    /** The row's struct schema, or {@code null} for a schemaless row. */
    public Schema schema() {
        return schema;
    }

    /** The schema of one field, or {@code null} when the row is schemaless or has no such field. */
    public Schema fieldSchema(String name) {
        if (schema == null) {
            return null;
        }
        Field field = schema.field(name);
        return field == null ? null : field.schema();
    }

    public boolean has(String name) {
        int position = layout.position(name);
        return position >= 0 && values[position] != ABSENT;
    }

    /** The value of a present field; null both for a null value and an absent field (use {@link #has}). */
    public Object get(String name) {
        int position = layout.position(name);
        return position < 0 ? null : valueAt(position);
    }

    /**
     * As {@link #get(String)} for a field of the row's schema, or of a schema with the same fields in the same
     * order (one derived from it): found by its position rather than by its name.
     */
    public Object get(Field field) {
        int position = field.index();
        if (position < values.length && field.name().equals(layout.name(position))) {
            return valueAt(position);
        }
        return get(field.name());
    }

    /** The names of the present fields, in row order. */
    public Set<String> fieldNames() {
        return new PresentFields<>(this::name) {
            @Override
            public boolean contains(Object o) {
                return o instanceof String && has((String) o);
            }
        };
    }

    /** The present fields and their values, in row order (unmodifiable). */
    public Map<String, Object> values() {
        return new AbstractMap<>() {
            @Override
            public Set<Entry<String, Object>> entrySet() {
                return new PresentFields<>(position -> new SimpleImmutableEntry<>(name(position), valueAt(position)));
            }

            @Override
            public int size() {
                return size;
            }

            @Override
            public boolean containsKey(Object key) {
                return key instanceof String && has((String) key);
            }

            @Override
            public Object get(Object key) {
                return key instanceof String ? Row.this.get((String) key) : null;
            }
        };
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The same row with only the named fields that are present. */
    public Row select(Collection<String> names) {
        Object[] selected = new Object[values.length];
        Arrays.fill(selected, ABSENT);
        int count = 0;
        // Each name looked up, so that a list of names (a key, the changed fields) costs no contains() per field.
        for (String name : names) {
            int position = layout.position(name);
            if (position >= 0 && values[position] != ABSENT && selected[position] == ABSENT) {
                selected[position] = values[position];
                count++;
            }
        }
        return new Row(schema, layout, selected, count);
    }

    /** The same row without the named fields. */
    public Row without(Collection<String> names) {
        if (names.isEmpty()) {
            return this;
        }
        Object[] kept = values.clone();
        int count = size;
        for (int position = 0; position < values.length; position++) {
            if (values[position] != ABSENT && names.contains(name(position))) {
                kept[position] = ABSENT;
                count--;
            }
        }
        return new Row(schema, layout, kept, count);
    }

    /** This row with the fields of {@code other} laid over it (other's values win); keeps this row's schema. */
    public Row overlay(Row other) {
        if (layout.samePositions(other.layout)) {
            Object[] merged = values.clone();
            int count = size;
            for (int position = 0; position < values.length; position++) {
                if (other.values[position] != ABSENT) {
                    if (merged[position] == ABSENT) {
                        count++;
                    }
                    merged[position] = other.values[position];
                }
            }
            return new Row(schema, layout, merged, count);
        }
        Map<String, Object> merged = new LinkedHashMap<>(values());
        merged.putAll(other.values());
        return ofEntries(schema, merged);
    }

    /**
     * The names of the present fields that {@code old} lacks or holds another value for
     * ({@link Values#deepEquals}), in row order.
     */
    List<String> differingFrom(Row old) {
        boolean samePositions = layout.samePositions(old.layout);
        List<String> differing = new ArrayList<>();
        for (int position = 0; position < values.length; position++) {
            if (values[position] == ABSENT) {
                continue;
            }
            String name = name(position);
            Object oldValue = samePositions ? old.values[position] : old.valueOrAbsent(name);
            if (oldValue == ABSENT || !Values.deepEquals(oldValue, values[position])) {
                differing.add(name);
            }
        }
        return differing;
    }

    /** The names of the present fields whose value passes {@code test}, in row order. */
    Set<String> fieldsHolding(Predicate<Object> test) {
        Set<String> names = null;
        for (int position = 0; position < values.length; position++) {
            if (values[position] != ABSENT && test.test(values[position])) {
                if (names == null) {
                    names = new LinkedHashSet<>();
                }
                names.add(name(position));
            }
        }
        return names == null ? Set.of() : Collections.unmodifiableSet(names);
    }

    private Object valueOrAbsent(String name) {
        int position = layout.position(name);
        return position < 0 ? ABSENT : values[position];
    }

    private Object valueAt(int position) {
        Object value = values[position];
        return value == ABSENT ? null : value;
    }

    private String name(int position) {
        return layout.name(position);
    }

    /** The first position from {@code from} on that holds a present field, or the layout's width. */
    private int nextPresent(int from) {
        int position = from;
        while (position < values.length && values[position] == ABSENT) {
            position++;
        }
        return position;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Row)) {
            return false;
        }
        Row other = (Row) o;
        return Values.deepEquals(values(), other.values());
    }

    @Override
    public int hashCode() {
        return fieldNames().hashCode();
    }

    @Override
    public String toString() {
        return values().toString();
    }

    /** The present fields in row order, each as {@code element} makes it of its position. */
    private class PresentFields<E> extends AbstractSet<E> {
        private final IntFunction<E> element;

        PresentFields(IntFunction<E> element) {
            this.element = element;
        }

        @Override
        public Iterator<E> iterator() {
            return new Iterator<>() {
                private int position = nextPresent(0);

                @Override
                public boolean hasNext() {
                    return position < values.length;
                }

                @Override
                public E next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    E current = element.apply(position);
                    position = nextPresent(position + 1);
                    return current;
                }
            };
        }

        @Override
        public int size() {
            return size;
        }
    }

    /** Where a row keeps each field: the name at a position and the position of a name (-1 for none). */
    private interface Layout {
        String name(int position);

        int position(String name);

        /** True when the other layout keeps every field at the same position as this one. */
        boolean samePositions(Layout other);
    }

    /** The fields of a struct schema, at their indexes: found through the schema's own index of names. */
    private record StructLayout(Schema schema) implements Layout {
        @Override
        public String name(int position) {
            return schema.fields().get(position).name();
        }

        @Override
        public int position(String name) {
            Field field = schema.field(name);
            return field == null ? -1 : field.index();
        }

        @Override
        public boolean samePositions(Layout other) {
            return other instanceof StructLayout && ((StructLayout) other).schema == schema;
        }
    }

    /** The keys of a map, in its order. */
    private record NamedLayout(String[] names, Map<String, Integer> positions) implements Layout {
        @Override
        public String name(int position) {
            return names[position];
        }

        @Override
        public int position(String name) {
            Integer position = positions.get(name);
            return position == null ? -1 : position;
        }

        @Override
        public boolean samePositions(Layout other) {
            return other == this;
        }
    }
}
