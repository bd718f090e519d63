package io.connectdelta.event;

/**
 * Debezium's {@code transaction} block of a data event (provide.transaction.metadata=true).
 *
 * @param id                  the transaction id; for PostgreSQL {@code txId:LSN}, where the LSN part differs
 *                            between BEGIN, each data event and END of one transaction; for the binlog
 *                            connectors the GTID, or {@code file=<binlog file>,pos=<position>} without GTIDs
 * @param totalOrder          the event's position among all events of the transaction, from 1
 * @param dataCollectionOrder the event's position among the transaction's events for its table, from 1
 */
public record TransactionBlock(String id, long totalOrder, long dataCollectionOrder) {

    /** The part of the id that is the same for every event of one transaction: the text before the first ':'. */
    public String xid() {
        return xidOf(id);
    }

    /**
     * The transaction block of a change event value (Struct or Map), or null when it has none. Also reads values
     * that are not valid change events otherwise, so a bad record can still be counted in its transaction.
     */
    public static TransactionBlock of(Object value) {
        Object tx = ChangeEventReader.get(value, Formats.TRANSACTION);
        if (tx == null) {
            return null;
        }
        Object id = ChangeEventReader.get(tx, Formats.TX_ID);
        return new TransactionBlock(id == null ? null : id.toString(),
                orderOf(ChangeEventReader.get(tx, Formats.TX_TOTAL_ORDER)),
                orderOf(ChangeEventReader.get(tx, Formats.TX_DATA_COLLECTION_ORDER)));
    }

    private static long orderOf(Object value) {
        return value instanceof Number ? ((Number) value).longValue() : 0L;
    }

    /**
     * The part of a Debezium transaction id that every event and marker of one transaction share. The id's form
     * belongs to the connector that wrote it, and markers carry no source block, so it is read from the form:
     * PostgreSQL's {@code <txId>:<LSN>} (digits on both sides; the LSN differs from event to event) groups by the
     * txId; every other form (a MySQL GTID {@code <server uuid>:<sequence>}, a MariaDB GTID
     * {@code <domain>-<server>-<sequence>}, a binlog file and position {@code file=mysql-bin.000003,pos=1234})
     * names one transaction whole.
     */
    public static String xidOf(String id) {
        if (id == null) {
            return null;
        }
        int colon = postgresColon(id);
        return colon < 0 ? id : id.substring(0, colon);
    }

    /** Where the ':' of a PostgreSQL {@code <digits>:<digits>} id is, or -1 for any other form. */
    static int postgresColon(String id) {
        int colon = id.indexOf(':');
        if (colon <= 0 || colon == id.length() - 1) {
            return -1;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (i != colon && (c < '0' || c > '9')) {
                return -1;
            }
        }
        return colon;
    }
}
