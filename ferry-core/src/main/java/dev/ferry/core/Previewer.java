package dev.ferry.core;

import dev.ferry.spi.Batch;
import dev.ferry.spi.Destination;
import dev.ferry.spi.DestinationWriter;
import dev.ferry.spi.Plan;
import dev.ferry.spi.ReadSpec;
import dev.ferry.spi.RowChange;
import dev.ferry.spi.Schema;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceReader;
import dev.ferry.spi.SyncException;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WritePreview;
import dev.ferry.spi.WriteSpec;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A preview (dry run) of a one-way run: the same plan as {@link Engine} (checkpoint to resume from, cursor bounds,
 * range digests that skip unchanged key ranges) and the same read path, but each batch goes to
 * {@link DestinationWriter#preview} instead of {@code write}. Nothing is written: no run row, no lease, no
 * checkpoint, no digest, no dead letter, nothing in the destination. Called by {@code ferry run --dry-run} and
 * meant for the service's {@code POST /api/v1/syncs/{id}/preview}.
 */
public final class Previewer {
    private final StateStore store;
    private final Connectors connectors;
    private final Clock clock;

    public Previewer(StateStore store, Connectors connectors, Clock clock) {
        this.store = store;
        this.connectors = connectors;
        this.clock = clock;
    }

    /** What running {@code job} now would do; up to {@code samples} changes per kind, with field-level diffs. */
    public PreviewReport preview(SyncJob job, int samples) {
        long started = System.nanoTime();
        RunTracker run = new RunTracker("preview", job, clock);
        Retrier retrier = new Retrier(job.retry(), "preview");
        SyncState state = job.fullRefresh() ? SyncState.empty(job.name()) : store.loadState(job.name());
        try (Source source = retrier.call(() -> connectors.requireSource(job.sourceType()).open(job.source()));
             Destination destination = retrier.call(() -> connectors.requireDestination(job.destinationType()).open(job.destination()))) {
            Schema schema = retrier.call(source::schema);
            Engine.checkColumns(job, schema);
            Optional<Checkpoint> resume = state.inProgress();
            ReadSpec spec;
            if (resume.isPresent()) {
                Checkpoint cp = resume.get();
                spec = new ReadSpec(job.key(), job.cursor(), cp.cursorFrom(), cp.cursorTo(), job.batchSize());
                run.resumed(cp);
            } else {
                Optional<String> from = job.cursor().isPresent() ? state.highWaterMark() : Optional.empty();
                spec = new ReadSpec(job.key(), job.cursor(), from, Optional.empty(), job.batchSize());
            }
            boolean ascending = source.deliversAscendingUniqueKeys();
            try (DestinationWriter writer = retrier.call(() -> destination.openPreview(schema,
                    new WriteSpec(job.table(), job.key(), job.mode(), job.name(), resume.isEmpty(), ascending)))) {
                Engine.DigestPlan digests = Engine.planDigests(store, job, resume.isPresent(), source, spec, writer, run, retrier, true);
                // the lanes the run would use, read side by side as the run would (so a preview costs what a run does)
                boolean mayLane = Engine.mayLane(job, resume.isPresent(), digests, destination);
                Lanes.Plan lanes = null;
                if (digests.sourceRows().isEmpty()) {
                    ReadSpec planned = spec;
                    Plan plan = retrier.call(() -> source.plan(planned));
                    if (resume.isEmpty()) spec = spec.withCursorTo(plan.cursorTo().or(spec::cursorFrom));
                    if (mayLane) lanes = Engine.splitCounted(source, spec, job, plan, retrier);
                } else if (mayLane) {
                    lanes = Lanes.fromChanged(digests.ranges(), digests.bases(), job.lanes(), Engine.LANE_BATCHES);
                }
                ReadSpec readSpec = spec.withRanges(digests.ranges());
                Tally tally = new Tally(schema, job.key(), samples, deduplicates(job));
                Map<String, Object> stats0 = new LinkedHashMap<>();
                // as a run's counters: a resumed pass's so far, and the rows of key ranges the digests vouch for
                Counters before = run.counters();
                tally.inserted = before.inserted();
                tally.updated = before.updated();
                tally.unchanged = before.unchanged();
                tally.merged = before.merged();
                Optional<String> after = resume.flatMap(Checkpoint::position);
                long read = 0;
                if (Lanes.isLanes(after)) {
                    // a pass interrupted in lanes: what each lane has left
                    for (Lanes.State lane : Lanes.decode(after.get())) {
                        if (!lane.done()) read += read(job, source, readSpec.withRanges(List.of(lane.range())), lane.after(), writer, retrier, tally);
                    }
                } else if (lanes != null) {
                    stats0.put("lanes", lanes.size());
                    read = readLanes(job, source, readSpec, lanes, destination, writer, new WriteSpec(job.table(), job.key(),
                            job.mode(), job.name(), true, ascending), schema, retrier, tally);
                } else if (!digests.readNothing()) {
                    read = read(job, source, readSpec, after, writer, retrier, tally);
                }
                Map<String, Long> counts = new LinkedHashMap<>();
                counts.put("inserted", tally.inserted);
                counts.put("updated", tally.updated);
                counts.put("unchanged", tally.unchanged);
                // as the run reports it: records folded into an existing master (a dedup: section)
                if (tally.deduplicates) counts.put("merged", tally.merged);
                counts.put("skipped", 0L);
                counts.put("conflicts", 0L);
                if (job.mode() == WriteMode.REPLACE) {
                    // the new copy drops every row of the table that the source no longer has
                    OptionalLong now = retrier.call(writer::countRows);
                    if (now.isPresent()) counts.put("deleted", Math.max(0, now.getAsLong() - tally.updated - tally.unchanged));
                }
                Map<String, Object> stats = new LinkedHashMap<>(run.stats);
                stats.putAll(stats0);
                stats.put("rowsRead", read);
                stats.put("mode", job.mode().name().toLowerCase(java.util.Locale.ROOT));
                resume.ifPresent(cp -> {
                    stats.put("resumesRun", cp.runId());
                    stats.put("rowsAlreadyDone", cp.counters().processed());
                });
                return new PreviewReport(job.name(), "one-way", counts, tally.samples, stats, (System.nanoTime() - started) / 1e9);
            }
        }
    }

    /** Whether the destination deduplicates (the sync file's dedup: section travels in its block, see SyncFileLoader). */
    static boolean deduplicates(SyncJob job) {
        return job.destination().values().get("dedup") != null;
    }

    /** Each lane read and compared on a thread of its own, through its own preview writer; returns rows read. */
    private long readLanes(SyncJob job, Source source, ReadSpec spec, Lanes.Plan lanes, Destination destination,
                           DestinationWriter first, WriteSpec writeSpec, Schema schema, Retrier retrier, Tally tally) {
        List<DestinationWriter> writers = new ArrayList<>();
        writers.add(first);
        long[] read = new long[lanes.size()];
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < lanes.size(); i++) all.add(i);
        try {
            for (int i = 1; i < lanes.size(); i++) writers.add(retrier.call(() -> destination.openPreview(schema, writeSpec)));
            LaneThreads.runAll(all, i -> "ferry-preview-lane-" + i, lane -> {
                read[lane] = read(job, source, spec.withRanges(lanes.ranges().get(lane)), Optional.empty(), writers.get(lane), retrier, tally);
                return true;
            }, () -> { });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncException("interrupted", e);
        } finally {
            for (int i = 1; i < writers.size(); i++) writers.get(i).close();
        }
        long total = 0;
        for (long r : read) total += r;
        return total;
    }

    /** Reads ahead on a second thread (as a run does) while this one compares; returns rows read. */
    private long read(SyncJob job, Source source, ReadSpec spec, Optional<String> after, DestinationWriter writer,
                      Retrier retrier, Tally tally) {
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(Math.max(1, job.readAhead()));
        Thread reader = ReadAhead.start("ferry-preview-reader", source, spec, after, retrier, queue);
        long read = 0;
        try {
            while (true) {
                Object item = queue.take();
                if (item == ReadAhead.END) return read;
                if (item instanceof Throwable t) {
                    if (t instanceof RuntimeException re) throw re;
                    throw new SyncException(ErrorClassifier.describe(t), t);
                }
                Batch batch = (Batch) item;
                read += batch.size();
                WritePreview p = retrier.call(() -> writer.preview(batch));
                tally.add(p);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncException("interrupted", e);
        } finally {
            reader.interrupt();
        }
    }

    /** Counts and the first N samples of each kind. */
    static final class Tally {
        final Schema schema;
        final int[] keyIdx;
        final int max;
        final boolean deduplicates;
        long inserted, updated, unchanged, merged;
        final Map<String, List<PreviewReport.Sample>> samples = new LinkedHashMap<>();

        Tally(Schema schema, List<String> key, int max, boolean deduplicates) {
            this.schema = schema;
            this.keyIdx = schema.indexesOf(key);
            this.max = Math.max(0, max);
            this.deduplicates = deduplicates;
            samples.put("inserted", new ArrayList<>());
            samples.put("updated", new ArrayList<>());
            if (deduplicates) samples.put("merged", new ArrayList<>());
        }

        synchronized void add(WritePreview p) {
            inserted += p.counts().inserted();
            updated += p.counts().updated();
            unchanged += p.counts().unchanged();
            merged += p.counts().merged();
            for (RowChange c : p.changes()) {
                List<PreviewReport.Sample> list = samples.computeIfAbsent(c.kind(), k -> new ArrayList<>());
                if (list.size() < max) list.add(sample(c));
            }
        }

        PreviewReport.Sample sample(RowChange c) {
            Map<String, PreviewReport.FieldDiff> fields = new LinkedHashMap<>();
            for (int i = 0; i < schema.size(); i++) {
                String after = Values.format(c.row()[i]);
                int col = i;
                Optional<String> before = c.before().map(b -> Values.format(b[col]));
                if (c.before().isPresent() && java.util.Objects.equals(before.orElse(null), after)) continue;
                fields.put(schema.column(i).name(), new PreviewReport.FieldDiff(before, Optional.ofNullable(after)));
            }
            return new PreviewReport.Sample(Values.key(c.row(), keyIdx), Optional.empty(), fields);
        }
    }
}
