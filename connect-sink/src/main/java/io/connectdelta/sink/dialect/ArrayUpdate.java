package io.connectdelta.sink.dialect;

import java.util.List;

/**
 * An UPDATE of many rows whose values come as arrays: one array parameter per key column, and per written column
 * one of "is set" flags and one of values. Its SQL depends only on the table and the columns, not on the number of
 * rows, so the database prepares it once and reuses it. It returns the 1-based position of every row it found.
 */
public interface ArrayUpdate {

    /** True when values of this column can go through an array and be matched as a key. */
    boolean takesKey(ColumnInfo column);

    /** True when values of this column can go through an array. */
    boolean takes(ColumnInfo column);

    /**
     * The array element of {@code value} (a bound JDBC value, null for NULL) for {@code column}, or null when the
     * value cannot go through an array exactly as a parameter of a one-row UPDATE would.
     */
    String element(Object value, ColumnInfo column);

    /** The array parameter holding these elements (each from {@link #element}). */
    String array(List<String> elements);

    /** The array parameter of "is set" flags. */
    String flags(boolean[] set);

    /** The statement over {@code columns} (in this order) finding rows by {@code keys}. */
    String sql(String quotedTable, List<ColumnInfo> keys, List<ColumnInfo> columns);
}
