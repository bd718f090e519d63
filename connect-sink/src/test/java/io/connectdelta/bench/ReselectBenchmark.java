package io.connectdelta.bench;

import io.connectdelta.sink.support.QueryCountingProxy;
import io.connectdelta.sink.support.TaskHarness;
import io.connectdelta.sink.support.TestDeltaEncoder;
import io.connectdelta.testing.TestDatabase;
import io.connectdelta.transforms.Reselect;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Id-only events made full by the sink's re-select (one query per table and write) against the Reselect transform
 * (one query per event) followed by the same sink, on the same events: a real sink task against PostgreSQL, the
 * source's queries counted on the wire by a proxy, which can also add a latency to every round trip (a source
 * across a network). Each variant writes a table of its own, and every target must end equal to the source.
 */
final class ReselectBenchmark {
    static final int BATCH_SIZE = 1000;
    /** What the worker hands one put by default (max.poll.records). */
    static final int PUT_SIZE = 500;
    private static final Schema KEY = SchemaBuilder.struct().name("bench.public.reselect.Key")
            .field("id", Schema.INT32_SCHEMA).build();
    private static final Schema ROW = SchemaBuilder.struct().name("bench.public.reselect.Value")
            .field("id", Schema.INT32_SCHEMA).field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("qty", Schema.OPTIONAL_INT32_SCHEMA).field("note", Schema.OPTIONAL_STRING_SCHEMA).build();

    /** One variant's run: its events, seconds, source queries and rows differing from the source. */
    /** One variant at one latency: its runs' events/s, the most source queries and rows differing of a run. */
    record Result(String variant, long latencyMillis, int events, List<Double> eventsPerSecondPerRun, long queries,
                  long rowsDiffering) {
        double eventsPerSecond() {
            List<Double> sorted = new ArrayList<>(eventsPerSecondPerRun);
            Collections.sort(sorted);
            return sorted.get(sorted.size() / 2);
        }

        double queriesPerEvent() {
            return (double) queries / events;
        }

        Result plus(Result run) {
            List<Double> runs = new ArrayList<>(eventsPerSecondPerRun);
            runs.addAll(run.eventsPerSecondPerRun);
            return new Result(variant, latencyMillis, events, runs, Math.max(queries, run.queries),
                    Math.max(rowsDiffering, run.rowsDiffering));
        }
    }

    /** The section: every variant without and with the added latency. */
    record Section(List<Result> results) {
        Result find(String variant, long latency) {
            return results.stream().filter(r -> r.variant.equals(variant) && r.latencyMillis == latency).findFirst()
                    .orElse(null);
        }
    }

    static final String SINK = "sink re-select";
    static final String TRANSFORM_CACHE = "Reselect transform, cache on";
    static final String TRANSFORM_NO_CACHE = "Reselect transform, cache off";

    private final TestDatabase db;
    private int tables;

    ReselectBenchmark(EmbeddedPostgres postgres) {
        this.db = new TestDatabase("postgresql", "localhost", postgres.getPort(), "postgres", "postgres", "postgres",
                "benchmark");
    }

    /**
     * Runs every variant {@code runs} times in rotated order on {@code events} events, then again on {@code
     * latencyEvents} with {@code latency} ms; reports the median of each.
     */
    Section run(int events, int latencyEvents, long latency, int runs) {
        String source = "reselect_source";
        db.execute("DROP TABLE IF EXISTS " + source, "CREATE TABLE " + source
                        + " (id INT PRIMARY KEY, name TEXT, qty INT, note TEXT)",
                "INSERT INTO " + source + " SELECT i, 'name ' || i, i % 97, repeat('x', 100) FROM generate_series(1, "
                        + Math.max(events, latencyEvents) + ") i");
        List<String> variants = List.of(SINK, TRANSFORM_CACHE, TRANSFORM_NO_CACHE);
        // Warm-up: the JIT compiles what every variant runs, so that the first one measured is not penalised.
        for (String variant : variants) {
            runOne(variant, source, Math.min(events, 2000), 0);
        }
        List<Result> results = new ArrayList<>();
        for (long delay : latency > 0 ? new long[] {0, latency} : new long[] {0}) {
            int n = delay == 0 ? events : latencyEvents;
            Map<String, Result> byVariant = new LinkedHashMap<>();
            for (int run = 0; run < runs; run++) {
                for (int i = 0; i < variants.size(); i++) {
                    // Rotated: a machine that slows down during a round does not always hit the same variant.
                    String variant = variants.get((i + run) % variants.size());
                    Result result = runOne(variant, source, n, delay);
                    BenchmarkMain.log("  %-32s latency %d ms run %d: %,8.0f events/s, %.4f source queries per event "
                                    + "(%d rows differ)", variant, delay, run + 1, result.eventsPerSecond(),
                            result.queriesPerEvent(), result.rowsDiffering());
                    byVariant.merge(variant, result, Result::plus);
                }
            }
            for (String variant : variants) {
                results.add(byVariant.get(variant));
            }
        }
        return new Section(results);
    }

