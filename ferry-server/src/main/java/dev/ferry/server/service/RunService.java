package dev.ferry.server.service;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import dev.ferry.core.CancelToken;
import dev.ferry.core.Counters;
import dev.ferry.core.DeadLetter;
import dev.ferry.core.Engine;
import dev.ferry.core.LeaseHeldException;
import dev.ferry.core.RunInfo;
import dev.ferry.core.RunListener;
import dev.ferry.core.RunStatus;
import dev.ferry.core.RunViews;
import dev.ferry.core.StateStore;
import dev.ferry.core.SyncJob;
import dev.ferry.server.FerryProperties;
import dev.ferry.server.api.ApiException;
import dev.ferry.server.service.SyncService.Sync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.core.type.TypeReference;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs as the API sees them: queued requests (one active per destination, enforced by a unique key), executed in the
 * background by db-scheduler on whichever node picks them, with cancel, retry, history, dead letters and stats.
 */
@Service
public class RunService {
    private static final Logger log = LoggerFactory.getLogger(RunService.class);
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };
    public static final String RUN_TASK = "ferry-run";
    static final java.util.Set<String> ACTIVE = java.util.Set.of("queued", "running");

    /** How a run is started: null fields keep the sync's own settings. */
    public record RunOptions(Boolean fullRefresh, Integer batchSize) {
        public static final RunOptions DEFAULT = new RunOptions(null, null);

        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (fullRefresh != null) m.put("fullRefresh", fullRefresh);
            if (batchSize != null) m.put("batchSize", batchSize);
            return m;
        }
    }

    /** The server's row for a run (the engine's row, with counters, appears once it starts). */
    public record RunRow(String runId, String tenantId, String syncId, String status, String trigger, String destination,
                         boolean cancelRequested, Map<String, Object> options, Optional<String> message,
                         Optional<String> retryOf, Instant requestedAt, Optional<Instant> finishedAt) {
        public boolean active() {
            return ACTIVE.contains(status);
        }
    }

    private final JdbcClient db;
    private final SyncService syncs;
    private final StateStore store;
    private final Engine engine;
    private final Clock clock;
    private final FerryProperties props;
    private final ObjectProvider<SchedulerClient> scheduler;
    private final List<RunObserver> observers;
    private final Map<String, CancelToken> local = new ConcurrentHashMap<>();
    private final org.springframework.transaction.support.TransactionTemplate tx;
    private final RunLog timeline;
    private final dev.ferry.core.Connectors connectors;
    private final String node;

    /** Told about each run's snapshots on the node that executes it, and once when it ends (metrics, webhooks). */
    public interface RunObserver {
        default void progress(RunRow row, RunInfo info) {
        }

        /** A batch was committed on this node. */
        default void batch(RunRow row, int rows, Duration took) {
        }

        void finished(RunRow row, Optional<RunInfo> info);
    }

    public RunService(JdbcClient db, SyncService syncs, StateStore store, Engine engine, Clock clock, FerryProperties props,
                      ObjectProvider<SchedulerClient> scheduler, List<RunObserver> observers,
                      org.springframework.transaction.PlatformTransactionManager transactions, RunLog timeline,
                      dev.ferry.core.Connectors connectors,
                      @org.springframework.beans.factory.annotation.Value("${db-scheduler.scheduler-name:}") String schedulerName) {
        this.node = describeNode(schedulerName);
        this.timeline = timeline;
        this.connectors = connectors;
        this.tx = new org.springframework.transaction.support.TransactionTemplate(transactions);
        this.db = db;
        this.syncs = syncs;
        this.store = store;
        this.engine = engine;
        this.clock = clock;
        this.props = props;
        this.scheduler = scheduler;
        this.observers = observers;
    }

    // ------------------------------------------------------------------ trigger

    public RunRow trigger(String tenantId, String syncId, RunOptions options, String trigger) {
        return trigger(tenantId, syncs.get(tenantId, syncId), options, trigger, Optional.empty());
    }

    RunRow trigger(String tenantId, Sync sync, RunOptions options, String trigger, Optional<String> retryOf) {
        List<String> problems = new ArrayList<>();
        if (options.batchSize() != null && (options.batchSize() < 1 || options.batchSize() > 1_000_000)) {
            problems.add("batchSize: " + options.batchSize() + " is out of range; use 1 to 1000000");
        }
        if (!problems.isEmpty()) throw ApiException.invalid(problems);
        cooldownLeft(sync).ifPresent(left -> {
            throw ApiException.tooMany("sync " + sync.name() + " is cooling down: its last run ended less than "
                    + SyncService.cooldown(sync).orElseThrow().toSeconds() + " s ago (cooldown); it may run again in "
                    + Math.max(1, (left.toMillis() + 999) / 1000) + " s", left);
        });
        SyncJob job = syncs.job(sync);
        String destination = job.destinationResource();
        String key = Ids.sha256(destination);
        for (int attempt = 0; ; attempt++) {
            Instant now = clock.instant();
            RunRow row = new RunRow(Ids.runId(now), tenantId, sync.id(), "queued", trigger, destination, false,
                    options.asMap(), Optional.empty(), retryOf, now, Optional.empty());
            try {
                // the tenant's row lock serialises its triggers, so the limit holds under concurrency too
                tx.executeWithoutResult(status -> {
                    db.sql("SELECT id FROM fs_tenants WHERE id = ? FOR UPDATE").param(tenantId).query(String.class).optional();
                    int limit = props.maxConcurrentRuns();
                    long active = db.sql("SELECT COUNT(*) FROM fs_runs WHERE tenant_id = ? AND active_key IS NOT NULL")
                            .param(tenantId).query(Long.class).single();
                    if (active >= limit) {
                        throw ApiException.tooMany("tenant has " + active + " queued or running runs, its limit is " + limit
                                + "; try again when one has finished", Duration.ofSeconds(15));
                    }
                    db.sql("INSERT INTO fs_runs (run_id, tenant_id, sync_id, status, run_trigger, destination, active_key, "
                                    + "cancel_requested, options_json, retry_of, requested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                            .params(row.runId(), tenantId, sync.id(), row.status(), trigger, destination, key, false,
                                    SyncService.JSON.writeValueAsString(row.options()), retryOf.orElse(null), now.toEpochMilli())
                            .update();
                    timeline.add(row.runId(), RunLog.TRIGGERED, "triggered by " + trigger
                            + retryOf.map(x -> " (retry of " + x + ", resumes from its checkpoint)").orElse("")
                            + (Boolean.TRUE.equals(options.fullRefresh()) ? ", full refresh" : "")
                            + (options.batchSize() != null ? ", batches of " + options.batchSize() : ""));
                });
            } catch (DuplicateKeyException e) {
                Optional<String> holder = db.sql("SELECT run_id FROM fs_runs WHERE active_key = ?").param(key).query(String.class).optional();
                if (holder.isPresent()) {
                    // another tenant's run is not named: only that it is busy
                    boolean own = findRow(holder.get()).map(r -> r.tenantId().equals(tenantId)).orElse(false);
                    if (own) throw ApiException.activeRun(holder.get());
                    throw ApiException.conflict("the destination is busy with another run; try again later");
                }
                if (attempt < 3) continue; // a run id collided, or the holder finished just now
                throw ApiException.conflict("the destination is busy; try again");
            }
            // scheduled after the commit: the node that picks the task must find the run's row
            try {
                scheduler.getObject().scheduleIfNotExists(RunTasks.RUN.instance(row.runId()).data(row.runId()).scheduledTo(now));
            } catch (RuntimeException e) {
                db.sql("DELETE FROM fs_runs WHERE run_id = ?").param(row.runId()).update();
                throw e;
            }
            log.info("run={} queued for sync={} trigger={}", row.runId(), sync.id(), trigger);
            return row;
        }
    }

    /** A schedule fired while a run was active (or the tenant at its limit): recorded as a skipped run saying why. */
    public void recordSkipped(Sync sync, String why) {
        Instant now = clock.instant();
        String runId = Ids.runId(now);
        db.sql("INSERT INTO fs_runs (run_id, tenant_id, sync_id, status, run_trigger, destination, active_key, cancel_requested, "
                        + "options_json, message, requested_at, finished_at) VALUES (?, ?, ?, 'skipped', 'schedule', ?, NULL, ?, '{}', ?, ?, ?)")
                .params(runId, sync.tenantId(), sync.id(), syncs.job(sync).destinationResource(), false,
                        why, now.toEpochMilli(), now.toEpochMilli())
                .update();
        safeEvent(runId, RunLog.SKIPPED, "the schedule fired; " + why);
    }

    /**
     * Time left in the sync's cool-down ({@code cooldown:} after its last run ended), empty when it may run now.
     * Skipped scheduled fires do not count as runs.
     */
    public Optional<Duration> cooldownLeft(Sync sync) {
        Optional<Duration> cooldown = SyncService.cooldown(sync);
        if (cooldown.isEmpty() || cooldown.get().isZero()) return Optional.empty();
        Optional<Long> lastEnd = db.sql("SELECT MAX(finished_at) FROM fs_runs WHERE sync_id = ? AND status <> 'skipped'")
                .param(sync.id()).query(Long.class).optional();
        if (lastEnd.isEmpty() || lastEnd.get() == null) return Optional.empty();
        Duration left = Duration.ofMillis(lastEnd.get() + cooldown.get().toMillis() - clock.millis());
        return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
    }

    // ------------------------------------------------------------------ read

    public RunRow get(String tenantId, String runId) {
        return findRow(runId).filter(r -> r.tenantId().equals(tenantId)).orElseThrow(() -> ApiException.notFound("run " + runId));
    }

    public Optional<RunRow> findRow(String runId) {
        return db.sql("SELECT * FROM fs_runs WHERE run_id = ?").param(runId).query(this::row).optional();
    }

    public Optional<RunRow> activeRunOf(String syncId) {
        return db.sql("SELECT * FROM fs_runs WHERE sync_id = ? AND active_key IS NOT NULL").param(syncId).query(this::row).optional();
    }

    public record Page<T>(List<T> items, int page, int size, long total) {
    }

    /** A sync's runs, newest first. */
    public Page<Map<String, Object>> history(String tenantId, String syncId, int page, int size) {
        syncs.get(tenantId, syncId);
        int p = Math.max(0, page);
        int s = Math.max(1, Math.min(100, size));
        long total = db.sql("SELECT COUNT(*) FROM fs_runs WHERE sync_id = ?").param(syncId).query(Long.class).single();
        List<RunRow> rows = db.sql("SELECT * FROM fs_runs WHERE sync_id = ? ORDER BY requested_at DESC, run_id DESC LIMIT ? OFFSET ?")
                .params(syncId, s, (long) p * s).query(this::row).list();
        return new Page<>(rows.stream().map(this::view).toList(), p, s, total);
    }

    /** The run's public shape ({@link RunViews}), from the engine's row once it has one. */
    public Map<String, Object> view(RunRow r) {
        Optional<RunInfo> info = "skipped".equals(r.status()) ? Optional.empty() : store.findRun(r.runId());
        Map<String, Object> m;
        if (info.isPresent()) {
            m = RunViews.asMap(info.get());
            // the server's row says whether the run has ended, the engine's how: the engine saves its end before the
            // server stores the timeline's last events and then ends its row (finish()), so until then the run shows
            // as running and whoever sees it ended finds the whole timeline. The row also knows when the engine never
            // finished (cancelled while queued, or failed to start).
            if (r.active() == info.get().status().finished()) m.put("status", r.status());
        } else {
            m = new LinkedHashMap<>();
            m.put("runId", r.runId());
            m.put("syncId", r.syncId());
            m.put("status", r.status());
            m.put("phase", r.active() ? "queued" : "done");
            m.put("percentComplete", null);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("total", null);
            for (String k : List.of("processed", "inserted", "updated", "unchanged", "skipped", "failed")) c.put(k, 0L);
            m.put("counters", c);
            m.put("startedAt", null);
            m.put("finishedAt", r.finishedAt().map(Instant::toString).orElse(null));
            m.put("message", r.message().orElse(null));
            m.put("error", null);
            m.put("options", r.options());
        }
        m.put("syncId", r.syncId());
        if (r.cancelRequested() && r.active()) m.put("cancelRequested", true);
        m.put("trigger", r.trigger());
        m.put("requestedAt", r.requestedAt().toString());
        r.retryOf().ifPresent(x -> m.put("retryOf", x));
        return m;
    }

    /** The run's view plus its stored timeline and its retries with their reasons (GET /api/v1/runs/{id}). */
    public Map<String, Object> detail(RunRow r) {
        Map<String, Object> m = view(r);
        List<RunLog.Event> events = timeline.of(r.runId());
        m.put("retries", events.stream().filter(e -> e.kind().equals(RunLog.RETRY)).map(RunLog.Event::view).toList());
        m.put("events", events.stream().map(RunLog.Event::view).toList());
        return m;
    }

    public List<RunLog.Event> events(String runId, long afterId) {
        return timeline.since(runId, afterId);
    }

    public Optional<RunInfo> engineRun(String runId) {
        return store.findRun(runId);
    }

    // ------------------------------------------------------------------ cancel / retry

    /** Cancels a queued run at once; a running one stops after its batch in flight, its checkpoint kept. */
    public RunRow cancel(String tenantId, String runId) {
        RunRow r = get(tenantId, runId);
        if (!r.active()) throw ApiException.conflict("run " + runId + " has already ended (" + r.status() + ")");
        int queued = db.sql("UPDATE fs_runs SET status = 'cancelled', active_key = NULL, cancel_requested = ?, finished_at = ?, "
                        + "message = 'cancelled before it started' WHERE run_id = ? AND status = 'queued'")
                .params(true, clock.millis(), runId).update();
        if (queued == 1) {
            safeEvent(runId, RunLog.CANCEL, "cancelled before it started");
            safeEvent(runId, RunLog.COMPLETED, "ended cancelled: cancelled before it started");
            try {
                scheduler.getObject().cancel(TaskInstanceId.of(RUN_TASK, runId));
            } catch (RuntimeException e) {
                log.debug("run={} task already picked or gone: {}", runId, e.toString());
            }
        } else {
            db.sql("UPDATE fs_runs SET cancel_requested = ? WHERE run_id = ?").params(true, runId).update();
            safeEvent(runId, RunLog.CANCEL, "cancel requested: stops after the batch in flight, its checkpoint kept");
            CancelToken t = local.get(runId);
            if (t != null) t.cancel();
        }
        return findRow(runId).orElseThrow();
    }

    /** Starts a new run of the same sync and options; it resumes from the checkpoint the failed run left. */
    public RunRow retry(String tenantId, String runId) {
        RunRow r = get(tenantId, runId);
        String status = view(r).get("status").toString();
        if (!List.of("failed", "cancelled", "interrupted").contains(status)) {
            throw ApiException.conflict("run " + runId + " is " + status + "; only failed, cancelled or interrupted runs are retried");
        }
        Sync sync = syncs.get(tenantId, r.syncId());
        Object fr = r.options().get("fullRefresh");
        Object bs = r.options().get("batchSize");
        // a retry resumes: never a full refresh, which would drop the checkpoint
        RunOptions options = new RunOptions(fr == null ? null : false, bs == null ? null : ((Number) bs).intValue());
        return trigger(tenantId, sync, options, "retry", Optional.of(runId));
    }

    // ------------------------------------------------------------------ dead letters

    public Page<Map<String, Object>> deadLetters(String tenantId, String runId, int page, int size) {
        get(tenantId, runId);
        List<DeadLetter> all = store.deadLetters(runId);
        int p = Math.max(0, page);
        int s = Math.max(1, Math.min(500, size));
        List<Map<String, Object>> items = all.stream().skip((long) p * s).limit(s).map(d -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", d.id());
            m.put("key", d.sourceKey());
            m.put("reason", d.reason());
            m.put("payload", d.payload());
            m.put("createdAt", d.createdAt().toString());
            return m;
        }).toList();
        return new Page<>(items, p, s, all.size());
    }

    public Map<String, Object> replay(String tenantId, String runId) {
        return replay(tenantId, runId, Optional.empty());
    }

    /** Replays the run's dead letters, or only those with the given ids. */
    public Map<String, Object> replay(String tenantId, String runId, Optional<java.util.Set<Long>> onlyIds) {
        RunRow r = get(tenantId, runId);
        if (r.active()) throw ApiException.conflict("run " + runId + " is still active; replay its dead letters when it has ended");
        Sync sync = syncs.get(tenantId, r.syncId());
        try {
            RunInfo after = engine.replay(runId, syncs.job(sync), d -> onlyIds.map(ids -> ids.contains(d.id())).orElse(true));
            safeEvent(runId, RunLog.REPLAY, "dead letters replayed" + onlyIds.map(ids -> " (" + ids.size() + " selected)").orElse(" (all)")
                    + ": run is now " + after.status().label() + after.message().map(x -> "; " + x).orElse(""));
            return RunViews.asMap(after);
        } catch (LeaseHeldException e) {
            throw ApiException.conflict("another run holds the destination; replay when it has ended");
        }
    }

    // ------------------------------------------------------------------ stats

    /** Per sync over the window: last success, last status, average duration, rows moved, failure rate. */
    public List<Map<String, Object>> stats(String tenantId, Duration window) {
        long since = clock.instant().minus(window).toEpochMilli();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Sync s : syncs.list(tenantId)) {
            List<RunRow> rows = db.sql("SELECT * FROM fs_runs WHERE sync_id = ? AND requested_at >= ? ORDER BY requested_at DESC")
                    .params(s.id(), since).query(this::row).list();
            long finished = 0, failed = 0, rowsMoved = 0;
            double seconds = 0;
            String lastStatus = null;
            String lastSuccess = null;
            for (RunRow r : rows) {
                Optional<RunInfo> info = store.findRun(r.runId());
                // as in view(): the server's row says whether the run has ended (its timeline is whole then)
                boolean ended = !r.active() && info.isPresent() && info.get().status().finished();
                String status = info.isPresent() && r.active() != info.get().status().finished()
                        ? info.get().status().label() : r.status();
                if (lastStatus == null) lastStatus = status;
                if (!ended) continue;
                RunInfo i = info.get();
                finished++;
                if (i.status() == RunStatus.FAILED) failed++;
                if (lastSuccess == null && i.status() == RunStatus.SUCCEEDED) lastSuccess = i.finishedAt().map(Instant::toString).orElse(null);
                Counters c = i.counters();
                rowsMoved += c.inserted() + c.updated();
                Object secs = i.stats().get("seconds");
                if (secs instanceof Number n) seconds += n.doubleValue();
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("syncId", s.id());
            m.put("name", s.name());
            m.put("runs", rows.size());
            m.put("lastStatus", lastStatus);
            m.put("lastSuccess", lastSuccess);
            m.put("averageSeconds", finished == 0 ? null : Math.round(seconds / finished * 1000) / 1000.0);
            m.put("rowsMoved", rowsMoved);
            m.put("failureRate", finished == 0 ? null : Math.round(1000.0 * failed / finished) / 1000.0);
            out.add(m);
        }
        return out;
    }

    // ------------------------------------------------------------------ execution (db-scheduler task)

    /** Executes one run on this node; called by the run task, again on another node if this one died. */
    public void execute(String runId) {
        Optional<RunRow> found = findRow(runId);
        if (found.isEmpty() || !found.get().active()) return; // cancelled while queued, or deleted by retention
        RunRow row = found.get();
        MDC.put("tenant", row.tenantId());
        MDC.put("run", runId);
        CancelToken token = new CancelToken();
        local.put(runId, token);
        Optional<RunInfo> result = Optional.empty();
        try {
            Optional<Sync> sync = syncs.find(row.syncId());
            if (sync.isEmpty()) {
                finish(row, "failed", "the sync was deleted before the run started");
                return;
            }
            dev.ferry.core.config.SyncFile file = syncs.syncFile(sync.get());
            boolean revived = "running".equals(row.status());
            db.sql("UPDATE fs_runs SET status = 'running' WHERE run_id = ? AND status = 'queued'").param(runId).update();
            safeEvent(runId, revived ? RunLog.REVIVED : RunLog.STARTED, revived
                    ? "revived on " + node + ": the node running it stopped answering; resumes from its last checkpoint"
                    : "started on " + node);
            if (row.cancelRequested()) token.cancel();
            log.info("run={} starting sync={}", runId, row.syncId());
            TimelineListener listener = new TimelineListener(row, token);
            RunInfo info;
            try {
                if (file.bidirectional()) {
                    info = new dev.ferry.core.bidi.BidiEngine(store, connectors, clock)
                            .run(runId, file.bidi().get().withFullRefresh(Boolean.TRUE.equals(row.options().get("fullRefresh"))), listener, token);
                } else {
                    info = engine.run(runId, applyOptions(file.job(), row.options()), listener, token);
                }
            } finally {
                listener.flushBatches();
            }
            result = Optional.of(info);
            finish(row, info.status().label(), info.message().orElse(null));
            log.info("run={} ended {}: {}", runId, info.status().label(), info.message().orElse(""));
        } catch (RuntimeException e) {
            log.error("run={} could not run: {}", runId, e.getMessage());
            finish(row, "failed", "could not start: " + e.getMessage());
        } finally {
            local.remove(runId);
            Optional<RunInfo> r = result;
            findRow(runId).ifPresent(done -> observers.forEach(o -> {
                try {
                    o.finished(done, r);
                } catch (RuntimeException e) {
                    log.warn("run={} observer failed: {}", runId, e.toString());
                }
            }));
            MDC.remove("run");
            MDC.remove("tenant");
        }
    }

    /**
     * Hears the engine on its thread: checks for a cancel asked on another node, tells the observers, and writes the
     * timeline: resumed, phases, retries with their reason, rate-limit waits, and batches coalesced to one event a second.
     */
    private final class TimelineListener implements RunListener {
        private final RunRow row;
        private final CancelToken token;
        private long lastCancelCheck;
        private String phase;
        private boolean resumedNoted;
        private long rateLimitWaits;
        private long firstSeq = -1, lastSeq, batchRows, batches, lastBatchFlush;

        TimelineListener(RunRow row, CancelToken token) {
            this.row = row;
            this.token = token;
            this.lastBatchFlush = clock.millis();
        }

        @Override
        public synchronized void onUpdate(RunInfo info) {
            long now = clock.millis();
            if (now - lastCancelCheck >= 1000) { // a cancel may have been asked on another node
                lastCancelCheck = now;
                try {
                    if (Boolean.TRUE.equals(db.sql("SELECT cancel_requested FROM fs_runs WHERE run_id = ?").param(row.runId())
                            .query(Boolean.class).optional().orElse(false))) token.cancel();
                } catch (RuntimeException e) {
                    log.debug("run={} cancel check failed: {}", row.runId(), e.toString());
                }
            }
            if (!resumedNoted && info.resumedFrom().isPresent()) {
                resumedNoted = true;
                event(RunLog.RESUMED, "resumed from the checkpoint of run " + info.resumedFrom().get());
            }
            String p = info.phase().label();
            if (!info.status().finished() && !p.equals(phase)) {
                phase = p;
                event(RunLog.PHASE, "phase: " + p);
            }
            if (info.stats().get("rateLimitWaits") instanceof Number n && n.longValue() > rateLimitWaits) {
                long more = n.longValue() - rateLimitWaits;
                rateLimitWaits = n.longValue();
                event(RunLog.RATE_LIMIT, "waited for the source's rate limit " + (more == 1 ? "once" : more + " times")
                        + " (" + rateLimitWaits + " so far)");
            }
            observers.forEach(o -> o.progress(row, info));
        }

        @Override
        public synchronized void onBatch(String id, long seq, int rows, Duration took) {
            observers.forEach(o -> o.batch(row, rows, took));
            if (firstSeq < 0) firstSeq = seq;
            lastSeq = seq;
            batches++;
            batchRows += rows;
            if (clock.millis() - lastBatchFlush >= 1000) flushBatches();
        }

        @Override
        public synchronized void onRetry(String id, int retry, String reason) {
            event(RunLog.RETRY, "retry " + retry + ": " + reason);
        }

        /** Batches committed so far are told first, so the timeline stays in order. */
        private void event(String kind, String detail) {
            flushBatches();
            safeEvent(row.runId(), kind, detail);
        }

        synchronized void flushBatches() {
            lastBatchFlush = clock.millis();
            if (batches == 0) return;
            safeEvent(row.runId(), RunLog.BATCH, (batches == 1 ? "batch " + firstSeq : batches + " batches (" + firstSeq + "–" + lastSeq + ")")
                    + " committed: " + batchRows + " rows");
            firstSeq = -1;
            batches = 0;
            batchRows = 0;
        }
    }

    /** A timeline write never fails a run. */
    private void safeEvent(String runId, String kind, String detail) {
        try {
            timeline.add(runId, kind, detail);
        } catch (RuntimeException e) {
            log.warn("run={} could not record its {} event: {}", runId, kind, e.toString());
        }
    }

    /** This node as the timeline names it: db-scheduler's name for it (the host name unless set), and the process id. */
    private static String describeNode(String schedulerName) {
        String name = schedulerName == null ? "" : schedulerName.trim();
        if (name.isEmpty()) {
            try {
                name = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                name = "this host";
            }
        }
        return "node " + name + " (pid " + ProcessHandle.current().pid() + ")";
    }

    private void finish(RunRow row, String status, String message) {
        // the event first: whoever sees the row ended finds the whole timeline
        safeEvent(row.runId(), "failed".equals(status) ? RunLog.FAILED : RunLog.COMPLETED,
                "ended " + status + (message != null ? ": " + message : ""));
        db.sql("UPDATE fs_runs SET status = ?, active_key = NULL, finished_at = ?, message = ? WHERE run_id = ?")
                .params(status, clock.millis(), message, row.runId()).update();
    }

    static SyncJob applyOptions(SyncJob j, Map<String, Object> options) {
        boolean fullRefresh = Boolean.TRUE.equals(options.get("fullRefresh"));
        int batchSize = options.get("batchSize") instanceof Number n ? n.intValue() : j.batchSize();
        return new SyncJob(j.name(), j.sourceType(), j.source(), j.destinationType(), j.destination(), j.table(), j.key(),
                j.cursor(), j.mode(), batchSize, j.readAhead(), j.retry(), fullRefresh, j.origin());
    }

    private RunRow row(ResultSet rs, int i) throws SQLException {
        long fin = rs.getLong("finished_at");
        boolean finNull = rs.wasNull();
        return new RunRow(rs.getString("run_id"), rs.getString("tenant_id"), rs.getString("sync_id"), rs.getString("status"),
                rs.getString("run_trigger"), rs.getString("destination"), rs.getBoolean("cancel_requested"),
                SyncService.JSON.readValue(rs.getString("options_json"), MAP), Optional.ofNullable(rs.getString("message")),
                Optional.ofNullable(rs.getString("retry_of")), Instant.ofEpochMilli(rs.getLong("requested_at")),
                finNull ? Optional.empty() : Optional.of(Instant.ofEpochMilli(fin)));
    }
}
