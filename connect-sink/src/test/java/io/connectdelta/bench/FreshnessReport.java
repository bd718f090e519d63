package io.connectdelta.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The freshness section of docs/benchmarks.md and its chart (docs/benchmarks-freshness.svg). */
final class FreshnessReport {
    static final String CHART = "benchmarks-freshness.svg";
    /** The goal: p99 at most this at half the maximum rate. */
    static final double GOAL_P99_MS = 1000;
    private static final String GOAL_RATE = "50% of max";

    private FreshnessReport() {
    }

    static String chart(FreshnessBenchmark.Section section) {
        List<String> labels = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (FreshnessBenchmark.Result result : section.results()) {
            labels.add(result.variant().label() + ", " + result.rateName());
            values.add(result.latency().percentile(99));
        }
        return Chart.bars("Freshness: p99 ms from source commit to target commit", labels, values);
    }

    static String markdown(FreshnessBenchmark.Section section) {
        StringBuilder md = new StringBuilder("## 5. Freshness\n\n");
        md.append(String.format(Locale.ROOT, "How long after its commit in the source a change is visible in the target. "
                + "A real Debezium PostgreSQL source (pgoutput, transaction metadata, `poll.interval.ms=%d` as in "
                + "config-examples, except p) captures a 12-column table into which two connections commit at a fixed, "
                + "steady rate, for %d s per rate after a warm-up: transactions of 1-4 changes, ~30%% inserts, ~70%% "
                + "updates of 2-4 columns. Latency = commit timestamp of the target transaction that wrote the change "
                + "minus commit timestamp of the source transaction (PostgreSQL's track_commit_timestamp, both in one "
                + "server, so one clock); measured for every row's last change in the phase. The rates are a low one "
                + "and 25%%, 50%% and 80%% of the maximum, %,.0f events/s (sink a's median in section 1, or the "
                + "bench.freshness.max.rate given). The source, the worker, the broker and both databases share the "
                + "machine's cores: where a phase committed less than its rate, the generator could not keep up and "
                + "the pipeline ran at the rate shown. Each sink runs with its section-1 settings.\n\n",
                FreshnessBenchmark.RECOMMENDED_POLL_INTERVAL_MS, section.perRate().toSeconds(), section.maximum()));
        md.append("| sink | rate | changes/s target | changes/s committed | changes measured | p50 ms | p95 ms | p99 ms "
                + "| max ms | rows differing |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (FreshnessBenchmark.Result r : section.results()) {
            Stamps l = r.latency();
            md.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %,.0f | %,d | %,.0f | %,.0f | %,.0f | %,.0f | %d |\n",
                    r.variant().label(), r.rateName(), r.targetRate(), r.phase().achievedRate(), l.count(),
                    l.percentile(50), l.percentile(95), l.percentile(99), l.max(), r.rowsDiffering()));
        }
        md.append("\n![Freshness](").append(CHART).append(")\n\n");
        md.append(String.format(Locale.ROOT, "Goal: p99 ≤ %.0f ms at %s.", GOAL_P99_MS, GOAL_RATE));
        for (FreshnessBenchmark.Result r : section.results()) {
            if (r.rateName().equals(GOAL_RATE)) {
                double p99 = r.latency().percentile(99);
                md.append(String.format(Locale.ROOT, " %s: %,.0f ms (%s).", r.variant().label(), p99,
                        p99 <= GOAL_P99_MS ? "met" : "**not met**"));
            }
        }
        md.append("\n\n### Where the time goes\n\n")
                .append("Each measured change split by the stamps on its way: Debezium's `ts_ms` (its streaming thread "
                        + "made the event), the Kafka record timestamp (the source task's producer got it), the time the "
                        + "sink's worker had converted it (a stamping transform first in the sink's chain, just before "
                        + "put()), and the target commit. Mean and p99 in ms per stage; the means add up to the mean "
                        + "latency.\n\n| sink | rate | mean latency |");
        for (String stage : FreshnessBenchmark.STAGES) {
            md.append(' ').append(stage).append(" |");
        }
        md.append("\n|---|---|---|").append("---|".repeat(FreshnessBenchmark.STAGES.length)).append('\n');
        for (FreshnessBenchmark.Result r : section.results()) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %,.0f |", r.variant().label(), r.rateName(), r.latency().mean()));
            for (Stamps stage : r.stages()) {
                md.append(String.format(Locale.ROOT, " %,.0f (p99 %,.0f) |", stage.mean(), stage.percentile(99)));
            }
            md.append('\n');
        }
        return md.append('\n').toString();
    }
}
