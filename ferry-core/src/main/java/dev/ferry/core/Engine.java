package dev.ferry.core;

import dev.ferry.spi.Batch;
import dev.ferry.spi.ConfigException;
import dev.ferry.spi.Destination;
import dev.ferry.spi.DestinationWriter;
import dev.ferry.spi.Plan;
import dev.ferry.spi.ReadSpec;
import dev.ferry.spi.Schema;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceReader;
import dev.ferry.spi.SyncException;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WriteResult;
import dev.ferry.spi.WriteSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The engine: plan → read (ahead, on its own thread) → write each batch in one destination transaction →
 * commit the checkpoint. A crash at any instant redoes at most the batch in flight, and redoing it is
 * idempotent (upserts by key), so a resumed run ends with the destination equal to the source.
 */
public final class Engine {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    /** A run's failure, on its own logger: the CLI prints the run's error itself and silences this one. */
    static final Logger failures = LoggerFactory.getLogger(Engine.class.getName() + ".failure");
    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final StateStore store;
    private final Connectors connectors;
    private final Clock clock;
    private Duration heartbeatEvery = Duration.ofSeconds(10);
    private Duration progressEvery = Duration.ofMillis(500);

    public Engine(StateStore store, Connectors connectors, Clock clock) {
        this.store = store;
        this.connectors = connectors;
        this.clock = clock;
    }

    public Engine heartbeatEvery(Duration d) {
        this.heartbeatEvery = d;
        return this;
    }

    public String newRunId() {
        return RUN_ID_TIME.format(clock.instant()) + "-" + String.format("%04x", RANDOM.nextInt(0x10000));
    }

    public RunInfo run(SyncJob job, RunListener listener, CancelToken cancel) {
        return run(newRunId(), job, listener, cancel);
    }

