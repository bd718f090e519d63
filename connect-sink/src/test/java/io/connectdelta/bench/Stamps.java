package io.connectdelta.bench;

import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * Latencies in milliseconds and their percentiles. Every stamp of the freshness benchmark is wall-clock time on
 * one machine: PostgreSQL's commit timestamps, Debezium's ts_ms, the Kafka record timestamp and {@link PutStamp}.
 */
final class Stamps {
    private final double[] sorted;
    private final double mean;

    Stamps(double[] millis) {
        sorted = millis.clone();
        Arrays.sort(sorted);
        mean = Arrays.stream(sorted).average().orElse(Double.NaN);
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    int count() {
        return sorted.length;
    }

    double mean() {
        return mean;
    }

    /** The nearest-rank percentile ({@code p} in 0..100); NaN without samples. */
    double percentile(double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    double max() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "n=%d p50=%.0f p95=%.0f p99=%.0f max=%.0f ms", count(), percentile(50),
                percentile(95), percentile(99), max());
    }
}
