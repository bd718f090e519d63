package io.connectdelta.event;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogPositionTest {

    static Map<String, Object> source(Object... pairs) {
        Map<String, Object> source = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            source.put((String) pairs[i], pairs[i + 1]);
        }
        return source;
    }

    @Test
    void postgresOrdersByLastCommitThenLsn() {
        LogPosition first = LogPosition.ofSource(source("connector", "postgresql", "snapshot", "false",
                "sequence", "[\"24023928\",\"24023976\"]", "lsn", 24023976L));
        // A transaction that began earlier (lower LSN) but committed later streams later: its last commit is higher.
        LogPosition later = LogPosition.ofSource(source("connector", "postgresql",
                "sequence", "[\"24024100\",\"24023000\"]"));
        assertTrue(first.compareTo(later) < 0);
        assertTrue(first.isAtOrBefore(later));
        assertFalse(later.isAtOrBefore(first));
        assertTrue(first.isAtOrBefore(first));
        LogPosition noCommitYet = LogPosition.ofSource(source("connector", "postgresql", "sequence", "[null,\"100\"]"));
        assertEquals(LogPosition.of("postgresql", 0, 100), noCommitYet);
    }

    @Test
    void eventsThatDoNotOrderThemselvesHaveNoPosition() {
        assertNull(LogPosition.ofSource(null));
        assertNull(LogPosition.ofSource(source("connector", "postgresql", "lsn", 5L)), "the LSN alone does not order");
        assertNull(LogPosition.ofSource(source("connector", "postgresql", "snapshot", "true",
                "sequence", "[null,\"100\"]")), "snapshot events share one position");
        assertNull(LogPosition.ofSource(source("connector", "postgresql", "snapshot", "last",
                "sequence", "[null,\"100\"]")));
        assertNull(LogPosition.ofSource(source("connector", "oracle", "scn", "123")));
        assertEquals(LogPosition.of("postgresql", 7, 9), LogPosition.ofSource(source("sequence", "[\"7\",\"9\"]")),
                "a block trimmed to its sequence still orders the event");
        assertNull(LogPosition.ofSource(source("connector", "postgresql", "sequence", "[\"1\",\"x\"]")));
    }

    @Test
    void binlogOrdersByFileNumberPositionAndRowPerServer() {
        LogPosition a = LogPosition.ofSource(source("connector", "mysql", "file", "mysql-bin.000003", "pos", 900L,
                "row", 1, "server_id", 223344L));
        LogPosition b = LogPosition.ofSource(source("connector", "mysql", "file", "mysql-bin.000004", "pos", 4L,
                "row", 0, "server_id", 223344L));
        LogPosition otherServer = LogPosition.ofSource(source("connector", "mariadb", "file", "mysql-bin.000004",
                "pos", 4L, "row", 0, "server_id", 1L));
        assertTrue(a.compareTo(b) < 0);
        assertFalse(a.comparableTo(otherServer));
        assertFalse(otherServer.isAtOrBefore(b), "another server's log never counts as applied");
    }

    @Test
    void encodedTextSortsLikeThePositions() {
        LogPosition small = LogPosition.of("postgresql", 9, 255);
        LogPosition large = LogPosition.of("postgresql", 10, 1);
        assertTrue(small.encode().compareTo(large.encode()) < 0);
        assertEquals("postgresql@0000000000000009.00000000000000ff", small.encode());
        assertEquals(small, LogPosition.decode(small.encode()));
        assertEquals(LogPosition.of("binlog:1", 3, 4, 5), LogPosition.decode(LogPosition.of("binlog:1", 3, 4, 5).encode()));
        assertNull(LogPosition.decode(null));
        assertThrows(IllegalArgumentException.class, () -> LogPosition.decode("no separator"));
        assertThrows(IllegalArgumentException.class, () -> LogPosition.of("x", -1));
        assertThrows(IllegalArgumentException.class, () -> small.compareTo(LogPosition.of("binlog:1", 1, 2)));
    }

    @Test
    void transactionIdsGroupPerConnectorForm() {
        assertEquals("758", TransactionBlock.xidOf("758:22785288"));
        assertEquals("3e11fa47-71ca-11e1-9e33-c80aa9429562:23", TransactionBlock.xidOf("3e11fa47-71ca-11e1-9e33-c80aa9429562:23"));
        assertEquals("0-1-42", TransactionBlock.xidOf("0-1-42"));
        assertEquals("mysql-bin.000003:1234", TransactionBlock.xidOf("mysql-bin.000003:1234"));
        assertNull(TransactionBlock.xidOf(null));
    }

    @Test
    void endMarkersOrderByTheirIds() {
        TransactionMarker pgEnd = new TransactionMarker(TransactionMarker.Status.END, "758:22785288", 2L, Map.of(), null);
        TransactionMarker pgLaterEnd = new TransactionMarker(TransactionMarker.Status.END, "757:22785400", 1L, Map.of(), null);
        assertTrue(pgEnd.position().compareTo(pgLaterEnd.position()) < 0, "commit order, not txId order");
        TransactionMarker gtid = new TransactionMarker(TransactionMarker.Status.END,
                "3E11FA47-71CA-11E1-9E33-C80AA9429562:23", 1L, Map.of(), null);
        assertEquals(LogPosition.of("gtid:3e11fa47-71ca-11e1-9e33-c80aa9429562", 23), gtid.position());
        TransactionMarker mariadb = new TransactionMarker(TransactionMarker.Status.END, "0-1-42", 1L, Map.of(), null);
        assertEquals(LogPosition.of("gtid:0", 42), mariadb.position());
        assertNull(new TransactionMarker(TransactionMarker.Status.END, "mysql-bin.000003:1234", 1L, Map.of(), null).position());
        TransactionMarker pgBegin = new TransactionMarker(TransactionMarker.Status.BEGIN, "758:22785000", null, Map.of(), null);
        assertFalse(pgBegin.position().comparableTo(pgEnd.position()), "BEGIN and END positions are not one log");
    }
}
