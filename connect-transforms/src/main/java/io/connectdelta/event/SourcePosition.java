package io.connectdelta.event;

/**
 * Where a change came from and where it stands in the source's log, as far as the event says.
 * Every field may be null: flattened rows and hand-made events carry little of this.
 *
 * @param connector  the Debezium connector type, e.g. {@code postgresql}
 * @param name       the logical server name (topic prefix)
 * @param database   the source database
 * @param schema     the source schema
 * @param table      the source table
 * @param txId       the source transaction id (PostgreSQL's xid, as text)
 * @param lsn        the log sequence number of the change (PostgreSQL)
 * @param tsMs       when the change happened in the source, in epoch milliseconds
 * @param snapshot   Debezium's snapshot marker ({@code true}, {@code last}, {@code false}, ...)
 */
public record SourcePosition(String connector, String name, String database, String schema, String table,
                             String txId, Long lsn, Long tsMs, String snapshot) {

    public static final SourcePosition UNKNOWN = new SourcePosition(null, null, null, null, null, null, null, null, null);

    /** {@code schema.table}, {@code table}, or null when the event names no table. */
    public String qualifiedTable() {
        if (table == null) {
            return null;
        }
        return schema == null ? table : schema + "." + table;
    }
}
