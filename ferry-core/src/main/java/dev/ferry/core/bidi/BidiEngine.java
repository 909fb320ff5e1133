package dev.ferry.core.bidi;

import dev.ferry.core.CancelToken;
import dev.ferry.core.Connectors;
import dev.ferry.core.Counters;
import dev.ferry.core.ErrorClassifier;
import dev.ferry.core.Lease;
import dev.ferry.core.LeaseHeldException;
import dev.ferry.core.Phase;
import dev.ferry.core.PreviewReport;
import dev.ferry.core.Retrier;
import dev.ferry.core.RunInfo;
import dev.ferry.core.RunListener;
import dev.ferry.core.RunStatus;
import dev.ferry.core.StateStore;
import dev.ferry.spi.Batch;
import dev.ferry.spi.Column;
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

import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a bidirectional sync. Side b is read first (its whole table, or past its cursor) and only the records that
 * differ from the base are kept, with their base (past a limit in a temporary file: memory stays bounded on a first
 * run, when every record differs); side a then streams past, and each record either side changed is decided by the
 * {@link Resolver}. Decisions are applied in steps of about one batch: <b>write b, write a, then commit the base and
 * the conflicts</b>, and the side cursors only when the run completes. Before b is written, the conflicts a step found
 * are journalled with what a rule decided for them. A crash anywhere redoes at most the steps whose base was not
 * committed: re-reading them, a side that already holds the value is "changed on both to the same value" (no
 * conflict) or still equal to the base (written again, unchanged), and a field with a journalled decision gets that
 * decision (deciding again would take one side's earlier write for a new edit), so a re-run converges to what an
 * uninterrupted run writes, with each conflict on record once.
 * Only the SPI is used: any connector that can be read (Source) and written (DestinationWriter) can be a side.
 */
public final class BidiEngine {
    private static final Logger log = LoggerFactory.getLogger(BidiEngine.class);
    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** records (with their values) a side's read keeps on the heap before the rest goes to a temporary file */
    static final String HEAP_RECORDS_PROPERTY = "ferry.bidi.heapRecords";
    /** keys a set keeps on the heap before it goes to a temporary file */
    static final String HEAP_KEYS_PROPERTY = "ferry.bidi.heapKeys";

    private final StateStore store;
    private final Connectors connectors;
    private final Clock clock;

    public BidiEngine(StateStore store, Connectors connectors, Clock clock) {
        this.store = store;
        this.connectors = connectors;
        this.clock = clock;
    }

    public String newRunId() {
        return RUN_ID_TIME.format(clock.instant()) + "-" + String.format("%04x", RANDOM.nextInt(0x10000));
    }

    /** The counters of a bidirectional run, in the order the JSON shows them. */
    public static final List<String> COUNTERS = List.of("a_to_b", "b_to_a", "conflicts", "auto_resolved", "pending_manual", "deleted");

    public RunInfo run(BidiJob job, RunListener listener, CancelToken cancel) {
        return run(newRunId(), job, listener, cancel);
    }

    /** Runs to the end (or failure) and returns the final run; never throws for run failures. */
    public RunInfo run(String runId, BidiJob job, RunListener listener, CancelToken cancel) {
        BidiStore bidi = bidiStore();
        Instant started = clock.instant();
        Tally tally = new Tally();
        RunInfo[] last = {info(runId, job, RunStatus.RUNNING, Phase.PLANNING, tally, started, null, null, null)};
        store.saveRun(last[0]);
        listener.onUpdate(last[0]);
        List<Lease> leases = new ArrayList<>();
        ScheduledExecutorService heartbeat = null;
        try {
            // both tables are written: lease both, in a fixed order so two syncs never wait on each other crosswise
            List<String> resources = new ArrayList<>(List.of(job.a().resource(), job.b().resource()));
            resources.sort(null);
            for (String r : resources) {
                Lease l = store.acquireLease(r, runId);
                leases.add(l);
                l.tookOverFrom().ifPresent(this::markInterrupted);
            }
            heartbeat = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("ferry-lease").factory());
            heartbeat.scheduleAtFixedRate(() -> leases.forEach(this::safeHeartbeat), 10, 10, TimeUnit.SECONDS);
            if (job.fullRefresh()) bidi.resetCursors(job.name());
            Consumer<Phase> phase = p -> {
                last[0] = info(runId, job, RunStatus.RUNNING, p, tally, started, null, null, null);
                store.saveRun(last[0]);
                listener.onUpdate(last[0]);
            };
            Pass pass = new Pass(job, runId, bidi, tally, Optional.empty(), leases, cancel, listener);
            pass.execute(phase);
            if (pass.cancelled) {
                last[0] = info(runId, job, RunStatus.CANCELLED, Phase.DONE, tally, started, clock.instant(),
                        "cancelled; what was committed stays, run again to finish", null);
            } else {
                last[0] = info(runId, job, RunStatus.SUCCEEDED, Phase.DONE, tally, started, clock.instant(), tally.summary(), null);
            }
        } catch (LeaseHeldException e) {
            last[0] = info(runId, job, RunStatus.FAILED, Phase.DONE, tally, started, clock.instant(),
                    "not started: another run holds a side", e.getMessage());
        } catch (RuntimeException e) {
            String what = ErrorClassifier.describe(e);
            log.error("run={} failed: {}", runId, what, log.isDebugEnabled() ? e : null);
            last[0] = info(runId, job, RunStatus.FAILED, Phase.DONE, tally, started, clock.instant(),
                    "failed; what was committed stays, run again to converge", what);
        } finally {
            if (heartbeat != null) dev.ferry.core.Engine.stopQuietly(heartbeat);
            try {
                store.saveRun(last[0]);
            } catch (RuntimeException e) {
                log.error("run={} could not save its final state: {}", runId, ErrorClassifier.describe(e));
            }
            for (Lease l : leases) {
                try {
                    store.releaseLease(l);
                } catch (RuntimeException e) {
                    log.warn("run={} could not release its lease: {}", runId, ErrorClassifier.describe(e));
                }
            }
            listener.onUpdate(last[0]);
        }
        return last[0];
    }

    /**
     * What a run would do now, writing nothing (no side, no base, no conflict, no cursor, no run row, no lease):
     * the same reads and decisions, with up to {@code samples} changes per kind and their field diffs.
     */
    public PreviewReport preview(BidiJob job, int samples) {
        long t0 = System.nanoTime();
        Tally tally = new Tally();
        Pass pass = new Pass(job, "preview", bidiStore(), tally, Optional.of(new Samples(samples)), List.of(), new CancelToken(),
                RunListener.NONE);
        pass.execute(p -> { });
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String c : COUNTERS) counts.put(c, tally.get(c));
        counts.put("unchanged", tally.get("unchanged"));
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("readA", tally.get("read_a"));
        stats.put("readB", tally.get("read_b"));
        return new PreviewReport(job.name(), "bidirectional", counts, pass.samples.orElseThrow().byKind, stats, (System.nanoTime() - t0) / 1e9);
    }

    private BidiStore bidiStore() {
        return store.bidi().orElseThrow(() -> new SyncException("this state store keeps no bidirectional state; use the JDBC state store"));
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Counters of one run. */
    static final class Tally {
        private final Map<String, Long> c = new java.util.concurrent.ConcurrentHashMap<>();

        void add(String k, long n) {
            if (n != 0) c.merge(k, n, Long::sum);
        }

        long get(String k) {
            return c.getOrDefault(k, 0L);
        }

        String summary() {
            return String.format(Locale.ROOT, "%d a→b, %d b→a, %d conflicts (%d resolved by rule, %d waiting for a person), %d deleted",
                    get("a_to_b"), get("b_to_a"), get("conflicts"), get("auto_resolved"), get("pending_manual"), get("deleted"));
        }
    }

    /** Preview samples: up to N per kind. */
    static final class Samples {
        final int max;
        final Map<String, List<PreviewReport.Sample>> byKind = new LinkedHashMap<>();

        Samples(int max) {
            this.max = Math.max(0, max);
            for (String k : List.of("a_to_b", "b_to_a", "conflicts", "deleted")) byKind.put(k, new ArrayList<>());
        }

        void add(String kind, PreviewReport.Sample s) {
            List<PreviewReport.Sample> l = byKind.get(kind);
            if (l.size() < max) l.add(s);
        }

        boolean wants(String kind) {
            return byKind.get(kind).size() < max;
        }
    }

    private RunInfo info(String runId, BidiJob job, RunStatus status, Phase phase, Tally t, Instant started, Instant finished,
                         String message, String error) {
        long written = t.get("a_to_b") + t.get("b_to_a");
        Counters c = new Counters(-1, t.get("read_a") + t.get("read_b"), t.get("inserted"), t.get("updated"), t.get("unchanged"), 0, 0);
        Map<String, Object> stats = new LinkedHashMap<>();
        for (String k : COUNTERS) stats.put(k, t.get(k));
        stats.put("read_a", t.get("read_a"));
        stats.put("read_b", t.get("read_b"));
        stats.put("rowsWritten", written);
        if (t.get("retries") > 0) stats.put("retries", t.get("retries")); // as a one-way run's stats
        stats.put("seconds", java.time.Duration.between(started, finished == null ? clock.instant() : finished).toMillis() / 1000.0);
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("direction", "bidirectional");
        options.put("a", job.a().type());
        options.put("b", job.b().type());
        options.put("strategy", job.conflicts().strategy().label());
        options.put("deletions", job.deletions().label());
        options.put("fullRefresh", job.fullRefresh());
        options.put("batchSize", job.batchSize());
        options.put("incremental", job.a().cursor().isPresent() || job.b().cursor().isPresent());
        job.origin().ifPresent(o -> options.put("origin", o));
        return new RunInfo(runId, job.name(), job.a().resource() + " <-> " + job.b().resource(), status, phase, c, started,
                Optional.ofNullable(finished), Optional.ofNullable(message), Optional.ofNullable(error), Optional.empty(), options, stats);
    }

    private void markInterrupted(String runId) {
        store.findRun(runId).filter(r -> r.status() == RunStatus.RUNNING).ifPresent(r -> store.saveRun(new RunInfo(
                r.runId(), r.syncName(), r.destination(), RunStatus.INTERRUPTED, r.phase(), r.counters(), r.startedAt(),
                Optional.of(clock.instant()), Optional.of("interrupted (process gone); a later run converged from the base"),
                r.error(), r.resumedFrom(), r.options(), r.stats())));
    }

    private void safeHeartbeat(Lease lease) {
        try {
            store.heartbeat(lease);
        } catch (RuntimeException e) {
            log.warn("run={} lease heartbeat failed: {}", lease.runId(), ErrorClassifier.describe(e));
        }
    }

    /** Normalises a modification time or change counter so the two sides compare. */
    static Optional<Comparable<?>> modified(Object v) {
        return Optional.ofNullable(switch (v) {
            case null -> null;
            case OffsetDateTime t -> t.toInstant();
            case LocalDateTime t -> t.toInstant(ZoneOffset.UTC);
            case LocalDate d -> d.atStartOfDay().toInstant(ZoneOffset.UTC);
            case BigDecimal d -> d;
            case Number n -> new BigDecimal(n.toString());
            default -> v.toString();
        });
    }

    /** A record's key as text, the same on both sides: canonical values joined by '|' ('|' and '\' escaped). */
    static String key(Object[] row, int[] keyIdx) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < keyIdx.length; i++) {
            if (i > 0) sb.append('|');
            String s = Canon.of(row[keyIdx[i]]);
            if (s == null) sb.append("\\N");
            else for (int j = 0; j < s.length(); j++) {
                char ch = s.charAt(j);
                if (ch == '|' || ch == '\\') sb.append('\\');
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** One pass over both sides: a run, or (with samples) a preview that writes nothing. */
    private final class Pass {
        final BidiJob job;
        final String runId;
        final BidiStore bidi;
        final Tally tally;
        final Optional<Samples> samples;
        final List<Lease> leases;
        final CancelToken cancel;
        final Retrier retrier;
        final PassClock parts = new PassClock();
        // ~2 KB per record of 20 fields, ~100 bytes per key: about 100 MB and 20 MB of heap at most
        final int heapRecords = Integer.getInteger(HEAP_RECORDS_PROPERTY, 50_000);
        final int heapKeys = Integer.getInteger(HEAP_KEYS_PROPERTY, 200_000);
        boolean cancelled;

        Schema fields;          // the synchronised columns, in a's order and types
        int[] keyIdx;           // key positions within fields
        Resolver resolver;
        Map<String, Map<String, Conflict>> open = new HashMap<>();
        final List<Object[]> writeA = new ArrayList<>(), writeB = new ArrayList<>(), deleteA = new ArrayList<>(), deleteB = new ArrayList<>();
        final List<BaseRow> baseUpserts = new ArrayList<>();
        final List<String> baseDeletes = new ArrayList<>();
        final List<Conflict> conflicts = new ArrayList<>();
        DestinationWriter writerA, writerB;

        Pass(BidiJob job, String runId, BidiStore bidi, Tally tally, Optional<Samples> samples, List<Lease> leases, CancelToken cancel,
             RunListener listener) {
            this.job = job;
            this.runId = runId;
            this.bidi = bidi;
            this.tally = tally;
            this.samples = samples;
            this.leases = leases;
            this.cancel = cancel;
            this.retrier = Retrier.forRun(job.retry(), runId, listener, () -> tally.add("retries", 1));
        }

        boolean dryRun() {
            return samples.isPresent();
        }

        /**
         * What one side's read kept: rows that differ from the base (with the base read for them), and (on a
         * whole-table read) every key seen. Both move to a temporary file past a limit, so a first run over millions
         * of records (no base yet: every record differs) holds no side on the heap.
         */
        final class SideRead implements AutoCloseable {
            final BidiJob.Side side;
            final ReadSpec spec;
            final boolean whole;
            final int[] idx;        // positions of the fields in the side's rows
            final int modIdx;
            final SpillMap<Kept> changed = new SpillMap<>(heapRecords, Kept.CODEC);
            final SpillSet seen = new SpillSet(heapKeys);

            SideRead(BidiJob.Side side, ReadSpec spec, Schema schema) {
                this.side = side;
                this.spec = spec;
                this.whole = spec.cursorFrom().isEmpty();
                this.idx = new int[fields.size()];
                List<String> missing = new ArrayList<>();
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = schema.indexOf(fields.column(i).name());
                    if (idx[i] < 0) missing.add(fields.column(i).name());
                }
                if (!missing.isEmpty()) {
                    throw new ConfigException(side.id() + ".table: " + side.table() + " lacks the synchronised column(s) " + missing
                            + "; add them, or list them under exclude:");
                }
                this.modIdx = side.modifiedAt().map(schema::indexOf).orElse(-1);
                if (side.modifiedAt().isPresent() && modIdx < 0) {
                    throw new ConfigException(side.id() + ".modifiedAt: column '" + side.modifiedAt().get() + "' is not in "
                            + side.table() + "; its columns are " + schema.names());
                }
            }

            List<String> values(Object[] row) {
                List<String> v = new ArrayList<>(idx.length);
                for (int i : idx) v.add(Canon.of(row[i]));
                return v;
            }

            String keyOf(Object[] row) {
                Object[] k = new Object[keyIdx.length];
                for (int i = 0; i < keyIdx.length; i++) k[i] = row[idx[keyIdx[i]]];
                int[] all = new int[k.length];
                for (int i = 0; i < all.length; i++) all[i] = i;
                return key(k, all);
            }

            @Override
            public void close() {
                changed.close();
                seen.close();
            }
        }

        void execute(Consumer<Phase> phase) {
            Map<String, String> cursors = job.fullRefresh() ? Map.of() : bidi.cursors(job.name());
            try (Source srcA = retrier.call(() -> connectors.requireSource(job.a().type()).open(job.a().source()));
                 Destination dstA = retrier.call(() -> connectors.requireDestination(job.a().type()).open(job.a().destination()));
                 Destination dstB = retrier.call(() -> connectors.requireDestination(job.b().type()).open(job.b().destination()))) {
                Schema schemaA = retrier.call(srcA::schema);
                fields = fieldsOf(schemaA);
                keyIdx = fields.indexesOf(job.a().key());
                resolver = new Resolver(job.name(), fields.names(), job.conflicts(), job.deletions());
                WriteSpec specA = new WriteSpec(job.a().table(), job.a().key(), WriteMode.UPSERT, job.name() + "#a", false);
                WriteSpec specB = new WriteSpec(job.b().table(), job.b().key(), WriteMode.UPSERT, job.name() + "#b", false);
                // b's table is created from a's fields when missing (a preview creates nothing, and reads b as empty)
                writerB = retrier.call(() -> dryRun() ? dstB.openPreview(fields, specB) : dstB.open(fields, specB));
                writerA = retrier.call(() -> dryRun() ? dstA.openPreview(fields, specA) : dstA.open(fields, specA));
                try (DestinationWriter wa = writerA; DestinationWriter wb = writerB;
                     Source srcB = openB()) {
                    // only the open ones: waiting for a person, decided by one and not yet written, or decided by a
                    // rule in a run that crashed before committing its base (the journal a re-run follows)
                    for (Conflict.Status st : List.of(Conflict.Status.PENDING, Conflict.Status.RESOLVED, Conflict.Status.DECIDED)) {
                        for (var e : bidi.conflicts(Optional.of(job.name()), Optional.of(st), Integer.MAX_VALUE)) {
                            open.computeIfAbsent(e.key(), k -> new HashMap<>()).put(e.field(), e);
                        }
                    }
                    try (SideRead b = srcB == null ? null : plan(srcB, job.b(), cursors);
                         SideRead a = plan(srcA, job.a(), cursors);
                         SpillSet decided = new SpillSet(heapKeys)) {
                        phase.accept(Phase.READING);
                        if (b != null) parts.time("b pass", () -> readB(srcB, b));
                        phase.accept(Phase.WRITING);
                        parts.time("a pass", () -> streamA(srcA, a, b, decided));
                        if (cancelled) return;
                        parts.time("b leftovers", () -> leftovers(a, b, decided));
                        if (a.whole || (b == null || b.whole)) parts.time("deletions", () -> deletions(a, b, decided));
                        awaiting(a, b, decided);
                        flush();
                        if (!dryRun()) {
                            Map<String, String> next = new LinkedHashMap<>();
                            a.spec.cursorTo().ifPresent(c -> next.put("a", c));
                            if (b != null) b.spec.cursorTo().ifPresent(c -> next.put("b", c));
                            phase.accept(Phase.FINISHING);
                            bidi.saveCursors(job.name(), next);
                        }
                        log.info("run={} time by part (passes include their reads and writes): {}", runId, parts);
                    }
                }
            }
        }

        /** b's source, or null when its table does not exist yet and this is a preview (it reads as empty). */
        Source openB() {
            Source s = retrier.call(() -> connectors.requireSource(job.b().type()).open(job.b().source()));
            if (!dryRun()) return s;
            try {
                s.schema();
                return s;
            } catch (RuntimeException e) {
                s.close();
                return null;
            }
        }

        Schema fieldsOf(Schema schemaA) {
            Set<String> out = new HashSet<>();
            for (String x : job.exclude()) out.add(x.toLowerCase(Locale.ROOT));
            for (BidiJob.Side s : List.of(job.a(), job.b())) {
                s.cursor().ifPresent(c -> out.add(c.toLowerCase(Locale.ROOT)));
                s.modifiedAt().ifPresent(c -> out.add(c.toLowerCase(Locale.ROOT)));
            }
            List<Column> cols = new ArrayList<>();
            for (Column c : schemaA.columns()) if (!out.contains(c.name().toLowerCase(Locale.ROOT))) cols.add(c);
            for (String k : job.a().key()) {
                if (out.contains(k.toLowerCase(Locale.ROOT))) {
                    throw new ConfigException("exclude: the key column '" + k + "' cannot be excluded (nor be a cursor or modifiedAt)");
                }
                if (schemaA.indexOf(k) < 0) {
                    throw new ConfigException("a.key: column '" + k + "' is not in " + job.a().table() + "; its columns are " + schemaA.names());
                }
            }
            return new Schema(cols);
        }

        SideRead plan(Source src, BidiJob.Side side, Map<String, String> cursors) {
            Schema schema = retrier.call(src::schema);
            Optional<String> from = side.cursor().isPresent() ? Optional.ofNullable(cursors.get(side.id())) : Optional.empty();
            ReadSpec spec = new ReadSpec(side.key(), side.cursor(), from, Optional.empty(), job.batchSize());
            if (side.cursor().isPresent()) {
                ReadSpec planned = spec;
                Plan p = retrier.call(() -> src.plan(planned));
                spec = spec.withCursorTo(p.cursorTo().or(spec::cursorFrom));
            }
            return new SideRead(side, spec, schema);
        }

        void readB(Source src, SideRead b) {
            try (SourceReader r = retrier.call(() -> src.open(b.spec, Optional.empty()))) {
                while (true) {
                    Optional<Batch> batch = parts.time("read b", () -> retrier.call(r::next));
                    if (batch.isEmpty()) break;
                    List<Object[]> rows = batch.get().rows();
                    tally.add("read_b", rows.size());
                    List<String> keys = new ArrayList<>(rows.size());
                    List<List<String>> values = new ArrayList<>(rows.size());
                    List<Object[]> kept = new ArrayList<>(rows.size());
                    for (Object[] row : rows) {
                        String k = b.keyOf(row);
                        keys.add(k);
                        values.add(b.values(row));
                        kept.add(row);
                        if (b.whole) b.seen.add(k);
                    }
                    Map<String, BaseRow> base = baseOf(keys);
                    for (int i = 0; i < keys.size(); i++) {
                        BaseRow was = base.get(keys.get(i));
                        if (was != null && was.values().equals(values.get(i)) && !open.containsKey(keys.get(i))) continue;
                        // the base is kept with the record: deciding it later reads it no second time
                        b.changed.put(keys.get(i), new Kept(new Resolver.SideState(values.get(i), false,
                                b.modIdx < 0 ? Optional.empty() : modified(kept.get(i)[b.modIdx])), Optional.ofNullable(was)));
                    }
                }
            }
        }

        void streamA(Source src, SideRead a, SideRead b, SpillSet decided) {
            try (SourceReader r = retrier.call(() -> src.open(a.spec, Optional.empty()))) {
                while (true) {
                    if (cancel.isCancelled()) {
                        cancelled = true;
                        flush();
                        return;
                    }
                    Optional<Batch> batch = parts.time("read a", () -> retrier.call(r::next));
                    if (batch.isEmpty()) break;
                    List<Object[]> rows = batch.get().rows();
                    tally.add("read_a", rows.size());
                    List<String> keys = new ArrayList<>(rows.size());
                    List<Kept> fromB = new ArrayList<>(rows.size());
                    List<String> unread = new ArrayList<>(rows.size());
                    for (Object[] row : rows) {
                        String k = a.keyOf(row);
                        keys.add(k);
                        Kept bk = b == null ? null : b.changed.remove(k);
                        fromB.add(bk);
                        if (bk == null) unread.add(k); // b's read brought the base of the others
                    }
                    Map<String, BaseRow> base = baseOf(unread);
                    for (int i = 0; i < rows.size(); i++) {
                        String k = keys.get(i);
                        if (a.whole) a.seen.add(k);
                        List<String> av = a.values(rows.get(i));
                        Kept bk = fromB.get(i);
                        Optional<BaseRow> was = bk == null ? Optional.ofNullable(base.get(k)) : bk.base();
                        Resolver.SideState bs = bk == null ? null : bk.state();
                        if (bs == null && was.isPresent() && was.get().values().equals(av) && !open.containsKey(k)
                                && !(b != null && b.whole && !b.seen.contains(k))) {
                            tally.add("unchanged", 1);
                            continue;
                        }
                        if (bs == null) bs = derived(b, k, was, "b");
                        Resolver.SideState as = new Resolver.SideState(av, false,
                                a.modIdx < 0 ? Optional.empty() : modified(rows.get(i)[a.modIdx]));
                        decide(k, was, as, bs);
                        decided.add(k);
                    }
                    if (pending() >= job.batchSize()) flush();
                }
            }
        }

        Map<String, BaseRow> baseOf(List<String> keys) {
            return parts.time("base read", () -> bidi.base(job.name(), keys));
        }

        /** Records b changed that a's read did not bring. */
        void leftovers(SideRead a, SideRead b, SpillSet decided) {
            if (b == null || b.changed.isEmpty()) return;
            b.changed.forEachChunk(job.batchSize(), chunk -> {
                for (Map.Entry<String, Kept> e : chunk) {
                    String k = e.getKey();
                    Optional<BaseRow> was = e.getValue().base();
                    decide(k, was, derived(a, k, was, "a"), e.getValue().state());
                    decided.add(k);
                }
                if (pending() >= job.batchSize()) flush();
            });
            b.changed.clear();
        }

        /** Whole-table reads: records of the base that a side no longer has. */
        void deletions(SideRead a, SideRead b, SpillSet decided) {
            // the base's keys a page at a time, after the last key seen: rows committed or dropped meanwhile shift no page
            Optional<String> after = Optional.empty();
            while (true) {
                Optional<String> from = after;
                List<String> page = parts.time("base keys", () -> bidi.baseKeys(job.name(), from, job.batchSize()));
                if (page.isEmpty()) break;
                after = Optional.of(page.getLast());
                List<String> gone = new ArrayList<>();
                for (String k : page) {
                    if (decided.contains(k)) continue;
                    boolean aGone = a.whole && !a.seen.contains(k);
                    boolean bGone = b == null || (b.whole && !b.seen.contains(k));
                    if (aGone || bGone) gone.add(k);
                }
                if (gone.isEmpty()) continue;
                Map<String, BaseRow> base = baseOf(gone);
                for (String k : gone) {
                    Optional<BaseRow> was = Optional.ofNullable(base.get(k));
                    decide(k, was, derived(a, k, was, "a"), derived(b, k, was, "b"));
                    decided.add(k);
                }
                if (pending() >= job.batchSize()) flush();
            }
        }

        /**
     * Conflicts a person resolved, and decisions journalled by a run that crashed, on records neither side's read
     * brought: written now.
     */
        void awaiting(SideRead a, SideRead b, SpillSet decided) {
            List<String> keys = new ArrayList<>();
            open.forEach((k, byField) -> {
                if (!decided.contains(k) && byField.values().stream().anyMatch(c -> c.awaitingApply() || c.status() == Conflict.Status.DECIDED)) {
                    keys.add(k);
                }
            });
            Map<String, BaseRow> base = keys.isEmpty() ? Map.of() : baseOf(keys);
            for (String k : keys) {
                Optional<BaseRow> was = Optional.ofNullable(base.get(k));
                if (was.isEmpty()) {
                    // a record both sides have since lost: a journalled decision about it is moot
                    for (Conflict c : open.get(k).values()) if (c.status() == Conflict.Status.DECIDED) conflicts.add(applied(c));
                    continue;
                }
                decide(k, was, derived(a, k, was, "a"), derived(b, k, was, "b"));
                decided.add(k);
            }
        }

        /**
         * What a side holds for a record its read did not bring: nothing new since the base (its values are the base's,
         * except fields queued for a person, where it keeps its own, and fields of a journalled decision, where it holds
         * what it held then or the decided value: the first is assumed, so the decision is written to it again), or, on
         * a whole-table read, nothing at all.
         */
        Resolver.SideState derived(SideRead s, String key, Optional<BaseRow> base, String side) {
            if (s == null) return Resolver.SideState.absent(base.isPresent());
            if (base.isEmpty()) return Resolver.SideState.absent(false);
            if (s.whole && !s.seen.contains(key)) return Resolver.SideState.absent(true);
            List<String> v = new ArrayList<>(base.get().values());
            Map<String, Conflict> q = open.get(key);
            if (q != null) {
                for (Conflict c : q.values()) {
                    if (c.status() != Conflict.Status.PENDING && c.status() != Conflict.Status.DECIDED) continue;
                    int i = fields.indexOf(c.field());
                    if (i >= 0) v.set(i, ("a".equals(side) ? c.aValue() : c.bValue()).orElse(null));
                }
            }
            return Resolver.SideState.of(v);
        }

        void decide(String key, Optional<BaseRow> base, Resolver.SideState a, Resolver.SideState b) {
            Resolver.Decision d = resolver.decide(key, base, a, b, open.getOrDefault(key, Map.of()), runId, clock.instant());
            if (d.changesNothing()) {
                tally.add("unchanged", 1);
                return;
            }
            d.writeB().ifPresent(v -> {
                writeB.add(typed(v));
                sample("a_to_b", key, b.values(), v);
            });
            d.writeA().ifPresent(v -> {
                writeA.add(typed(v));
                sample("b_to_a", key, a.values(), v);
            });
            if (d.deleteA()) deleteA.add(keyRow(base.orElseThrow()));
            if (d.deleteB()) deleteB.add(keyRow(base.orElseThrow()));
            if (d.deleted()) {
                tally.add("deleted", 1);
                if (samples.isPresent() && samples.get().wants("deleted")) {
                    samples.get().add("deleted", new PreviewReport.Sample(key, Optional.of((!a.present() ? "gone from a" : "gone from b")
                            + " (" + job.deletions().label() + ")"), Map.of()));
                }
            }
            d.base().ifPresent(baseUpserts::add);
            if (d.dropBase()) baseDeletes.add(key);
            for (Conflict c : d.conflicts()) {
                conflicts.add(c);
                if (c.id() == 0) {
                    tally.add("conflicts", 1);
                    if (samples.isPresent() && samples.get().wants("conflicts")) {
                        samples.get().add("conflicts", new PreviewReport.Sample(key, Optional.of(c.field() + ": " + c.strategy()),
                                Map.of(c.field(), new PreviewReport.FieldDiff(c.aValue(), c.status() == Conflict.Status.PENDING
                                        ? Optional.of("(waits for a person; b has " + c.bValue().orElse("null") + ")") : c.resolution()))));
                    }
                }
            }
            tally.add("auto_resolved", d.autoResolved());
            tally.add("pending_manual", d.pendingManual());
        }

        void sample(String kind, String key, List<String> before, List<String> after) {
            if (samples.isEmpty() || !samples.get().wants(kind)) return;
            Map<String, PreviewReport.FieldDiff> diff = new LinkedHashMap<>();
            for (int i = 0; i < after.size(); i++) {
                String was = before == null ? null : before.get(i);
                if (before != null && java.util.Objects.equals(was, after.get(i))) continue;
                diff.put(fields.column(i).name(), new PreviewReport.FieldDiff(Optional.ofNullable(was), Optional.ofNullable(after.get(i))));
            }
            samples.get().add(kind, new PreviewReport.Sample(key, Optional.of(before == null ? "new" : "update"), diff));
        }

        Object[] typed(List<String> v) {
            Object[] row = new Object[v.size()];
            for (int i = 0; i < row.length; i++) row[i] = Canon.typed(v.get(i), fields.column(i).type());
            return row;
        }

        Object[] keyRow(BaseRow base) {
            return typed(base.values());
        }

        int pending() {
            return writeA.size() + writeB.size() + deleteA.size() + deleteB.size() + baseUpserts.size() + baseDeletes.size();
        }

        /**
         * One step, in the order a re-run relies on: the conflicts found, with what a rule decided for them (the journal:
         * a re-run after a crash applies that decision instead of deciding again on sides one of which it may have
         * written already), then b, then a, then the base together with the conflicts it closes (the journalled
         * decisions turn applied).
         */
        void flush() {
            if (pending() == 0 && conflicts.isEmpty()) return;
            if (!dryRun()) {
                List<Conflict> found = conflicts.stream().filter(c -> c.id() == 0).toList();
                List<Conflict> known = conflicts.stream().filter(c -> c.id() != 0).toList();
                List<Conflict> journalled = found.isEmpty() ? List.of()
                        : parts.time("conflicts", () -> retrier.call(() -> bidi.commit(job.name(), List.of(), List.of(), found)));
                List<Conflict> closed = new ArrayList<>(known.size() + journalled.size());
                for (Conflict c : known) closed.add(applied(c));
                for (Conflict c : journalled) if (c.status() == Conflict.Status.DECIDED) closed.add(applied(c));
                WriteResult rb = parts.time("write b", () -> write(writerB, writeB));
                WriteResult ra = parts.time("write a", () -> write(writerA, writeA));
                tally.add("a_to_b", rb.inserted() + rb.updated());
                tally.add("b_to_a", ra.inserted() + ra.updated());
                tally.add("inserted", rb.inserted() + ra.inserted());
                tally.add("updated", rb.updated() + ra.updated());
                if (!deleteB.isEmpty()) retrier.call(() -> writerB.delete(new Batch(0, fields, List.copyOf(deleteB), "", 0)));
                if (!deleteA.isEmpty()) retrier.call(() -> writerA.delete(new Batch(0, fields, List.copyOf(deleteA), "", 0)));
                parts.time("lease", () -> leases.forEach(store::heartbeat)); // a run whose lease was taken over must not commit
                parts.time("base commit", () -> retrier.run(() -> bidi.commit(job.name(), List.copyOf(baseUpserts), List.copyOf(baseDeletes), closed)));
            } else {
                // a preview counts what the writes would do, as a run reports them
                tally.add("a_to_b", writeB.size());
                tally.add("b_to_a", writeA.size());
            }
            writeA.clear();
            writeB.clear();
            deleteA.clear();
            deleteB.clear();
            baseUpserts.clear();
            baseDeletes.clear();
            conflicts.clear();
        }

        /** A journalled decision, written: applied (any other conflict is stored as it is). */
        Conflict applied(Conflict c) {
            return c.status() == Conflict.Status.DECIDED ? c.withStatus(Conflict.Status.APPLIED) : c;
        }

        WriteResult write(DestinationWriter w, List<Object[]> rows) {
            if (rows.isEmpty()) return WriteResult.NONE;
            Batch batch = new Batch(0, fields, List.copyOf(rows), "", 0);
            return retrier.call(() -> w.write(batch));
        }
    }
}