    /** Runs a sync to its end (or failure) and returns the final run; never throws for run failures. */
    public RunInfo run(String runId, SyncJob job, RunListener listener, CancelToken cancel) {
        RunTracker run = new RunTracker(runId, job, clock);
        store.saveRun(run.snapshot());
        listener.onUpdate(run.snapshot());
        Lease lease = null;
        ScheduledExecutorService heartbeat = null;
        try {
            lease = store.acquireLease(job.destinationResource(), runId);
            lease.tookOverFrom().ifPresent(this::markInterrupted);
            Lease held = lease;
            heartbeat = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("ferry-lease").factory());
            heartbeat.scheduleAtFixedRate(() -> safeHeartbeat(held), heartbeatEvery.toMillis(), heartbeatEvery.toMillis(), TimeUnit.MILLISECONDS);

            if (job.fullRefresh()) store.resetState(job.name());
            SyncState state = store.loadState(job.name());
            execute(job, run, lease, state, listener, cancel);
        } catch (LeaseHeldException e) {
            run.finish(RunStatus.FAILED, "not started: another run holds the destination", e.getMessage());
            lease = null;
        } catch (RuntimeException e) {
            ErrorKind kind = ErrorClassifier.classify(e);
            String what = ErrorClassifier.describe(e);
            failures.error("run={} failed ({}): {}", runId, kind, what, log.isDebugEnabled() ? e : null);
            run.finish(RunStatus.FAILED, "failed in phase " + run.phase().label()
                    + (kind == ErrorKind.TRANSIENT ? " after " + job.retry().maxAttempts() + " attempts; the checkpoint is kept, run again to resume"
                    // running again as is fails the same way: the cause needs fixing first
                    : "; the checkpoint is kept: fix the cause above, then run again to resume"), what);
            if (e instanceof LeaseLostException) lease = null;
        } catch (Error e) {
            run.finish(RunStatus.FAILED, "failed", e.toString());
            throw e;
        } finally {
            if (heartbeat != null) stopQuietly(heartbeat);
            RunInfo last = run.snapshot();
            try {
                store.saveRun(last);
            } catch (RuntimeException e) {
                log.error("run={} could not save its final state: {}", runId, ErrorClassifier.describe(e));
            }
            if (lease != null) {
                try {
                    store.releaseLease(lease);
                } catch (RuntimeException e) {
                    log.warn("run={} could not release its lease: {}", runId, ErrorClassifier.describe(e));
                }
            }
            listener.onUpdate(last);
        }
        return run.snapshot();
    }

    private void execute(SyncJob job, RunTracker run, Lease lease, SyncState state, RunListener listener, CancelToken cancel) {
        Retrier retrier = Retrier.forRun(job.retry(), run.runId(), listener,
                () -> run.stats.merge("retries", 1L, (x, y) -> ((Number) x).longValue() + ((Number) y).longValue()));
        try (Source source = retrier.call(() -> connectors.requireSource(job.sourceType()).open(job.source()));
             Destination destination = retrier.call(() -> connectors.requireDestination(job.destinationType()).open(job.destination()))) {
            Optional<RunInfo> same = sameContentAs(job, state, source, run, listener, retrier);
            if (same.isPresent()) {
                RunInfo last = same.get();
                long rows = Math.max(0, last.counters().processed() - last.counters().failed());
                run.counters(new Counters(rows, rows, 0, 0, rows, 0, 0));
                run.stats.putAll(source.stats());
                // a 304 brings no new version: the one it confirmed carries on to the next run
                run.stats.put(CONTENT_VERSION, source.contentVersion().orElse((String) last.stats().get(CONTENT_VERSION)));
                run.stats.put(CONFIG_VERSION, configVersion(job));
                store.completePass(lease, job.name(), state.highWaterMark());
                run.finish(RunStatus.SUCCEEDED, "source unchanged since run " + last.runId()
                        + " (same content version): nothing read or written; --full-refresh reads it anyway", null);
                return;
            }
            // a source may fetch its data first (a CSV download): show that while it lasts
            Schema schema = whileTicking(run, source, listener, () -> retrier.call(source::schema));
            run.stats.putAll(source.stats());
            if (run.phase() == Phase.DOWNLOADING) run.phase(Phase.PLANNING);
            checkColumns(job, schema);
            // mapping errors (a field the source lacks, a key not mapped) surface here, all at once, before any write
            TransformStage stage = transformStage(job, schema, run);

            Optional<Checkpoint> resume = state.inProgress();
            ReadSpec spec;
            if (resume.isPresent()) {
                Checkpoint cp = resume.get();
                spec = new ReadSpec(job.key(), job.cursor(), cp.cursorFrom(), cp.cursorTo(), job.batchSize());
                run.resumed(cp);
                log.info("run={} resumes run {} after batch {}", run.runId(), cp.runId(), cp.nextSeq() - 1);
            } else {
                Optional<String> from = job.cursor().isPresent() ? state.highWaterMark() : Optional.empty();
                spec = new ReadSpec(job.key(), job.cursor(), from, Optional.empty(), job.batchSize());
            }
            WriteMode mode = job.mode();
            // a mapped key is a renamed source key, so it ascends as the source's does; a key of the user's choosing need not
            boolean ascending = source.deliversAscendingUniqueKeys() && (stage == null || job.transform().key().isEmpty());
            Schema written = stage == null ? schema : stage.output();
            List<String> writtenKey = stage == null ? job.key() : stage.outputKey();
            DestinationWriter writer = retrier.call(() -> destination.open(written,
                    new WriteSpec(job.table(), writtenKey, mode, job.name(), resume.isEmpty(), ascending)));
            if (stage != null && !stage.linked().isEmpty()) {
                try {
                    retrier.run(() -> writer.openLinked(stage.linked()));
                } catch (RuntimeException e) {
                    writer.close();
                    throw e;
                }
            }
            DigestPlan digests;
            List<DestinationWriter> laneWriters = new ArrayList<>();
            Thread counting = null;
            try (writer) {
                digests = planDigests(store, job, resume.isPresent(), source, spec, writer, run, retrier, false);
                // a pass cut into key ranges read and written side by side; a resumed one carries on with its ranges
                Lanes.Plan lanes = resume.flatMap(Checkpoint::position).filter(p -> Lanes.isLanes(Optional.of(p)))
                        .map(p -> Lanes.resumed(Lanes.decode(p))).orElse(null);
                boolean mayLane = lanes == null && mayLane(job, resume.isPresent(), digests, destination);
                if (digests.sourceRows().isPresent()) {
                    // the range digests counted the source already: no separate count
                    run.counters(run.counters().withTotal(digests.sourceRows().getAsLong()));
                    if (mayLane) lanes = Lanes.fromChanged(digests.ranges(), digests.bases(), job.lanes(), LANE_BATCHES);
                } else if (mayLane && job.cursor().isEmpty()
                        && (lanes = split(source, spec, job.lanes(), retrier)) != null) {
                    // the count only feeds percent and ETA: it runs beside the first batches instead of before them
                    counting = countBeside(run, source, spec, retrier);
                } else {
                    ReadSpec planned = spec;
                    Plan plan = whileTicking(run, source, listener, () -> retrier.call(() -> source.plan(planned)));
                    if (resume.isEmpty()) spec = spec.withCursorTo(plan.cursorTo().or(spec::cursorFrom));
                    plan.totalRows().ifPresent(t -> run.counters(run.counters().withTotal(t)));
                    plan.totalBytes().ifPresent(b -> run.stats.put("totalBytes", b));
                    if (mayLane) lanes = splitCounted(source, spec, job, plan, retrier);
                }
                ReadSpec readSpec = spec.withRanges(digests.ranges());
                if (lanes != null) {
                    run.stats.put("lanes", lanes.size());
                    if (destination.concurrentWriters()) {
                        // opened before any lane writes, so each finds the table as the pass found it
                        for (int i = 1; i < lanes.size(); i++) {
                            laneWriters.add(retrier.call(() -> destination.open(written,
                                    new WriteSpec(job.table(), writtenKey, mode, job.name(), resume.isEmpty(), ascending))));
                        }
                    }
                }
                run.stats.putAll(source.stats());
                notePreparation(run, source);
                run.phase(Phase.READING);
                publish(run, listener);
                Checkpoint first = resume.orElse(new Checkpoint(run.runId(), Optional.empty(), readSpec.cursorFrom(),
                        readSpec.cursorTo(), 0, run.counters()));
                Pass pass = new Pass(job, run, lease, readSpec, first, retrier, listener, cancel, schema, digests, stage, lanes);
                List<DestinationWriter> writers = new ArrayList<>();
                writers.add(writer);
                writers.addAll(laneWriters);
                boolean completed = !digests.readNothing() ? pump(pass, source, writers) : true;
                if (counting != null) counting.join();
                run.stats.putAll(source.stats());
                source.contentVersion().ifPresent(v -> run.stats.put(CONTENT_VERSION, v));
                run.stats.put(CONFIG_VERSION, configVersion(job));
                if (!completed) {
                    run.finish(RunStatus.CANCELLED, "cancelled after " + run.counters().processed()
                            + " rows; the checkpoint is kept, run again to resume", null);
                    return;
                }
                run.phase(Phase.FINISHING);
                publish(run, listener);
                for (DestinationWriter w : laneWriters) retrier.run(w::complete);
                retrier.run(writer::complete);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SyncException("interrupted", e);
            } finally {
                if (counting != null) counting.interrupt();
                for (DestinationWriter w : laneWriters) {
                    try {
                        w.close();
                    } catch (RuntimeException e) {
                        log.warn("run={} could not close a lane's writer: {}", run.runId(), ErrorClassifier.describe(e));
                    }
                }
            }
            // promote first: a crash in between leaves an in-progress pass, whose resume drops the digests
            if (digests.recording() && digests.complete()) store.promoteDigests(job.name());
            else store.dropDigests(job.name());
            store.completePass(lease, job.name(), spec.cursorTo().or(state::highWaterMark));
            Counters c = run.counters();
            if (c.total() < 0 || c.total() < c.processed()) run.counters(c.withTotal(c.processed()));
            c = run.counters();
            String summary = String.format("%d rows: %d inserted, %d updated, %d unchanged, %d skipped, %d failed",
                    c.processed(), c.inserted(), c.updated(), c.unchanged(), c.skipped(), c.failed())
                    + (c.merged() > 0 ? ", " + c.merged() + " merged" : "");
            if (c.failed() > 0) {
                run.finish(RunStatus.PARTIAL, summary + "; see dead letters: ferry replay " + run.runId(), null);
            } else {
                if (c.skipped() > 0) summary += "; skipped records and their reasons: ferry status " + run.runId() + " --json";
                run.finish(RunStatus.SUCCEEDED, summary, null);
            }
        }
    }

    static final String CONTENT_VERSION = "contentVersion";
    static final String CONFIG_VERSION = "configVersion";

    /** A digest of everything in the job that shapes what lands (declared types, key, table, mode, …). */
    static String configVersion(SyncJob job) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(job.withFullRefresh(false).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h, 0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The last run, when it completed a pass of this sync into the same destination and the source says its content
     * is still what that run read (a 304 to a conditional GET, the same file checksum): nothing needs reading.
     * Only the latest finished run counts — one that failed half-way may have written a newer content's rows.
     */
    private Optional<RunInfo> sameContentAs(SyncJob job, SyncState state, Source source, RunTracker run,
                                            RunListener listener, Retrier retrier) {
        if (job.fullRefresh() || state.inProgress().isPresent()) return Optional.empty();
        Optional<RunInfo> last = store.history(Optional.of(job.name()), 5).stream()
                .filter(r -> !r.runId().equals(run.runId()) && r.status().finished()).findFirst();
        if (last.isEmpty() || (last.get().status() != RunStatus.SUCCEEDED && last.get().status() != RunStatus.PARTIAL)
                || !job.destinationResource().equals(last.get().destination())
                || !configVersion(job).equals(last.get().stats().get(CONFIG_VERSION)) // e.g. a type declared since
                || !(last.get().stats().get(CONTENT_VERSION) instanceof String version)) {
            return Optional.empty();
        }
        boolean same = whileTicking(run, source, listener, () -> retrier.call(() -> source.unchangedSince(version)));
        return same ? last : Optional.empty();
    }

    /** The transform step, or null without one; a mapping that does not fit the source is a config error (exit 2). */
    private static TransformStage transformStage(SyncJob job, Schema schema, RunTracker run) {
        if (job.transform().isEmpty()) return null;
        try {
            return new TransformStage(job, schema);
        } catch (ConfigException e) {
            run.stats.put("configError", true);
            throw e;
        }
    }

    /** Ordinals of the ranges of one read are {@code bucket × STRIDE + batch within the range}. */
    static final long STRIDE = 1_000_000L;

    /**
     * How this pass uses range digests. An upsert pass without a cursor remembers, for each batch, the digest of the
     * rows it wrote; the next such pass asks the source for the digests of the same ranges, computed where the data
     * lives, and reads only the ranges that differ. Unchanged rows are then neither shipped nor compared.
     */
    record DigestPlan(boolean recording, List<dev.ferry.spi.KeyRange> ranges, List<Long> bases, boolean readNothing,
                      java.util.concurrent.atomic.AtomicBoolean intact, java.util.OptionalLong sourceRows) {
        static DigestPlan none() {
            return new DigestPlan(false, List.of(), List.of(0L), false, new java.util.concurrent.atomic.AtomicBoolean(false),
                    java.util.OptionalLong.empty());
        }

        boolean complete() {
            return intact.get();
        }
    }

    /** {@code dryRun}: plan the same way, but change nothing in the store (a preview). */
    static DigestPlan planDigests(StateStore store, SyncJob job, boolean resuming, Source source, ReadSpec spec,
                                  DestinationWriter writer, RunTracker run, Retrier retrier, boolean dryRun) {
        // with a transform, what lands depends on the sync file as well as the source: always read (rules may change)
        boolean eligible = job.mode() == WriteMode.UPSERT && job.cursor().isEmpty() && !resuming && job.transform().isEmpty();
        if (!eligible) {
            if (!dryRun) store.dropDigests(job.name());
            return DigestPlan.none();
        }
        List<DigestEntry> current = job.fullRefresh() ? List.of() : store.currentDigests(job.name());
        if (!current.isEmpty() && current.stream().skip(1).allMatch(e -> e.digest().firstKey().isPresent())
                && current.stream().allMatch(e -> e.digest().rows() >= 0)) {
            long remembered = current.stream().mapToLong(e -> e.digest().rows()).sum();
            java.util.OptionalLong destinationRows = retrier.call(writer::countRows);
            // fewer rows than we wrote: someone truncated or reloaded it, the digests no longer describe it
            // (more is fine: upserts never delete, so rows deleted at the source stay)
            boolean destinationIntact = destinationRows.isPresent() && destinationRows.getAsLong() >= remembered;
            List<String> thresholds = current.stream().skip(1).map(e -> e.digest().firstKey().orElseThrow()).toList();
            Optional<List<dev.ferry.spi.RangeDigest>> now = destinationIntact
                    ? retrier.call(() -> source.digestRanges(spec, thresholds)) : Optional.empty();
            if (now.isPresent() && now.get().size() == current.size()) {
                List<dev.ferry.spi.KeyRange> changed = new ArrayList<>();
                List<Long> bases = new ArrayList<>();
                List<DigestEntry> carried = new ArrayList<>();
                long unchangedRows = 0;
                int previousChanged = -2;
                for (int j = 0; j < current.size(); j++) {
                    DigestEntry was = current.get(j);
                    Optional<String> from = j == 0 ? Optional.empty() : Optional.of(thresholds.get(j - 1));
                    Optional<String> to = j == thresholds.size() ? Optional.empty() : Optional.of(thresholds.get(j));
                    if (now.get().get(j).sameContent(was.digest())) {
                        carried.add(new DigestEntry(j * STRIDE, new dev.ferry.spi.RangeDigest(from, was.digest().rows(), was.digest().hash())));
                        unchangedRows += was.digest().rows();
                    } else if (previousChanged == j - 1) {
                        dev.ferry.spi.KeyRange last = changed.remove(changed.size() - 1);
                        changed.add(new dev.ferry.spi.KeyRange(last.from(), to));
                        previousChanged = j;
                    } else {
                        changed.add(new dev.ferry.spi.KeyRange(from, to));
                        bases.add(j * STRIDE);
                        previousChanged = j;
                    }
                }
                if (!dryRun) store.startDigests(job.name(), carried);
                Counters c = run.counters();
                run.counters(new Counters(c.total(), c.processed() + unchangedRows, c.inserted(), c.updated(),
                        c.unchanged() + unchangedRows, c.skipped(), c.failed(), c.merged()));
                run.stats.put("rangesCompared", current.size());
                run.stats.put("rangesChanged", current.size() - carried.size());
                log.info("run={} {} of {} key ranges changed; {} rows skipped unread", run.runId(),
                        current.size() - carried.size(), current.size(), unchangedRows);
                long sourceRows = now.get().stream().mapToLong(dev.ferry.spi.RangeDigest::rows).sum();
                return new DigestPlan(true, changed, bases, changed.isEmpty(), new java.util.concurrent.atomic.AtomicBoolean(true),
                        java.util.OptionalLong.of(sourceRows));
            }
        }
        if (!dryRun) store.startDigests(job.name(), List.of());
        return new DigestPlan(true, List.of(), List.of(0L), false, new java.util.concurrent.atomic.AtomicBoolean(true),
                java.util.OptionalLong.empty());
    }

    static void checkColumns(SyncJob job, Schema schema) {
        List<String> problems = new ArrayList<>();
        for (String k : job.key()) {
            if (schema.indexOf(k) < 0) problems.add("source.key: column '" + k + "' is not in the source; its columns are " + schema.names());
        }
        job.cursor().ifPresent(c -> {
            if (schema.indexOf(c) < 0) problems.add("source.cursor: column '" + c + "' is not in the source; its columns are " + schema.names());
        });
        if (!problems.isEmpty()) throw new ConfigException(problems);
    }

    /** Fewer batches than this per lane, and a second stream costs more (connections, stages) than it saves. */
    static final int LANE_BATCHES = 4;

    /**
     * Whether a fresh pass may run in lanes: upsert or append without a transform (the stage writes linked tables
     * batch by batch), something to read, and a destination that takes several writers.
     */
    static boolean mayLane(SyncJob job, boolean resuming, DigestPlan digests, Destination destination) {
        return !resuming && job.lanes() > 1 && job.transform().isEmpty()
                && (job.mode() == WriteMode.UPSERT || job.mode() == WriteMode.APPEND) && !digests.readNothing()
                && destination.concurrentWriters();
    }

    /**
     * Lanes for a counted pass: as many as get four batches each (the source's own estimate cannot see a cursor
     * filter), cut by the source; null for one stream.
     */
    static Lanes.Plan splitCounted(Source source, ReadSpec spec, SyncJob job, Plan plan, Retrier retrier) {
        long rows = plan.totalRows().orElse(Long.MAX_VALUE);
        int parts = (int) Math.min(job.lanes(), rows / ((long) LANE_BATCHES * job.batchSize()));
        return parts > 1 ? split(source, spec, parts, retrier) : null;
    }

    /** The source's key ranges for {@code parts} lanes, or null when it cannot split (or the rows are too few). */
    static Lanes.Plan split(Source source, ReadSpec spec, int parts, Retrier retrier) {
        List<dev.ferry.spi.KeyRange> ranges = retrier.call(() -> source.split(spec, parts));
        return ranges.size() > 1 ? Lanes.fromSplit(ranges) : null;
    }

    /** Counts the rows to read on a thread of its own; the total appears when the count returns. */
    private Thread countBeside(RunTracker run, Source source, ReadSpec spec, Retrier retrier) {
        return Thread.ofPlatform().daemon().name("ferry-count-" + run.runId()).start(() -> {
            try {
                Plan plan = retrier.call(() -> source.plan(spec));
                synchronized (run) {
                    plan.totalRows().ifPresent(t -> run.counters(run.counters().withTotal(t)));
                }
                plan.totalBytes().ifPresent(b -> run.stats.put("totalBytes", b));
            } catch (RuntimeException e) {
                log.warn("run={} could not count the rows to read (no percent or ETA): {}", run.runId(), ErrorClassifier.describe(e));
            }
        });
    }

    /**
     * One pass: its settings and what its lanes share. Counters, checkpoints, dead letters and listener calls of
     * every lane happen under the lock of {@link Pass#run}, so a checkpoint always holds every lane's last commit.
     */
    private static final class Pass {
        final SyncJob job;
        final RunTracker run;
        final Lease lease;
        final ReadSpec spec;
        final Checkpoint start;
        final Retrier retrier;
        final RunListener listener;
        final CancelToken cancel;
        final Schema schema;
        final DigestPlan digests;
        final TransformStage stage;
        final int[] keyIdx;
        /** null: one stream, whose checkpoints hold the source's own position */
        final List<Lanes.State> lanes;
        final Lanes.Plan plan;
        long seq;
        long lastPublish;
        volatile boolean stop;

        Pass(SyncJob job, RunTracker run, Lease lease, ReadSpec spec, Checkpoint start, Retrier retrier,
             RunListener listener, CancelToken cancel, Schema schema, DigestPlan digests, TransformStage stage,
             Lanes.Plan plan) {
            this.job = job;
            this.run = run;
            this.lease = lease;
            this.spec = spec;
            this.start = start;
            this.retrier = retrier;
            this.listener = listener;
            this.cancel = cancel;
            this.schema = schema;
            this.digests = digests;
            this.stage = stage;
            this.keyIdx = schema.indexesOf(job.key());
            this.plan = plan;
            this.lanes = plan == null ? null : new ArrayList<>(plan.states());
            this.seq = start.nextSeq();
        }
    }

    /**
     * Reads and writes the pass: one stream on this thread, or its lanes each on a thread of its own with its own
     * writer (one after another with the first writer when the destination takes one writer only). Returns false if
     * cancelled; the first lane to fail stops the others and its error is thrown.
     */
    private boolean pump(Pass pass, Source source, List<DestinationWriter> writers) throws InterruptedException {
        if (pass.lanes == null) {
            return runLane(pass, source, -1, pass.spec, pass.start.position(), pass.digests.bases(), writers.get(0));
        }
        List<Integer> open = new ArrayList<>();
        for (int i = 0; i < pass.lanes.size(); i++) if (!pass.lanes.get(i).done()) open.add(i);
        if (writers.size() < pass.lanes.size()) {
            for (int i : open) {
                if (!runLane(pass, source, i, laneSpec(pass, i), pass.lanes.get(i).after(), pass.plan.bases().get(i), writers.get(0))) return false;
            }
            return true;
        }
        boolean[] completed = LaneThreads.runAll(open, i -> "ferry-lane-" + i + "-" + pass.run.runId(),
                i -> runLane(pass, source, i, laneSpec(pass, i), pass.lanes.get(i).after(), pass.plan.bases().get(i), writers.get(i)),
                () -> pass.stop = true);
        for (int i : open) if (!completed[i]) return false;
        return true;
    }

    private static ReadSpec laneSpec(Pass pass, int lane) {
        return pass.spec.withRanges(pass.plan.ranges().get(lane));
    }

    /**
     * One stream of batches (lane -1: the whole pass) read on a separate thread through a bounded queue while this
     * thread writes. Returns false if cancelled or stopped because another lane failed.
     */
    private boolean runLane(Pass pass, Source source, int lane, ReadSpec spec, Optional<String> after, List<Long> bases,
                            DestinationWriter writer) throws InterruptedException {
        SyncJob job = pass.job;
        RunTracker run = pass.run;
        TransformStage stage = pass.stage;
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(Math.max(1, job.readAhead()));
        Thread reader = ReadAhead.start("ferry-reader-" + (lane < 0 ? "" : lane + "-") + run.runId(), source, spec, after,
                pass.retrier, queue);
        int rangeIndex = 0;
        long withinRange = 0;
        try {
            while (true) {
                Object item = queue.poll(200, TimeUnit.MILLISECONDS);
                if (item == null) {
                    if (pass.stop || pass.cancel.isCancelled()) return false;
                    continue;
                }
                if (item == ReadAhead.END) {
                    if (lane >= 0) {
                        synchronized (run) {
                            pass.lanes.set(lane, pass.lanes.get(lane).finished());
                        }
                    }
                    return true;
                }
                if (item instanceof Throwable t) {
                    if (t instanceof RuntimeException re) throw re;
                    throw new SyncException(ErrorClassifier.describe(t), t);
                }
                if (pass.cancel.isCancelled() || pass.stop) return false;
                Batch batch = (Batch) item;
                run.read(batch.size());
                run.phase(Phase.WRITING);
                long batchStart = System.nanoTime();
                Map<Object[], String> bad = new IdentityHashMap<>();
                WriteResult r;
                int skipped = 0;
                TransformStage.Result tr = null;
                if (stage == null) {
                    r = writeBisecting(writer, batch, pass.retrier, bad);
                } else {
                    tr = stage.write(writer, batch, pass.retrier);
                    r = tr.primary();
                    bad = tr.failed();
                    skipped = tr.skipped().size();
                }
                synchronized (run) {
                    if (tr != null) {
                        List<DeadLetter> letters = new ArrayList<>(stage.skippedLetters(run.runId(), job.name(), tr.skipped(), clock.instant()));
                        if (!letters.isEmpty()) store.addDeadLetters(letters);
                        TableCounters.add(run.stats, job.table(), r, 0);
                        for (dev.ferry.spi.LinkedResult lr : tr.linked()) TableCounters.add(run.stats, lr.table(), lr.written(), lr.deleted());
                        tr.skipped().values().forEach(v -> TableCounters.skippedBy(run.stats, v));
                    }
                    List<DeadLetter> letters = new ArrayList<>(deadLetters(run, job, pass.schema, pass.keyIdx, bad));
                    letters.addAll(rejectedLetters(run, job, batch));
                    // before the checkpoint: a crash in between redoes the batch, which writes the same letters again
                    if (!letters.isEmpty()) store.addDeadLetters(letters);
                    int failed = letters.size();
                    Counters c = run.counters();
                    run.counters(new Counters(c.total(), c.processed() + batch.size() + batch.rejected().size(), c.inserted() + r.inserted(),
                            c.updated() + r.updated(), c.unchanged() + r.unchanged(), c.skipped() + skipped, c.failed() + failed,
                            c.merged() + r.merged()));
                    run.sampleLiveHeap(job.batchSize());
                    long seq = ++pass.seq;
                    Optional<DigestEntry> digest = Optional.empty();
                    DigestPlan digests = pass.digests;
                    if (digests.recording() && digests.complete()) {
                        if (batch.digest().isEmpty()) {
                            digests.intact().set(false); // a batch without a digest: this pass cannot vouch for its ranges
                        } else {
                            dev.ferry.spi.RangeDigest d = batch.digest().get();
                            while (rangeIndex + 1 < spec.ranges().size() && spec.ranges().get(rangeIndex + 1).from().equals(d.firstKey())) {
                                rangeIndex++;
                                withinRange = 0;
                            }
                            long ordinal = bases.get(Math.min(rangeIndex, bases.size() - 1)) + withinRange++;
                            // a range with dead letters must be read again next time, not vouched for
                            digest = Optional.of(new DigestEntry(ordinal, failed == 0 ? d : new dev.ferry.spi.RangeDigest(d.firstKey(), -1, 0)));
                        }
                    }
                    String position;
                    if (lane < 0) {
                        position = batch.position();
                    } else {
                        pass.lanes.set(lane, pass.lanes.get(lane).withAfter(batch.position()));
                        position = Lanes.encode(pass.lanes);
                    }
                    store.saveCheckpoint(pass.lease, job.name(), new Checkpoint(run.runId(), Optional.of(position),
                            spec.cursorFrom(), spec.cursorTo(), seq, run.counters(), digest));
                    pass.listener.onBatch(run.runId(), seq - 1, batch.size(), Duration.ofNanos(System.nanoTime() - batchStart));
                    if (batch.bytes() > 0) run.stats.merge("bytesRead", batch.bytes(), (a, b) -> ((Number) a).longValue() + ((Number) b).longValue());
                    source.phase().ifPresent(p -> run.stats.put("sourcePhase", p));
                    long now = clock.millis();
                    if (now - pass.lastPublish >= progressEvery.toMillis()) {
                        pass.lastPublish = now;
                        publish(run, pass.listener);
                    }
                    if (log.isDebugEnabled()) log.debug("run={} batch={} lane={} rows={} inserted={} updated={} unchanged={} failed={}",
                            run.runId(), seq - 1, lane, batch.size(), r.inserted(), r.updated(), r.unchanged(), failed);
                }
            }
        } finally {
            reader.interrupt();
            reader.join(10_000);
        }
    }

    /** Writes a batch; on a record-level failure splits it in halves until the bad rows stand alone. */
    static WriteResult writeBisecting(DestinationWriter writer, Batch batch, Retrier retrier, Map<Object[], String> bad) {
        if (batch.size() == 0) return WriteResult.NONE;
        try {
            return retrier.call(() -> writer.write(batch));
        } catch (RuntimeException e) {
            if (ErrorClassifier.classify(e) != ErrorKind.RECORD) throw e;
            if (batch.size() == 1) {
                bad.put(batch.rows().get(0), ErrorClassifier.describe(e));
                return WriteResult.NONE;
            }
            int mid = batch.size() / 2;
            List<Object[]> rows = batch.rows();
            return writeBisecting(writer, batch.withRows(rows.subList(0, mid)), retrier, bad)
                    .plus(writeBisecting(writer, batch.withRows(rows.subList(mid, rows.size())), retrier, bad));
        }
    }

    private List<DeadLetter> deadLetters(RunTracker run, SyncJob job, Schema schema, int[] keyIdx, Map<Object[], String> bad) {
        List<DeadLetter> out = new ArrayList<>();
        bad.forEach((row, reason) -> out.add(new DeadLetter(0, run.runId(), job.name(), Values.key(row, keyIdx), reason,
                payload(schema, row), clock.instant(), Optional.empty())));
        return out;
    }

    /** Records the source could not decode: dead letters carrying the source's reason and the raw text read. */
    private List<DeadLetter> rejectedLetters(RunTracker run, SyncJob job, Batch batch) {
        List<DeadLetter> out = new ArrayList<>(batch.rejected().size());
        for (dev.ferry.spi.RejectedRecord rec : batch.rejected()) {
            out.add(new DeadLetter(0, run.runId(), job.name(), rec.key(), "source: " + rec.reason(), rec.payload(),
                    clock.instant(), Optional.empty()));
        }
        return out;
    }

    static Map<String, String> payload(Schema schema, Object[] row) {
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 0; i < schema.size(); i++) p.put(schema.column(i).name(), Values.format(row[i]));
        return p;
    }

    /**
     * Re-sends a run's dead letters (after the destination or data was fixed). Letters that land are resolved;
     * the run's failed count drops by them, and a run with none left turns succeeded.
     */
    public RunInfo replay(String runId, SyncJob job) {
        return replay(runId, job, letter -> true);
    }

    /** Replays only the run's dead letters that {@code which} selects (the dashboard's "replay selected"). */
    public RunInfo replay(String runId, SyncJob job, java.util.function.Predicate<DeadLetter> which) {
        RunInfo original = store.findRun(runId).orElseThrow(() -> new ConfigException(
                "run " + runId + " is not in the state store; list runs with: ferry history"));
        // skipped records broke a rule of the sync file: re-sending them would skip them again; a run after the
        // source record (or the rule) is fixed picks them up
        List<DeadLetter> letters = store.deadLetters(runId).stream().filter(l -> !l.skipped()).filter(which).toList();
        if (letters.isEmpty()) return original;
        Lease lease = store.acquireLease(job.destinationResource(), newRunId());
        Retrier retrier = new Retrier(job.retry(), runId);
        try (Source source = connectors.requireSource(job.sourceType()).open(job.source());
             Destination destination = connectors.requireDestination(job.destinationType()).open(job.destination())) {
            Schema schema = source.schema();
            WriteMode mode = job.mode() == WriteMode.REPLACE ? WriteMode.UPSERT : job.mode();
            Map<Object[], DeadLetter> byRow = new IdentityHashMap<>();
            List<Object[]> rows = new ArrayList<>();
            Map<Object[], String> bad = new IdentityHashMap<>();
            for (DeadLetter l : letters) {
                Object[] row = new Object[schema.size()];
                byRow.put(row, l);
                try {
                    for (int i = 0; i < schema.size(); i++) {
                        row[i] = Values.parse(schema.column(i).type(), l.payload().get(schema.column(i).name()));
                    }
                    rows.add(row);
                } catch (RuntimeException e) {
                    // e.g. a value the source rejected, still not of its column's type: it stays a dead letter
                    bad.put(row, "key " + l.sourceKey() + ": " + ErrorClassifier.describe(e));
                }
            }
            WriteResult r;
            TransformStage stage = job.transform().isEmpty() ? null : new TransformStage(job, schema);
            Schema written = stage == null ? schema : stage.output();
            List<String> writtenKey = stage == null ? job.key() : stage.outputKey();
            try (DestinationWriter writer = destination.open(written, new WriteSpec(job.table(), writtenKey, mode, job.name(), false))) {
                if (stage == null) {
                    r = writeBisecting(writer, new Batch(0, schema, rows, "", 0), retrier, bad);
                } else {
                    writer.openLinked(stage.linked());
                    TransformStage.Result tr = stage.write(writer, new Batch(0, schema, rows, "", 0), retrier);
                    r = tr.primary();
                    bad.putAll(tr.failed());
                    tr.skipped().forEach((row, v) -> bad.put(row, v.reason())); // the sync file's rules now refuse it
                }
            }
            List<Long> landed = new ArrayList<>();
            byRow.forEach((row, l) -> {
                if (!bad.containsKey(row)) landed.add(l.id());
            });
            store.resolveDeadLetters(landed);
            Counters c = original.counters();
            Counters after = new Counters(c.total(), c.processed(), c.inserted() + r.inserted(), c.updated() + r.updated(),
                    c.unchanged() + r.unchanged(), c.skipped(), Math.max(0, c.failed() - landed.size()), c.merged() + r.merged());
            RunStatus status = after.failed() == 0 && original.status() == RunStatus.PARTIAL ? RunStatus.SUCCEEDED : original.status();
            String msg = "replayed " + letters.size() + " dead letters: " + landed.size() + " landed, " + bad.size() + " still failing";
            RunInfo updated = new RunInfo(original.runId(), original.syncName(), original.destination(), status, original.phase(),
                    after, original.startedAt(), original.finishedAt(), Optional.of(msg),
                    bad.isEmpty() ? Optional.empty() : Optional.of(bad.values().iterator().next()),
                    original.resumedFrom(), original.options(), original.stats());
            store.saveRun(updated);
            return updated;
        } finally {
            store.releaseLease(lease);
        }
    }

    private void markInterrupted(String runId) {
        store.findRun(runId).filter(r -> r.status() == RunStatus.RUNNING).ifPresent(r -> store.saveRun(new RunInfo(
                r.runId(), r.syncName(), r.destination(), RunStatus.INTERRUPTED, r.phase(), r.counters(), r.startedAt(),
                Optional.of(clock.instant()), Optional.of("interrupted (process gone); a later run resumed from its checkpoint"),
                r.error(), r.resumedFrom(), r.options(), r.stats())));
    }

    private void safeHeartbeat(Lease lease) {
        try {
            store.heartbeat(lease);
        } catch (RuntimeException e) {
            log.warn("run={} lease heartbeat failed: {}", lease.runId(), ErrorClassifier.describe(e));
        }
    }

    /** Runs a step of planning while a ticker publishes the source's preparation progress twice a second. */
    private <T> T whileTicking(RunTracker run, Source source, RunListener listener, java.util.function.Supplier<T> step) {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("ferry-progress").factory());
        try {
            ticker.scheduleAtFixedRate(() -> tickWhilePlanning(run, source, listener), 500, 500, TimeUnit.MILLISECONDS);
            return step.get();
        } finally {
            stopQuietly(ticker);
        }
    }

    /**
     * Stops a scheduler without interrupting a task in flight: its task may be writing to the state store, and an H2
     * file store closes itself when a thread is interrupted inside a file write ("The database has been closed").
     */
    public static void stopQuietly(ScheduledExecutorService scheduler) {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) scheduler.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void tickWhilePlanning(RunTracker run, Source source, RunListener listener) {
        try {
            if (run.phase() != Phase.PLANNING && run.phase() != Phase.DOWNLOADING && run.phase() != Phase.PROCESSING) return;
            source.phase().ifPresent(p -> run.phase(switch (p) {
                case "downloading" -> Phase.DOWNLOADING;
                case "processing" -> Phase.PROCESSING;
                default -> Phase.PLANNING;
            }));
            run.stats.putAll(source.stats());
            notePreparation(run, source);
            publish(run, listener);
        } catch (RuntimeException e) {
            log.debug("run={} progress tick failed: {}", run.runId(), e.toString());
        }
    }

    private static void notePreparation(RunTracker run, Source source) {
        double share = source.preparationShare();
        if (share <= 0) return;
        run.stats.put("preparationShare", share);
        run.stats.put("preparationProgress", Math.round(source.preparationProgress() * 1000) / 1000.0);
    }

    private synchronized void publish(RunTracker run, RunListener listener) {
        RunInfo snap = run.snapshot();
        try {
            store.saveRun(snap);
        } catch (RuntimeException e) {
            log.warn("run={} could not save progress: {}", run.runId(), ErrorClassifier.describe(e));
        }
        listener.onUpdate(snap);
    }
}
