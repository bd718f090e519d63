package io.connectdelta.bench;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReportSectionsTest {

    @Test
    void aPartialRunReplacesTheSectionsItMeasuredAndKeepsTheOthersMarkedWithTheirRunsDate() {
        String previous = "# Benchmarks\n\nold intro\n\n## Machine\n\n- Date: 2026-12-01\n\n## 1. Sink throughput\n\nold one\n\n"
                + "## 2. Write amplification\n\nold two\n\n## 5. Freshness\n\nold five\n";
        String current = "# Benchmarks\n\nnew intro\n\n## Machine\n\n- Date: 2026-12-05\n\n## 1. Sink throughput\n\nempty\n\n"
                + "## 5. Freshness\n\nnew five\n\n## 6. Scaling out\n\nnew six\n";

        String merged = ReportSections.merge(previous, current, Set.of("5", "6"));

        assertEquals("# Benchmarks\n\nnew intro\n\n## Machine\n\n- Date: 2026-12-05\n\n"
                + "## 1. Sink throughput\n\n*From the run of 2026-12-01: this run did not repeat this section.*\n\nold one\n\n"
                + "## 2. Write amplification\n\n*From the run of 2026-12-01: this run did not repeat this section.*\n\nold two\n\n"
                + "## 5. Freshness\n\nnew five\n\n## 6. Scaling out\n\nnew six\n", merged);
        assertEquals(merged, ReportSections.merge(merged, current.replace("2026-12-05", "2026-12-06"), Set.of("5", "6"))
                .replace("2026-12-06", "2026-12-05"), "a kept section keeps the date of its own run");
    }
}
