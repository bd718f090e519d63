package io.connectdelta.event;

/**
 * Names on the wire: the format header and the field names of the envelopes we read and write.
 * docs/formats.md documents each format with an example.
 */
public final class Formats {
    /** Record header that announces the shape of every event we emit: full, delta, json-patch or id-only. */
    public static final String FORMAT_HEADER = "connectdelta.format";

    // Fields shared with Debezium's envelope.
    public static final String BEFORE = "before";
    public static final String AFTER = "after";
    public static final String SOURCE = "source";
    public static final String OP = "op";
    public static final String TS_MS = "ts_ms";
    public static final String TRANSACTION = "transaction";

    /** Delta events: the names of the fields of {@code after} that carry a change, in row order. */
    public static final String CHANGED = "changed";
    /** JSON Patch events: the RFC 6902 patch from the old row to the new one, as JSON text. */
    public static final String PATCH = "patch";
    /** JSON Patch and id-only events: the row's key. */
    public static final String KEY = "key";
    /**
     * JSON Patch events with a schema, inserts and snapshot reads only: a field whose schema is the table's row
     * schema and whose value is always null, so that a consumer with no earlier row can restore the full row.
     */
    public static final String ROW_SCHEMA = "row_schema";

    /** Debezium transaction block fields. */
    public static final String TX_ID = "id";
    public static final String TX_TOTAL_ORDER = "total_order";
    public static final String TX_DATA_COLLECTION_ORDER = "data_collection_order";

    /**
     * Schema parameter set on a field schema of a delta's {@code after} that was required in the full row:
     * delta rows make every field optional (absent fields are null), and this lets the full schema be restored.
     */
    public static final String REQUIRED_PARAMETER = "connectdelta.required";

    /**
     * Schema parameter set on a delta's {@code after} struct schema that holds only the fields the event carries
     * (ToDelta's {@code delta.row.schema=carried}): the full row schema is not in the event and must come from
     * elsewhere (a stored row, an earlier event of the topic).
     */
    public static final String CARRIED_PARAMETER = "connectdelta.carried";

    /** Fields that Debezium's ExtractNewRecordState adds to a flattened row; they are metadata, not columns. */
    public static final String FLATTENED_DELETED = "__deleted";
    public static final String FLATTENED_OP = "__op";

    private Formats() {
    }
}