    private Result runOne(String variant, String source, int events, long latency) {
        String table = "reselect_target_" + (++tables);
        db.execute("DROP TABLE IF EXISTS " + table, "CREATE TABLE " + table
                + " (id INT PRIMARY KEY, name TEXT, qty INT, note TEXT)");
        // Every event names the source table in its source block; the target is chosen by topic.
        TestDeltaEncoder encoder = new TestDeltaEncoder(table, source, KEY, ROW);
        List<SinkRecord> records = new ArrayList<>(events);
        for (int id = 1; id <= events; id++) {
            records.add(encoder.idOnlyEvent("u", encoder.row("id", id)));
        }
        try (QueryCountingProxy proxy = new QueryCountingProxy(db, source)) {
            proxy.latency(latency);
            Map<String, String> config = TaskHarness.baseConfig(db, "bench-reselect-" + table);
            config.put("batch.size", String.valueOf(BATCH_SIZE));
            Reselect<SinkRecord> transform = null;
            if (variant.equals(SINK)) {
                config.put("reselect.connection.url", proxy.jdbcUrl());
                config.put("reselect.connection.username", db.user());
                config.put("reselect.connection.password", db.password());
                config.put("reselect.table.name.format", source);
            } else {
                transform = new Reselect<>();
                Map<String, String> transformConfig = new HashMap<>();
                transformConfig.put("connection.url", proxy.jdbcUrl());
                transformConfig.put("connection.username", db.user());
                transformConfig.put("connection.password", db.password());
                transformConfig.put("table.name.format", source);
                if (variant.equals(TRANSFORM_NO_CACHE)) {
                    transformConfig.put("cache.max.entries", "0");
                }
                transform.configure(transformConfig);
            }
            long started = System.nanoTime();
            try (TaskHarness task = new TaskHarness(config, table)) {
                for (int from = 0; from < records.size(); from += PUT_SIZE) {
                    List<SinkRecord> put = records.subList(from, Math.min(records.size(), from + PUT_SIZE));
                    if (transform != null) {
                        List<SinkRecord> transformed = new ArrayList<>(put.size());
                        for (SinkRecord record : put) {
                            transformed.add(transform.apply(record));
                        }
                        put = transformed;
                    }
                    task.task().put(put);
                }
                task.putAndCommit(List.of());
            } finally {
                if (transform != null) {
                    transform.close();
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long differing = TaskHarness.query(db, "SELECT count(*) AS n FROM " + source + " s FULL JOIN " + table
                    + " t ON t.id = s.id WHERE s.id <= " + events + " AND (t.id IS NULL OR (s.name, s.qty, s.note) "
                    + "IS DISTINCT FROM (t.name, t.qty, t.note)) OR (s.id IS NULL)").stream()
                    .mapToLong(r -> ((Number) r.get("n")).longValue()).sum();
            return new Result(variant, latency, events, List.of(events / seconds), proxy.queries(), differing);
        }
    }

    /** The report's section 7. */
    static String markdown(Section section) {
        StringBuilder md = new StringBuilder("## 7. Re-select: the sink's batches against the Reselect transform\n\n")
                .append("The same id-only update events, of rows that exist in the source, made full and written to ")
                .append("PostgreSQL by (1) the sink's re-select (`reselect.connection.url`, batch.size ")
                .append(BATCH_SIZE).append(", puts of ").append(PUT_SIZE).append(" records as the worker's default ")
                .append("max.poll.records) and (2) the Reselect transform, then the same sink. A real sink task, no ")
                .append("Connect worker (the transform's cost is what it adds per record); source and target are one ")
                .append("local PostgreSQL server. Source queries are counted on the wire by a proxy in front of the ")
                .append("source, which also adds the stated latency to every round trip from the client (a source ")
                .append("across a network). The transform's cache cannot help here: every event is a key not seen ")
                .append("before.\n\n")
                .append("Each variant ran ").append(section.results().get(0).eventsPerSecondPerRun().size())
                .append(" times, in rotated order; the ratios are of medians.\n\n")
                .append("| variant | latency per round trip | events | events/s per run | median events/s | source queries per event | rows differing |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (Result r : section.results()) {
            StringBuilder perRun = new StringBuilder();
            for (double rate : r.eventsPerSecondPerRun()) {
                perRun.append(perRun.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%,.0f", rate));
            }
            md.append(String.format(Locale.ROOT, "| %s | %d ms | %,d | %s | %,.0f | %.4f | %d |\n", r.variant(),
                    r.latencyMillis(), r.events(), perRun, r.eventsPerSecond(), r.queriesPerEvent(),
                    r.rowsDiffering()));
        }
        md.append('\n');
        for (long latency : section.results().stream().mapToLong(Result::latencyMillis).distinct().toArray()) {
            Result sink = section.find(SINK, latency);
            Result transform = section.find(TRANSFORM_CACHE, latency);
            double ratio = sink.eventsPerSecond() / transform.eventsPerSecond();
            md.append(String.format(Locale.ROOT, "- Latency %d ms: sink / transform (cache on) = %.2f× median events/s "
                            + "(goal ≥ 5×: %s); sink queries per event %.4f (goal ≤ 0.01: %s).\n", latency, ratio,
                    ratio >= 5 ? "met" : "**not met**", sink.queriesPerEvent(),
                    sink.queriesPerEvent() <= 0.01 ? "met" : "**not met**"));
        }
        return md.toString();
    }
}
