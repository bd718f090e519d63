package io.connectdelta.sink.transaction;

import io.connectdelta.event.ChangeEvent;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.List;

/**
 * What must be applied in one piece: all data events of one source transaction (in the source's order), or one
 * event that belongs to no transaction. The sink may put several units into one target transaction (group
 * commit) but never splits a unit across two.
 *
 * @param xid      the source transaction (the grouping part of Debezium's transaction id), null for a lone event
 * @param events   the data events to apply, in order
 * @param records  every record the unit consumed, data events and BEGIN/END markers alike (for offsets)
 * @param complete false when the unit is a transaction the incomplete policy applied without all its events (or
 *                 part of one the overflow policy split)
 * @param completedNanos when the unit's last record arrived (System.nanoTime), for the commit latency metric
 */
public record ApplyUnit(String xid, List<ChangeEvent> events, List<SinkRecord> records, boolean complete,
                        long completedNanos) {

    public boolean isTransaction() {
        return xid != null;
    }
}
