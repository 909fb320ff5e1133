package dev.ferry.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The live state of one run; {@link #snapshot()} freezes it into a {@link RunInfo}. Written by the engine thread only. */
final class RunTracker {
    private final String runId;
    private final SyncJob job;
    private final Clock clock;
    private final Instant startedAt;
    private volatile Phase phase = Phase.PLANNING;
    private volatile RunStatus status = RunStatus.RUNNING;
    private volatile Counters counters = Counters.ZERO;
    private volatile long readThisRun;
    private volatile Instant writingSince;
    private volatile Optional<Instant> finishedAt = Optional.empty();
    private volatile Optional<String> message = Optional.empty();
    private volatile Optional<String> error = Optional.empty();
    private volatile Optional<String> resumedFrom = Optional.empty();
    final Map<String, Object> stats = new ConcurrentHashMap<>();

    RunTracker(String runId, SyncJob job, Clock clock) {
        this.runId = runId;
        this.job = job;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    String runId() {
        return runId;
    }

    void phase(Phase p) {
        if (p == Phase.READING || p == Phase.WRITING) {
            if (writingSince == null) writingSince = clock.instant();
        }
        phase = p;
    }

    Phase phase() {
        return phase;
    }

    Counters counters() {
        return counters;
    }

    void counters(Counters c) {
        counters = c;
    }

    /** Rows this run itself read from the source (not those a resume or a range digest vouched for); lanes add at once. */
    synchronized void read(int rows) {
        readThisRun += rows;
    }

    void resumed(Checkpoint cp) {
        resumedFrom = Optional.of(cp.runId());
        counters = cp.counters();
    }

    void finish(RunStatus s, String msg, String err) {
        stats.put("peakHeapBytes", peakHeapBytes());
        stats.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        status = s;
        phase = Phase.DONE;
        finishedAt = Optional.of(clock.instant());
        message = Optional.ofNullable(msg);
        error = Optional.ofNullable(err);
    }

    /** With -Dferry.liveHeap=true: a full collection at each tenth of the rows, and the most heap still in use after one. */
    private static final boolean LIVE_HEAP = Boolean.getBoolean("ferry.liveHeap");
    private long nextLiveHeapSample = 0;

    /**
     * The live set, measured: what the run still holds after a full collection, at ten points of the run. Unlike the
     * pools' peaks it does not follow the collector's sizing, so runs of different lengths compare. For benchmarks
     * only (each sample stops the JVM for a full collection); called under the pass's lock.
     */
    void sampleLiveHeap(long batchSize) {
        if (!LIVE_HEAP) return;
        Counters c = counters;
        long step = Math.max(batchSize, c.total() > 0 ? c.total() / 10 : 10 * batchSize);
        if (c.processed() < nextLiveHeapSample) return;
        nextLiveHeapSample = c.processed() + step;
        // System.gc() rather than the histogram's own collection: the parallel collector compacts fully only for the
        // former; after the latter, "used" may count a dense prefix of dead objects left in place (filler arrays)
        System.gc();
        long used = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        stats.merge("liveHeapBytes", used, (a, b) -> Math.max(((Number) a).longValue(), ((Number) b).longValue()));
        if (LIVE_HEAP_HISTOGRAMS != null) writeHistogram(c.processed());
    }

    /**
     * With -Dferry.liveHeapHistograms=DIR as well: each sample also writes the live objects by class (jcmd's
     * GC.class_histogram) to DIR/live-&lt;rows processed&gt;.txt, so two samples or two runs can be diffed class by class.
     */
    private static final String LIVE_HEAP_HISTOGRAMS = System.getProperty("ferry.liveHeapHistograms");

    private static void writeHistogram(long processed) {
        try {
            Object histogram = java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[]{new String[0]}, new String[]{String[].class.getName()});
            java.nio.file.Files.writeString(java.nio.file.Path.of(LIVE_HEAP_HISTOGRAMS,
                    String.format(java.util.Locale.ROOT, "live-%012d.txt", processed)), String.valueOf(histogram));
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the class histogram to " + LIVE_HEAP_HISTOGRAMS + ": " + e, e);
        }
    }

    /** Peak heap use of this JVM so far (all heap pools): shows that memory stays bounded by batch size, not table size. */
    static long peakHeapBytes() {
        long sum = 0;
        for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getPeakUsage() != null) sum += pool.getPeakUsage().getUsed();
        }
        return sum;
    }

    RunStatus status() {
        return status;
    }

    RunInfo snapshot() {
        Counters c = counters;
        Map<String, Object> s = new LinkedHashMap<>(stats);
        Instant since = writingSince;
        if (since != null) {
            Instant end = finishedAt.orElse(clock.instant());
            double secs = Math.max(0.001, Duration.between(since, end).toMillis() / 1000.0);
            // rows this run moved itself: a resume's or a range digest's vouched-for rows take no time
            double rate = readThisRun / secs;
            s.put("rowsPerSecond", Math.round(rate));
            if (c.total() > 0 && rate > 0 && !status.finished()) {
                s.put("etaSeconds", Math.max(0, Math.round((c.total() - c.processed()) / rate)));
            }
        }
        s.put("readThisRun", readThisRun);
        s.put("seconds", Duration.between(startedAt, finishedAt.orElse(clock.instant())).toMillis() / 1000.0);
        return new RunInfo(runId, job.name(), job.destinationResource(), status, phase, c, startedAt, finishedAt,
                message, error, resumedFrom, job.options(), s);
    }
}
