package io.connectdelta.event;

/**
 * Debezium's {@code transaction} block of a data event (provide.transaction.metadata=true).
 *
 * @param id                  the transaction id; for PostgreSQL {@code txId:LSN}, where the LSN part differs
 *                            between BEGIN, each data event and END of one transaction
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

    /** The grouping part of a Debezium transaction id. */
    public static String xidOf(String id) {
        if (id == null) {
            return null;
        }
        int colon = id.indexOf(':');
        return colon < 0 ? id : id.substring(0, colon);
    }
}
