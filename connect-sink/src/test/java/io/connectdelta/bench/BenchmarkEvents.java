package io.connectdelta.bench;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Debezium-shaped change events for a 20-column table ({@value #TABLE}), generated deterministically from a seed:
 * ~10% inserts, ~85% updates of 1-3 columns, ~5% deletes, grouped into source transactions of 1-4 events with
 * Debezium's transaction blocks and BEGIN/END markers. Full events carry before and after (REPLICA IDENTITY FULL),
 * so ToDelta can find the changed columns. The generator keeps the final state of every row for verification.
 * <p>
 * With {@code docBytes > 0} the table gains a large text column {@code doc} that updates never touch; updates then
 * carry it as the TOAST placeholder ({@code placeholderDoc}) or its real value.
 */
final class BenchmarkEvents {
    static final String TABLE = "items";
    static final String SERVER = "bench";
    static final String PLACEHOLDER = "__debezium_unavailable_value";
    static final String[] COLUMNS = {"id", "s1", "s2", "s3", "s4", "s5", "s6", "i1", "i2", "i3", "i4", "l1", "l2",
        "d1", "d2", "t1", "t2", "b1", "b2", "f1"};
    static final long SENTINEL_ID = -1L;

    final Schema keySchema;
    final Schema rowSchema;
    final Schema sourceSchema;
    final Schema txSchema;
    final Schema envelopeSchema;
    final Schema markerSchema;
    final Schema markerKeySchema;
    final Schema collectionSchema;

    /** Data events in source order, then the sentinel insert (applying it means everything before it is applied). */
    final List<SourceRecord> events = new ArrayList<>();
    /** BEGIN/END markers for the transaction topic, in source order. */
    final List<SourceRecord> markers = new ArrayList<>();
    /** The final row of every id still alive, without the sentinel. */
    final Map<Long, Struct> finalRows = new LinkedHashMap<>();
    int inserts;
    int updates;
    int deletes;
    /** How many data events (with the sentinel) and transactions there are, also after {@link #forgetRecords()}. */
    int eventCount;
    int transactionCount;

    private final Random random;
    private final int docBytes;
    private final boolean placeholderDoc;
    private final String topic;
    private final String txTopic;
    private long lsn = 1_000_000L;
    private long txId = 1000;
    private long nextId = 1;

    BenchmarkEvents(long seed, int docBytes, boolean placeholderDoc, String topic, String txTopic) {
        this.random = new Random(seed);
        this.docBytes = docBytes;
        this.placeholderDoc = placeholderDoc;
        this.topic = topic;
        this.txTopic = txTopic;
        String prefix = SERVER + ".public." + TABLE;
        keySchema = SchemaBuilder.struct().name(prefix + ".Key").field("id", Schema.INT64_SCHEMA).build();
        SchemaBuilder row = SchemaBuilder.struct().name(prefix + ".Value").optional();
        row.field("id", Schema.INT64_SCHEMA);
        for (int i = 1; i <= 6; i++) {
            row.field("s" + i, Schema.OPTIONAL_STRING_SCHEMA);
        }
        for (int i = 1; i <= 4; i++) {
            row.field("i" + i, Schema.OPTIONAL_INT32_SCHEMA);
        }
        row.field("l1", Schema.OPTIONAL_INT64_SCHEMA).field("l2", Schema.OPTIONAL_INT64_SCHEMA);
        row.field("d1", Decimal.builder(2).parameter("connect.decimal.precision", "12").optional().build());
        row.field("d2", Decimal.builder(2).parameter("connect.decimal.precision", "12").optional().build());
        Schema micro = SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").version(1).optional().build();
        row.field("t1", micro).field("t2", micro);
        row.field("b1", Schema.OPTIONAL_BOOLEAN_SCHEMA).field("b2", Schema.OPTIONAL_BOOLEAN_SCHEMA);
        row.field("f1", Schema.OPTIONAL_FLOAT64_SCHEMA);
        if (docBytes > 0) {
            row.field("doc", Schema.OPTIONAL_STRING_SCHEMA);
        }
        rowSchema = row.build();
        sourceSchema = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
                .field("version", Schema.STRING_SCHEMA).field("connector", Schema.STRING_SCHEMA)
                .field("name", Schema.STRING_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA)
                .field("snapshot", SchemaBuilder.string().optional().defaultValue("false").build())
                .field("db", Schema.STRING_SCHEMA).field("sequence", Schema.OPTIONAL_STRING_SCHEMA)
                .field("schema", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA)
                .field("txId", Schema.OPTIONAL_INT64_SCHEMA).field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
                .field("xmin", Schema.OPTIONAL_INT64_SCHEMA).build();
        txSchema = SchemaBuilder.struct().name("event.block").version(1).optional()
                .field("id", Schema.STRING_SCHEMA).field("total_order", Schema.INT64_SCHEMA)
                .field("data_collection_order", Schema.INT64_SCHEMA).build();
        envelopeSchema = SchemaBuilder.struct().name(prefix + ".Envelope").version(2)
                .field("before", rowSchema).field("after", rowSchema).field("source", sourceSchema)
                .field("transaction", txSchema).field("op", Schema.STRING_SCHEMA)
                .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
        collectionSchema = SchemaBuilder.struct().name("io.debezium.connector.common.TransactionMetadataValue.Collection")
                .field("data_collection", Schema.STRING_SCHEMA).field("event_count", Schema.INT64_SCHEMA).build();
        markerSchema = SchemaBuilder.struct().name("io.debezium.connector.common.TransactionMetadataValue").version(1)
                .field("status", Schema.STRING_SCHEMA).field("id", Schema.STRING_SCHEMA)
                .field("event_count", Schema.OPTIONAL_INT64_SCHEMA)
                .field("data_collections", SchemaBuilder.array(collectionSchema).optional().build())
                .field("ts_ms", Schema.INT64_SCHEMA).build();
        markerKeySchema = SchemaBuilder.struct().name("io.debezium.connector.common.TransactionMetadataKey")
                .field("id", Schema.STRING_SCHEMA).build();
    }

    /** The mixed workload of the throughput benchmark. */
    static BenchmarkEvents mixed(long seed, int count, String topic, String txTopic) {
        BenchmarkEvents events = new BenchmarkEvents(seed, 0, false, topic, txTopic);
        events.generateMixed(count);
        return events;
    }

    /**
     * The write-amplification workload: {@code rows} inserts carrying a {@code docBytes} document, then
     * {@code updates} updates of 1-3 small columns that leave the document alone.
     */
    static BenchmarkEvents toasted(long seed, int rows, int updates, int docBytes, boolean placeholderDoc,
                                   String topic, String txTopic) {
        BenchmarkEvents events = new BenchmarkEvents(seed, docBytes, placeholderDoc, topic, txTopic);
        for (int i = 0; i < rows; i++) {
            events.transaction(1, 0, 0);
        }
        events.loadPhaseEnd = events.events.size();
        for (int i = 0; i < updates; i++) {
            events.transaction(1, 1, 0);
        }
        events.finish();
        return events;
    }

    /** In the toasted workload, the index of the first update event. */
    int loadPhaseEnd;

    private void generateMixed(int count) {
        while (events.size() < count) {
            int size = Math.min(1 + random.nextInt(4), count - events.size());
            transaction(size, -1, -1);
        }
        finish();
    }

    /**
     * One source transaction of {@code size} events. With forcedUpdate 1 every event is an update, with
     * forcedInsert/forcedUpdate 0 every event is an insert; -1 draws the mix.
     */
    private void transaction(int size, int forcedUpdate, int forcedDelete) {
        String tx = Long.toString(txId++);
        long beginLsn = lsn++;
        List<SourceRecord> group = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            double draw = random.nextDouble();
            boolean insert = forcedUpdate == 0 || (forcedUpdate < 0 && (draw < 0.10 || finalRows.size() < 50));
            boolean delete = !insert && forcedUpdate < 0 && draw < 0.15;
            SourceRecord record = insert ? insert(tx, i + 1) : delete ? delete(tx, i + 1) : update(tx, i + 1);
            group.add(record);
        }
        markers.add(marker("BEGIN", tx + ":" + beginLsn, null));
        events.addAll(group);
        markers.add(marker("END", tx + ":" + (lsn++), (long) group.size()));
    }

    private void finish() {
        // The sentinel: a lone insert after everything else.
        Struct sentinel = randomRow(SENTINEL_ID);
        if (docBytes > 0) {
            // Small, so that the sentinel adds nothing worth counting to the write-amplification figures.
            sentinel.put("doc", "sentinel");
        }
        Struct value = envelope(null, sentinel, "c", null, 0);
        events.add(record(SENTINEL_ID, value));
        eventCount = events.size();
        transactionCount = markers.size() / 2;
    }

    /**
     * A second sentinel, a lone insert of {@code id} (negative, not a row of the model): for a topic of several
     * partitions, whose every partition must end with a sentinel of its own.
     */
    SourceRecord sentinel(long id) {
        Struct row = randomRow(id);
        if (docBytes > 0) {
            row.put("doc", "sentinel");
        }
        return record(id, envelope(null, row, "c", null, 0));
    }

    /**
     * Drops the records once they are on their topics: what remains (the final rows) is what the checks need, and
     * the sinks are measured in a JVM that does not hold hundreds of megabytes of test data for its collector to
     * walk.
     */
    void forgetRecords() {
        events.clear();
        markers.clear();
    }

    private SourceRecord insert(String tx, long order) {
        long id = nextId++;
        Struct row = randomRow(id);
        finalRows.put(id, row);
        inserts++;
        return record(id, envelope(null, row, "c", tx, order));
    }

    private SourceRecord update(String tx, long order) {
        long id = randomLiveId();
        Struct before = finalRows.get(id);
        Struct after = copy(before);
        int changes = 1 + random.nextInt(3);
        for (int c = 0; c < changes; c++) {
            String column = COLUMNS[1 + random.nextInt(COLUMNS.length - 1)];
            after.put(column, randomValue(column));
        }
        finalRows.put(id, after);
        updates++;
        if (docBytes > 0 && placeholderDoc) {
            // REPLICA IDENTITY DEFAULT: no before, and the untouched TOASTed column is a placeholder.
            Struct emitted = copy(after).put("doc", PLACEHOLDER);
            return record(id, envelope(null, emitted, "u", tx, order));
        }
        return record(id, envelope(before, after, "u", tx, order));
    }

    private SourceRecord delete(String tx, long order) {
        long id = randomLiveId();
        Struct before = finalRows.remove(id);
        deletes++;
        return record(id, envelope(before, null, "d", tx, order));
    }

    private long randomLiveId() {
        // Ids are dense enough that a few tries find a live one.
        while (true) {
            long id = 1 + (long) (random.nextDouble() * (nextId - 1));
            if (finalRows.containsKey(id)) {
                return id;
            }
        }
    }

    private Struct randomRow(long id) {
        Struct row = new Struct(rowSchema).put("id", id);
        for (int i = 1; i < COLUMNS.length; i++) {
            row.put(COLUMNS[i], randomValue(COLUMNS[i]));
        }
        if (docBytes > 0) {
            row.put("doc", randomText(docBytes));
        }
        return row;
    }

    private Object randomValue(String column) {
        switch (column.charAt(0)) {
            case 's': return random.nextInt(20) == 0 ? null : randomText(16 + random.nextInt(24));
            case 'i': return random.nextInt(1_000_000);
            case 'l': return random.nextLong() >> 8;
            case 'd': return BigDecimal.valueOf(random.nextInt(100_000_000), 2);
            case 't': return 1_700_000_000_000_000L + (random.nextLong() & 0xFFFFFFFFFFL);
            case 'b': return random.nextBoolean();
            case 'f': return random.nextInt(1_000_000) / 64.0;
            default: throw new IllegalArgumentException(column);
        }
    }

    private String randomText(int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(chars);
    }

    private Struct copy(Struct row) {
        Struct copy = new Struct(rowSchema);
        for (org.apache.kafka.connect.data.Field field : rowSchema.fields()) {
            copy.put(field, row.get(field));
        }
        return copy;
    }

    private Struct envelope(Struct before, Struct after, String op, String tx, long order) {
        long position = lsn++;
        Struct source = new Struct(sourceSchema).put("version", "3.7.0.Final").put("connector", "postgresql")
                .put("name", SERVER).put("ts_ms", 1_763_700_000_000L + position).put("snapshot", "false")
                .put("db", "source").put("sequence", "[null,\"" + position + "\"]").put("schema", "public")
                .put("table", TABLE).put("txId", tx == null ? null : Long.parseLong(tx)).put("lsn", position);
        Struct value = new Struct(envelopeSchema).put("before", before).put("after", after).put("source", source)
                .put("op", op).put("ts_ms", 1_763_700_000_000L + position);
        if (tx != null) {
            value.put("transaction", new Struct(txSchema).put("id", tx + ":" + position).put("total_order", order)
                    .put("data_collection_order", order));
        }
        return value;
    }

    private SourceRecord record(long id, Struct value) {
        return new SourceRecord(Map.of("server", SERVER), Map.of("lsn", lsn), topic, 0, keySchema,
                new Struct(keySchema).put("id", id), envelopeSchema, value);
    }

    private SourceRecord marker(String status, String id, Long count) {
        Struct value = new Struct(markerSchema).put("status", status).put("id", id).put("ts_ms", 1_763_700_000_000L);
        if (count != null) {
            value.put("event_count", count);
            value.put("data_collections", List.of(new Struct(collectionSchema)
                    .put("data_collection", "public." + TABLE).put("event_count", count)));
        }
        return new SourceRecord(Map.of("server", SERVER), Map.of("lsn", lsn), txTopic, 0, markerKeySchema,
                new Struct(markerKeySchema).put("id", id), markerSchema, value);
    }

    /** Column definitions for PostgreSQL, in column order. */
    String postgresColumns() {
        Map<Character, String> types = new HashMap<>();
        types.put('s', "VARCHAR(64)");
        types.put('i', "INTEGER");
        types.put('l', "BIGINT");
        types.put('d', "NUMERIC(12,2)");
        types.put('t', "TIMESTAMP(6)");
        types.put('b', "BOOLEAN");
        types.put('f', "DOUBLE PRECISION");
        StringBuilder sb = new StringBuilder("\"id\" BIGINT NOT NULL PRIMARY KEY");
        for (int i = 1; i < COLUMNS.length; i++) {
            sb.append(", \"").append(COLUMNS[i]).append("\" ").append(types.get(COLUMNS[i].charAt(0)));
        }
        if (docBytes > 0) {
            sb.append(", \"doc\" TEXT");
        }
        return sb.toString();
    }
}
