package io.connectdelta.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time spent by the parts of a sink run: this JVM's threads by name, the JVM as a whole, and a PostgreSQL
 * server's processes (its postmaster and every backend, read from /proc: Linux only, 0 elsewhere). CPU time, unlike
 * wall-clock time, barely moves when other processes share the machine.
 */
final class CpuMeter {
    /** Linux's USER_HZ: /proc/[pid]/stat counts CPU time in these ticks. */
    private static final long TICKS_PER_SECOND = 100;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** CPU nanoseconds at one moment: per live thread (id to name and time), the JVM, the PostgreSQL server. */
    record Sample(Map<Long, String> threadNames, Map<Long, Long> threadNanos, long jvmNanos, long postgresNanos,
                  long jitMillis, long gcMillis) {
    }

    private final long postmasterPid;

    /** @param backendPid the pid of any backend of the server (SELECT pg_backend_pid()), or 0 not to measure it */
    CpuMeter(long backendPid) {
        this.postmasterPid = backendPid > 0 ? parentOf(backendPid) : 0;
    }

    Sample sample() {
        Map<Long, String> names = new HashMap<>();
        Map<Long, Long> nanos = new HashMap<>();
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null) {
                long cpu = THREADS.getThreadCpuTime(info.getThreadId());
                if (cpu >= 0) {
                    names.put(info.getThreadId(), info.getThreadName());
                    nanos.put(info.getThreadId(), cpu);
                }
            }
        }
        long gc = 0;
        for (java.lang.management.GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            gc += Math.max(0, collector.getCollectionTime());
        }
        return new Sample(names, nanos, OS.getProcessCpuTime(), postgresNanos(),
                ManagementFactory.getCompilationMXBean().getTotalCompilationTime(), gc);
    }

    /**
     * CPU nanoseconds from {@code before} to {@code after}: for each prefix the threads whose names start with it
     * (threads started in between count from zero; threads that ended in between are lost), then "jvm" and
     * "postgres", and "jit" and "gc": the JVM's accumulated compilation and collection times, which are elapsed
     * times of the compiler and collector (not CPU times: an indication of how much of the rest they take).
     */
    static Map<String, Long> between(Sample before, Sample after, String... threadPrefixes) {
        Map<String, Long> used = new LinkedHashMap<>();
        for (String prefix : threadPrefixes) {
            long sum = 0;
            for (Map.Entry<Long, String> thread : after.threadNames().entrySet()) {
                if (thread.getValue().startsWith(prefix)) {
                    sum += after.threadNanos().get(thread.getKey()) - before.threadNanos().getOrDefault(thread.getKey(), 0L);
                }
            }
            used.put(prefix, sum);
        }
        used.put("jvm", after.jvmNanos() - before.jvmNanos());
        used.put("postgres", after.postgresNanos() - before.postgresNanos());
        used.put("jit", (after.jitMillis() - before.jitMillis()) * 1_000_000);
        used.put("gc", (after.gcMillis() - before.gcMillis()) * 1_000_000);
        return used;
    }

    /** The postmaster's own time, that of its ended children it has reaped, and that of its live children. */
    private long postgresNanos() {
        if (postmasterPid == 0) {
            return 0;
        }
        long ticks = 0;
        long[] postmaster = stat(postmasterPid);
        ticks += postmaster[1] + postmaster[2] + postmaster[3] + postmaster[4];
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Paths.get("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                long[] stat = stat(Long.parseLong(process.getFileName().toString()));
                if (stat[0] == postmasterPid) {
                    ticks += stat[1] + stat[2];
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return ticks * 1_000_000_000L / TICKS_PER_SECOND;
    }

    /** The machine's 1-minute load average (runnable processes, ours and everyone else's), NaN where unknown. */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static long parentOf(long pid) {
        return stat(pid)[0];
    }

    /** {ppid, utime, stime, cutime, cstime} of a process; zeros when it is gone or /proc is not there. */
    private static long[] stat(long pid) {
        try {
            String stat = Files.readString(Paths.get("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may hold spaces: the fields that follow start after its closing parenthesis.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
            return new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[11]), Long.parseLong(fields[12]),
                Long.parseLong(fields[13]), Long.parseLong(fields[14])};
        } catch (IOException | RuntimeException e) {
            return new long[5];
        }
    }
}
