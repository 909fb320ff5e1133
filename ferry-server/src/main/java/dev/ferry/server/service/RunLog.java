package dev.ferry.server.service;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's timeline, stored ({@code fs_run_events}) so that a page reload, another node or a restarted server shows
 * the same events: triggered, started/resumed/revived, phases, batches (coalesced), retries with their reason,
 * rate-limit waits, cancel requested, replays, ended.
 */
@Service
public class RunLog {
    /** Event kinds; the dashboard shows each as {@code data-testid="timeline-<kind>"}. */
    public static final String TRIGGERED = "triggered", SKIPPED = "skipped", STARTED = "started", RESUMED = "resumed",
            REVIVED = "revived", PHASE = "phase", BATCH = "batch", RETRY = "retry", RATE_LIMIT = "rate-limit",
            CANCEL = "cancel", REPLAY = "replay", COMPLETED = "completed", FAILED = "failed";
    private static final int MAX_DETAIL = 2000;

    public record Event(long id, String runId, Instant at, String kind, String detail) {
        public Map<String, Object> view() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("at", at.toString());
            m.put("kind", kind);
            m.put("detail", detail);
            return m;
        }
    }

    private final JdbcClient db;
    private final Clock clock;

    public RunLog(JdbcClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public void add(String runId, String kind, String detail) {
        String d = detail == null ? "" : detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL - 1) + "…" : detail;
        db.sql("INSERT INTO fs_run_events (run_id, happened_at, kind, detail) VALUES (?, ?, ?, ?)")
                .params(runId, clock.millis(), kind, d).update();
    }

    /** The run's events in order. */
    public List<Event> of(String runId) {
        return since(runId, 0);
    }

    /** The run's events after the one with this id (0: all), in order. */
    public List<Event> since(String runId, long afterId) {
        return db.sql("SELECT id, run_id, happened_at, kind, detail FROM fs_run_events WHERE run_id = ? AND id > ? ORDER BY id")
                .params(runId, afterId)
                .query((rs, i) -> new Event(rs.getLong("id"), rs.getString("run_id"), Instant.ofEpochMilli(rs.getLong("happened_at")),
                        rs.getString("kind"), rs.getString("detail")))
                .list();
    }
}
