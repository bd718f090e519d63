package io.connectdelta.bench;

import java.util.Locale;

/** The scaling section of docs/benchmarks.md: the measured runs and what their per-event costs say about more cores. */
final class ScalingReport {
    /** The larger worker the report reasons about. */
    static final int LARGER_WORKER_CORES = 8;
    static final int CLUSTER_WORKERS = 3;

    private ScalingReport() {
    }

    static String markdown(ScalingBenchmark.Section section) {
        StringBuilder md = new StringBuilder("## 6. Scaling out (plain mode, tasks.max 1 and 2)\n\n");
        md.append(String.format(Locale.ROOT, "Sink a (full events) on a topic of %d partitions holding the section-1 "
                + "workload (%,d events) keyed by row, so each row's changes stay in order in one partition, with tasks.max 1 "
                + "and 2, alternating which runs first. Timed as in section 1. CPU per event, measured during each run "
                + "(CPU time, which other processes on the machine move far less than wall-clock time): the task threads "
                + "(consumer fetch, JsonConverter, SinkRecords, put), our writer threads (plan, JDBC, commit), the rest of "
                + "the JVM (the broker, the JIT compiler, GC, consumer heartbeats) and the PostgreSQL server (all its "
                + "processes). Cores busy = events/s × CPU per event; the load average (1 minute, every runnable process "
                + "on the machine) shows how much else ran.\n\n",
                ScalingBenchmark.PARTITIONS, section.events()));
        md.append("| tasks.max | events/s per run | median events/s | rows differing | CPU µs/event: task threads | writer "
                + "threads | rest of the JVM | PostgreSQL | total | cores busy | load average |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (int tasks = 1; tasks <= ScalingBenchmark.PARTITIONS; tasks++) {
            StringBuilder each = new StringBuilder();
            long differing = 0;
            for (ScalingBenchmark.Run run : section.runsOf(tasks)) {
                each.append(each.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%,.0f", run.eventsPerSecond()));
                differing += run.rowsDiffering();
            }
            md.append(String.format(Locale.ROOT, "| %d | %s | %,.0f | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %.1f |\n",
                    tasks, each, section.median(tasks, ScalingBenchmark.Run::eventsPerSecond), differing,
                    section.median(tasks, ScalingBenchmark.Run::taskMicros), section.median(tasks, ScalingBenchmark.Run::writerMicros),
                    section.median(tasks, ScalingBenchmark.Run::restOfJvmMicros),
                    section.median(tasks, ScalingBenchmark.Run::postgresMicros),
                    section.median(tasks, ScalingBenchmark.Run::totalMicros), section.median(tasks, ScalingBenchmark.Run::coresBusy),
                    section.median(tasks, ScalingBenchmark.Run::loadAverage)));
        }
        md.append(String.format(Locale.ROOT, "\nEach column is the median over the runs on its own. Of the rest of the "
                + "JVM, with tasks.max=1: JIT %.1f µs and GC %.1f µs per event (the compiler's and collector's elapsed "
                + "time).\n\n", section.median(1, ScalingBenchmark.Run::jitMicros), section.median(1, ScalingBenchmark.Run::gcMicros)));
        double one = section.median(1, ScalingBenchmark.Run::eventsPerSecond);
        double two = section.median(2, ScalingBenchmark.Run::eventsPerSecond);
        double decode = section.median(1, ScalingBenchmark.Run::taskMicros);
        double write = section.median(1, ScalingBenchmark.Run::writerMicros);
        double rest = section.median(1, ScalingBenchmark.Run::restOfJvmMicros);
        double database = section.median(1, ScalingBenchmark.Run::postgresMicros);
        double total = decode + write + rest + database;
        double slowerThread = Math.max(decode, write);
        double coresPerTask = (decode + write) / slowerThread;
        int tasksPerWorker = (int) Math.ceil(LARGER_WORKER_CORES / coresPerTask);
        double workerLow = LARGER_WORKER_CORES * 1e6 / (decode + write + rest);
        double workerHigh = LARGER_WORKER_CORES * 1e6 / (decode + write);
        md.append(String.format(Locale.ROOT, "Medians: tasks.max=2 / tasks.max=1 = %.2f. JsonConverter's decode of the "
                + "same events' keys and values (%,.0f bytes per event, schemas on), measured alone: %.1f µs per event, "
                + "of the task thread's %.1f.\n\n", two / one, section.eventBytes(), section.decodeMicros(), decode));
        md.append(String.format(Locale.ROOT, "**What that says about more cores** (on paper, from the medians of the "
                + "tasks.max=1 runs: task thread D = %.1f µs per event, writer W = %.1f µs, rest of the JVM R = %.1f µs, "
                + "PostgreSQL P = %.1f µs; %.1f µs in all). On this machine everything shares two cores with whatever "
                + "else runs: the runs kept %.2f (tasks.max=1) and %.2f (tasks.max=2) of the 2 cores busy. A second task "
                + "brings a second task thread and writer but no core: what it gains here is CPU the first task left idle "
                + "or, on a busy machine, a larger share against the other processes' threads. A task runs its two threads as a pipeline (the task thread decodes the next records "
                + "while the writer writes), so one task is bound by the slower of them, about 1/max(D, W) = %,.0f "
                + "events/s, and keeps (D + W)/max(D, W) = %.1f cores busy. A worker with %d cores of its own (broker and "
                + "database on other hosts) spends D + W per event plus its share of R (GC and JIT are its own, the broker "
                + "is not): %,.0f to %,.0f events/s, with %d or more tasks and as many partitions, if the database keeps "
                + "up: at P per event that takes %.1f to %.1f database cores (its I/O aside). A cluster of %d such workers "
                + "spreads the tasks (tasks.max and partitions at least %d) and reaches up to %,.0f to %,.0f events/s, "
                + "needing %.1f to %.1f database cores: past one or two workers the target database, not Connect, is the "
                + "bound. Rows never contend: a row's changes all go to one partition and so to one task. These are this "
                + "workload's costs; transaction mode stays at tasks.max=1 (a source transaction spans the partitions), "
                + "and delta events cost less to decode and write (section 1, b against a).\n\n",
                decode, write, rest, database, total, section.median(1, ScalingBenchmark.Run::coresBusy),
                section.median(2, ScalingBenchmark.Run::coresBusy), 1e6 / slowerThread, coresPerTask, LARGER_WORKER_CORES,
                workerLow, workerHigh, tasksPerWorker, workerLow * database / 1e6, workerHigh * database / 1e6,
                CLUSTER_WORKERS, CLUSTER_WORKERS * tasksPerWorker, CLUSTER_WORKERS * workerLow, CLUSTER_WORKERS * workerHigh,
                CLUSTER_WORKERS * workerLow * database / 1e6, CLUSTER_WORKERS * workerHigh * database / 1e6));
        return md.toString();
    }
}
