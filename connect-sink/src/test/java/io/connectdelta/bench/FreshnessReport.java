package io.connectdelta.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The freshness section of docs/benchmarks.md and its chart (docs/benchmarks-freshness.svg). */
final class FreshnessReport {
    static final String CHART = "benchmarks-freshness.svg";
    /** The goal: p99 at most this at half the maximum rate. */
    static final double GOAL_P99_MS = 1000;
    static final String GOAL_RATE = "50% of max";

    private FreshnessReport() {
    }

    static String chart(FreshnessBenchmark.Section section) {
        List<String> labels = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        for (FreshnessBenchmark.Result result : section.results()) {
            if (result.rateName().equals(FreshnessBenchmark.BURST)) {
                // Its latencies are the backlog the burst built: on the same scale they would flatten the others.
                continue;
            }
            labels.add(result.variant().label() + ", " + result.rateName()
                    + String.format(Locale.ROOT, " (%,.0f/s)", result.phase().achievedRate()));
            p50.add(result.latency().percentile(50));
            p99.add(result.latency().percentile(99));
        }
        return Chart.pairedBars("Freshness: source commit to target commit", "ms", labels, p50, p99, "p50", "p99",
                GOAL_P99_MS);
    }

    static String markdown(FreshnessBenchmark.Section section) {
        StringBuilder md = new StringBuilder("## 5. Freshness\n\n");
        FreshnessBenchmark.Rates rates = section.rates();
        String maximum = Double.isNaN(rates.fixedMaximum())
                ? String.format(Locale.ROOT, "what the whole pipeline sustained in a %d s burst (the generator committing "
                        + "as fast as it can; changes committed over the time until the target held every one), measured "
                        + "for each sink after an unthrottled warm-up; the burst's own changes are measured too (rows "
                        + "\"burst\": their latency is the backlog the burst built)", rates.burst().toSeconds())
                : String.format(Locale.ROOT, "%,.0f changes/s, given (bench.freshness.max.rate)", rates.fixedMaximum());
        md.append(String.format(Locale.ROOT, "How long after its commit in the source a change is visible in the target. "
                + "A real Debezium PostgreSQL source (pgoutput, transaction metadata, `poll.interval.ms=%d` as in "
                + "config-examples, except p) captures a 12-column table into which two connections commit at a fixed, "
                + "steady rate, for %d s per rate after a warm-up: transactions of 1-4 changes, ~30%% inserts, ~70%% "
                + "updates of 2-4 columns. Latency = commit timestamp of the target transaction that wrote the change "
                + "minus commit timestamp of the source transaction (PostgreSQL's track_commit_timestamp, both in one "
                + "server, so one clock); measured for every row's last change in the phase. The rates are a low one "
                + "(%,.0f changes/s) and 25%%, 50%% and 80%% of the maximum: %s. ",
                FreshnessBenchmark.RECOMMENDED_POLL_INTERVAL_MS, section.perRate().toSeconds(), rates.low(), maximum));
        if (!Double.isNaN(section.sinkMaximum())) {
            md.append(String.format(Locale.ROOT, "Sink a alone applied %,.0f events/s in section 1, with the machine to "
                    + "itself; here the generator, the source database, Debezium, the broker, the worker, the sink and the "
                    + "target share the same cores, so the pipeline's maximum is what the rates are shares of. ",
                    section.sinkMaximum()));
        }
        md.append("Where a phase committed less than its rate, the generator could not keep up and the pipeline ran at "
                + "the rate shown. Each sink runs with its section-1 settings. The load average (1 minute, every runnable "
                + "process on the machine, at the end of the phase) shows how much else ran on the 2 cores.\n\n");
        md.append("| sink | rate | maximum changes/s | changes/s target | changes/s committed | changes measured | p50 ms "
                + "| p95 ms | p99 ms | max ms | rows differing | load average |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (FreshnessBenchmark.Result r : section.results()) {
            Stamps l = r.latency();
            String target = Double.isInfinite(r.targetRate()) ? "unthrottled" : String.format(Locale.ROOT, "%,.0f", r.targetRate());
            md.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %s | %,.0f | %,d | %,.0f | %,.0f | %,.0f | %,.0f | %d | %.1f |\n",
                    r.variant().label(), r.rateName(), r.maximum(), target, r.phase().achievedRate(), l.count(),
                    l.percentile(50), l.percentile(95), l.percentile(99), l.max(), r.rowsDiffering(), r.loadAverage()));
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
        md.append('\n').append(largestStages(section)).append(burstCpu(section));
        return md.append('\n').toString();
    }

    /** Where the CPU went during each sink's burst. */
    private static String burstCpu(FreshnessBenchmark.Section section) {
        StringBuilder md = new StringBuilder();
        for (FreshnessBenchmark.Result r : section.results()) {
            if (r.burstCpu() == null) {
                continue;
            }
            if (md.length() == 0) {
                md.append("\nCPU during each burst, from its start until the target held every change (thread CPU time, "
                        + "and /proc for PostgreSQL), in µs per change; cores busy = all of it over the burst's wall-clock "
                        + "time, of the machine's 2. JIT and GC: the compiler's and collector's elapsed time per change, "
                        + "part of the rest of the JVM:\n\n| sink | changes/s sustained |");
                for (String part : FreshnessBenchmark.BURST_PARTS) {
                    md.append(' ').append(part).append(" |");
                }
                md.append(" total | cores busy | JIT | GC |\n|---|---|").append("---|".repeat(FreshnessBenchmark.BURST_PARTS.length))
                        .append("---|---|---|---|\n");
            }
            md.append(String.format(Locale.ROOT, "| %s | %,.0f |", r.variant().label(), r.maximum()));
            double total = 0;
            for (double micros : r.burstCpu().micros()) {
                md.append(String.format(Locale.ROOT, " %.0f |", micros));
                total += micros;
            }
            md.append(String.format(Locale.ROOT, " %.0f | %.2f | %.0f | %.0f |\n", total, r.burstCpu().coresBusy(),
                    r.burstCpu().jitMicros(), r.burstCpu().gcMicros()));
        }
        return md.toString();
    }

    /** For every sink, the stage with the largest mean at the goal's rate and in the burst (where its backlog queued). */
    private static String largestStages(FreshnessBenchmark.Section section) {
        StringBuilder text = new StringBuilder();
        for (FreshnessBenchmark.Result r : section.results()) {
            if (!r.rateName().equals(GOAL_RATE) && !r.rateName().equals(FreshnessBenchmark.BURST)) {
                continue;
            }
            int largest = 0;
            for (int stage = 1; stage < r.stages().length; stage++) {
                if (r.stages()[stage].mean() > r.stages()[largest].mean()) {
                    largest = stage;
                }
            }
            text.append(String.format(Locale.ROOT, "%s, %s: the largest stage is %s, %,.0f of %,.0f ms on average.\n",
                    r.variant().label(), r.rateName(), FreshnessBenchmark.STAGES[largest], r.stages()[largest].mean(),
                    r.latency().mean()));
        }
        return text.length() == 0 ? "" : "The largest stage, from the table above:\n\n" + text.toString().lines()
                .map(line -> "- " + line).reduce("", (a, b) -> a + b + "\n");
    }
}
